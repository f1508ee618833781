"""Every shipped YAML data file reads the same with libyaml's loader and PyYAML's Python one,
and no list item is a one-key mapping by accident (``[source:, foto:]`` is two mappings to
None for PyYAML, an error for libyaml: the claim cues once held such items unnoticed)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from narratrace.yamlfile import load_yaml

from ..conftest import REPO

FILES = sorted((REPO / "src" / "narratrace").rglob("*.yaml"))


def _accidental_keys(data: Any) -> list[str]:
    if isinstance(data, dict):
        return [k for v in data.values() for k in _accidental_keys(v)]
    if isinstance(data, list):
        found = []
        for item in data:
            if isinstance(item, dict) and len(item) == 1 and next(iter(item.values())) is None:
                found.append(str(next(iter(item))))
            else:
                found += _accidental_keys(item)
        return found
    return []


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_the_two_loaders_agree_and_no_item_is_a_mapping_by_accident(path: Any) -> None:
    text = path.read_text(encoding="utf-8")
    data = yaml.load(text, Loader=yaml.SafeLoader)
    assert load_yaml(text) == data
    assert _accidental_keys(data) == []


def test_the_fast_loader_is_used_when_pyyaml_has_it() -> None:
    from narratrace import yamlfile

    assert len(FILES) > 40
    assert yamlfile._LOADER is (yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)

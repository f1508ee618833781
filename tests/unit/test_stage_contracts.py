"""Stage contracts: declared requires/assigns, an order that cannot work refused, the doc table generated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from narratrace.config import ConfigError, Settings
from narratrace.pipeline import analyze, check_settings
from narratrace.stages import StageOrderError, check_order, contract_table

from ..conftest import REPO


def test_the_default_pipeline_and_the_spine_are_in_a_working_order() -> None:
    check_settings(Settings())
    check_order("rules.v1", ("language.v1", "metadata.v1"), ("stories.v1", "entities-index.v1"))


@pytest.mark.parametrize(("analysers", "message"), [
    (("language.v1", "metadata.v1", "claims.v1"),
     r"stage 'claims.v1' requires 'entities', which no stage before it assigns: "
     r"add 'entities.v1' before 'claims.v1' in \[pipeline\] analysers"),
    (("language.v1", "entities.v1", "claims.v1", "attributions.v1"),
     r"'claims.v1' requires 'attributions'.*move 'attributions.v1' before 'claims.v1'"),
    (("entities.v1", "language.v1"), r"'entities.v1' requires 'lang'.*move 'language.v1' before 'entities.v1'"),
])
def test_an_order_that_cannot_work_names_the_missing_stage(analysers: tuple[str, ...], message: str) -> None:
    with pytest.raises(StageOrderError, match=message):
        check_order("rules.v1", analysers, ())


def test_corpus_stages_need_their_fields_from_the_analysers(tmp_path: Path) -> None:
    settings = Settings(analysers=("metadata.v1",), corpus=())
    with pytest.raises(ConfigError, match=r"'metadata.v1' requires 'lang'.*add 'language.v1'"):
        analyze([str(tmp_path)], str(tmp_path / "x.db"), settings, jobs=1)
    with pytest.raises(StageOrderError, match=r"'stories.v1' requires 'lang'.*add 'language.v1' to \[pipeline\]"):
        check_order("rules.v1", (), ("stories.v1",))
    assert not (tmp_path / "x.db").exists()  # refused before anything was opened or read


def test_the_architecture_table_is_generated_from_the_declarations() -> None:
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- stage-contracts: generated -->\n(.*?)<!-- /stage-contracts -->", doc, re.DOTALL)
    assert found, "docs/architecture.md lost its stage-contracts block"
    assert found.group(1) == contract_table(), (
        "docs/architecture.md's stage table is out of date; replace it with:\n" + contract_table())
    assert "| `claims.v1` | analyser | `body`, `entities`, `attributions` | `claims` |" in found.group(1)

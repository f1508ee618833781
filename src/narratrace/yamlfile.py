"""Reading the project's YAML data files (lexicons, rules, catalogue, mappings) fast.

PyYAML's pure-Python loader spent about half a second of every run's start-up on the 58
data files (and a catalogue of 1,000 narratives takes seconds); libyaml's loader, which
PyYAML wraps when it was built with it, reads the same files ten times faster. Both give the
same objects for the shipped files (``tests/unit/test_yaml_files.py`` checks every one), so
the C loader is used when present and the Python one otherwise.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = ["YAMLError", "load_yaml"]

YAMLError = yaml.YAMLError


def load_yaml(text: str | bytes) -> Any:
    """The data of one YAML document, with the safe loader (no tags that build objects)."""
    return yaml.load(text, Loader=_LOADER)

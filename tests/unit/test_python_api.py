"""docs/python.md is run as written: every ``>>>`` example of the public Python API."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

import narratrace

from ..conftest import REPO

DOC = REPO / "docs" / "python.md"


def test_the_package_exports_the_documented_api() -> None:
    assert set(narratrace.__all__) >= {"analyze", "similarity", "match_claims", "__version__"}
    doc = DOC.read_text(encoding="utf-8")
    for name in ("analyze", "similarity", "match_claims"):
        assert f"## `narratrace.{name}`" in doc and getattr(narratrace, name).__doc__


@pytest.mark.slow
def test_docs_python_examples_run(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"```python\n(.*?)```", text, re.DOTALL))
    test = doctest.DocTestParser().get_doctest(blocks, {"tmp": tmp_path, "examples": REPO / "examples"},
                                               "docs/python.md", str(DOC), 0)
    assert len(test.examples) >= 15
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} example(s) of docs/python.md failed (see the output above)"

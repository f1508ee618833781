"""Every third-party module the package imports is provided by a declared dependency.

The test environment has the dev extras, which can hide an undeclared run-time import
(trafilatura's justext needs lxml_html_clean; a plain ``pip install`` lacked it).
scripts/smoke.sh proves the same on a fresh install; this catches it without one.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPTIONAL = {"onnxruntime", "tokenizers", "distributed", "dask", "psycopg"}  # extras, imported lazily


def _declared() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    names = set()
    for req in data["project"]["dependencies"]:
        m = re.match(r"[A-Za-z0-9_.-]+", req)
        assert m
        names.add(m.group(0).lower().replace("_", "-").replace(".", "-"))
    return names


def _imported() -> set[str]:
    mods: set[str] = set()
    for path in (ROOT / "src" / "narratrace").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                mods.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods.add(node.module.split(".")[0])
    return {m for m in mods if m not in sys.stdlib_module_names and m != "narratrace"}


def test_every_runtime_import_is_declared() -> None:
    declared = _declared()
    dists = packages_distributions()
    missing = []
    for mod in sorted(_imported() - OPTIONAL):
        providers = {d.lower().replace("_", "-").replace(".", "-") for d in dists.get(mod, [])}
        if not providers & declared:
            missing.append(f"{mod} (from {sorted(providers) or 'nothing installed'})")
    assert not missing, f"imported but not declared in [project] dependencies: {missing}"


def test_lxml_html_clean_is_declared() -> None:
    # not imported by narratrace itself: trafilatura -> justext -> lxml.html.clean
    assert "lxml-html-clean" in _declared()

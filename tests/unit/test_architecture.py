"""The store is the only package that speaks SQL (docs/architecture.md, issue 17.1).

Every module outside ``narratrace/store/`` is parsed and its imports resolved (relative
ones against the module's own package): none may import SQLAlchemy, Alembic or the
store's table definitions. A test, not a grep, so an aliased or relative import counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "narratrace"
FORBIDDEN = ("sqlalchemy", "alembic", "narratrace.store.schema", "narratrace.store.base")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Absolute names of everything ``path`` imports (``from X import y`` gives X and X.y)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _speaks_sql(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == f or m.startswith(f + ".") for f in FORBIDDEN))


def test_only_the_store_imports_sqlalchemy_or_the_schema() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "store" in path.relative_to(PACKAGE).parts[:1]:
            continue
        bad = _speaks_sql(imported_modules(path))
        if bad:
            offenders[str(path.relative_to(PACKAGE))] = bad
    assert offenders == {}, f"SQL outside store/ (add a method to a store/ module instead): {offenders}"


@pytest.mark.parametrize(
    ("source", "where", "expected"),
    [
        ("from ..store import schema", "web/x.py", ["narratrace.store.schema"]),
        ("from ...store.schema import articles", "analyse/entities/x.py", ["narratrace.store.schema",
                                                                             "narratrace.store.schema.articles"]),
        ("import sqlalchemy as sa", "x.py", ["sqlalchemy"]),
        ("from sqlalchemy.engine import Connection", "cli/x.py", ["sqlalchemy.engine",
                                                                  "sqlalchemy.engine.Connection"]),
        ("from ..store import Store, open_store", "web/x.py", []),
        ("from .schema import thing", "web/x.py", []),  # web/schema.py is not the store's
    ],
)
def test_the_rule_resolves_relative_and_aliased_imports(
    tmp_path: Path, source: str, where: str, expected: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "narratrace" / where
    fake.parent.mkdir(parents=True, exist_ok=True)
    fake.write_text(source + "\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGE"]), "PACKAGE", tmp_path / "narratrace")
    assert _speaks_sql(imported_modules(fake)) == expected

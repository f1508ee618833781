"""The narrative catalogue: one YAML file per narrative, shipped ones plus the user's.

Why files and not a table: analysts review, diff and share narratives like code, and the
shipped starter catalogue must be readable by anyone checking our wording. A user folder
(``--catalog DIR``, ``$NARRATRACE_CATALOG`` or the stage option ``catalog``) is layered on
top of the shipped one; a user file with the same id replaces the shipped narrative.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..config import environ
from ..yamlfile import load_yaml

SHIPPED_DIR = Path(__file__).with_name("data") / "narratives"
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}$")
MAX_FILE_BYTES = 256 * 1024
MAX_CLAIM_CHARS = 1000


class CatalogueError(ValueError):
    """A narrative file that cannot be used; the message names the file and the fix."""


@dataclass(frozen=True)
class Narrative:
    id: str
    title: str
    summary: str = ""
    claims: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lang -> phrasings
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lang -> markers
    # lang -> neutral statements on the same topic (what ordinary news about it says): they
    # let the matcher tell "a report on the OPCW" from "the attack was staged"
    neutral: dict[str, tuple[str, ...]] = field(default_factory=dict)
    entities: tuple[str, ...] = ()
    anchors: tuple[str, ...] = ()  # at least one must occur for a match (empty: no condition)
    debunks: tuple[str, ...] = ()
    first_seen: str | None = None
    sources: tuple[str, ...] = ()
    parent: str | None = None  # id of the broader narrative this one refines (a subnarrative)
    path: str | None = None  # file it was read from (not written back)

    def all_claims(self) -> list[str]:
        return [c for lang in sorted(self.claims) for c in self.claims[lang]]

    def all_neutral(self) -> list[str]:
        return [c for lang in sorted(self.neutral) for c in self.neutral[lang]]

    def all_keywords(self) -> list[str]:
        return [k for lang in sorted(self.keywords) for k in self.keywords[lang]]

    def to_data(self) -> dict[str, Any]:
        """The YAML form (what ``narratives add``/``promote`` write)."""
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "claims": {k: list(v) for k, v in self.claims.items()},
            "neutral": {k: list(v) for k, v in self.neutral.items()},
            "keywords": {k: list(v) for k, v in self.keywords.items()},
            "entities": list(self.entities),
            "anchors": list(self.anchors),
            "debunks": list(self.debunks),
            "first_seen": self.first_seen,
            "sources": list(self.sources),
        }
        if self.parent:
            data["parent"] = self.parent
        return data


def valid_id(value: str) -> bool:
    return bool(_ID.match(value))


def slugify(text: str, limit: int = 60) -> str:
    from ..text.fold import fold

    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:limit].strip("-") or "narrative"


def _strs(value: Any, what: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise CatalogueError(f"{where}: {what} must be a list of strings")
    return tuple(str(v).strip()[:MAX_CLAIM_CHARS] for v in value if str(v).strip())


def _by_lang(value: Any, what: str, where: str) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if isinstance(value, list):  # no language given: "und"
        return {"und": _strs(value, what, where)}
    if not isinstance(value, dict):
        raise CatalogueError(f"{where}: {what} must map a language code to a list of strings")
    return {str(k): _strs(v, what, where) for k, v in value.items() if v}


def narrative_from_data(data: Any, where: str = "<data>") -> Narrative:
    """Validate one parsed narrative; errors say which field to fix."""
    if not isinstance(data, dict):
        raise CatalogueError(f"{where}: a narrative file must be a YAML mapping")
    nid = str(data.get("id") or "").strip()
    if not valid_id(nid):
        raise CatalogueError(
            f"{where}: id {nid!r} is missing or invalid; use lower-case letters, digits, '-', '.', '_'"
        )
    title = str(data.get("title") or "").strip()
    if not title:
        raise CatalogueError(f"{where}: 'title' is required")
    claims = _by_lang(data.get("claims"), "claims", where)
    if not any(claims.values()):
        raise CatalogueError(f"{where}: at least one claim is required (claims: {{en: [...], fr: [...]}})")
    first = data.get("first_seen")
    parent = str(data.get("parent") or "").strip() or None
    if parent is not None and not valid_id(parent):
        raise CatalogueError(f"{where}: parent {parent!r} is not a narrative id")
    return Narrative(
        id=nid,
        title=title,
        summary=str(data.get("summary") or "").strip(),
        claims=claims,
        keywords=_by_lang(data.get("keywords"), "keywords", where),
        neutral=_by_lang(data.get("neutral"), "neutral", where),
        entities=_strs(data.get("entities"), "entities", where),
        anchors=_strs(data.get("anchors"), "anchors", where),
        debunks=_strs(data.get("debunks"), "debunks", where),
        first_seen=str(first) if first not in (None, "") else None,
        sources=_strs(data.get("sources"), "sources", where),
        parent=parent,
        path=where,
    )


def read_narrative(path: Path) -> Narrative:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise CatalogueError(f"{path}: larger than {MAX_FILE_BYTES} bytes; is it really a narrative?")
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: not valid YAML: {exc}") from None
    return narrative_from_data(data, str(path))


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.y*ml") if p.is_file())


def default_user_dir() -> Path | None:
    env = environ("NARRATRACE_CATALOG")
    return Path(env) if env else None


@dataclass(frozen=True)
class CatalogueSource:
    """Where a process finds its catalogue, so every reader agrees with the matcher.

    The narratives stage's options (``[stages."narratives.v1"] catalog`` and
    ``shipped``) decide; without them, the shipped narratives plus
    ``$NARRATRACE_CATALOG``. Analyses, ``narratives list/show`` and the dashboard all
    read through this, and edits are written to its last folder.
    """

    folders: tuple[str, ...] | None = None  # None: $NARRATRACE_CATALOG, if set
    shipped: bool = True

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> CatalogueSource:
        catalog = options.get("catalog")
        folders = None if catalog is None else (catalog,) if isinstance(catalog, str) else tuple(catalog)
        return cls(folders, bool(options.get("shipped", True)))

    def load(self, strict: bool = False) -> Catalogue:
        return load_catalogue(list(self.folders) if self.folders is not None else None, self.shipped, strict)

    def write_folder(self) -> Path | None:
        """Where an edit goes: the last configured folder, else ``$NARRATRACE_CATALOG``."""
        return Path(self.folders[-1]) if self.folders else default_user_dir()


@dataclass(frozen=True)
class Catalogue:
    narratives: tuple[Narrative, ...]
    errors: tuple[str, ...] = ()

    def get(self, nid: str) -> Narrative | None:
        for n in self.narratives:
            if n.id == nid:
                return n
        return None

    def fingerprint(self) -> str:
        """Changes whenever any claim changes: the key of the embedding cache."""
        h = hashlib.sha256()
        for n in self.narratives:
            h.update(n.id.encode())
            for c in [*n.all_claims(), *n.all_neutral()]:
                h.update(b"\0" + c.encode())
        return h.hexdigest()[:20]


def load_catalogue(
    user_dirs: Sequence[str | os.PathLike[str]] | None = None,
    shipped: bool = True,
    strict: bool = False,
) -> Catalogue:
    """Shipped narratives, then each user folder in order (later ids replace earlier ones).

    A broken user file is reported in ``errors`` (or raised when ``strict``) and skipped, so
    one typo does not stop a whole analysis run.
    """
    folders: list[Path] = [SHIPPED_DIR] if shipped else []
    dirs = list(user_dirs) if user_dirs is not None else []
    if user_dirs is None and (env := default_user_dir()) is not None:
        dirs.append(env)
    folders.extend(Path(d) for d in dirs)
    found: dict[str, Narrative] = {}
    errors: list[str] = []
    for folder in folders:
        if not folder.is_dir():
            if folder != SHIPPED_DIR:
                errors.append(f"{folder}: catalogue folder does not exist")
            continue
        for path in _files(folder):
            try:
                n = read_narrative(path)
            except CatalogueError as exc:
                if strict:
                    raise
                errors.append(str(exc))
                continue
            found[n.id] = n
    return Catalogue(tuple(found[k] for k in sorted(found)), tuple(errors))


def write_narrative(narrative: Narrative, folder: str | os.PathLike[str], overwrite: bool = False) -> Path:
    """Write ``<folder>/<id>.yaml`` (validated first); refuses to replace unless asked."""
    narrative_from_data(narrative.to_data(), narrative.id)  # same checks as reading
    target_dir = Path(folder)
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / f"{narrative.id}.yaml"
    if path.exists() and not overwrite:
        raise CatalogueError(f"{path} already exists; pass --overwrite to replace it")
    text = yaml.safe_dump(narrative.to_data(), allow_unicode=True, sort_keys=False, width=100)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def unique_id(base: str, taken: Iterable[str]) -> str:
    used = set(taken)
    if base not in used:
        return base
    i = 2
    while f"{base}-{i}" in used:
        i += 1
    return f"{base}-{i}"

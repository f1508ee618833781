"""Stage interfaces and the registry of named implementations.

Every role of the pipeline is a small ``Protocol``. Implementations are registered
under a versioned name (``"rules.v1"``) as a ``"module:attribute"`` string, so that
heavy models are imported only when a configuration actually asks for them, and a
user can swap any stage by naming another implementation in the configuration
(spaCy's registry, without its catalogue dependency).

Each stage declares its contract, as spaCy's factories do: ``requires``, the record
fields an earlier stage must have assigned, and ``assigns``, the fields it sets. The
configuration check (``check_order``) refuses an order that cannot work and names the
stage that is missing; docs/architecture.md's stage table is generated from the same
declarations (``contract_table``).

Per-article stages are pure functions of one article (plus loaded models): the
pipeline runs them in a process pool or on a Dask worker unchanged. Corpus stages see
the store and the ids of the new articles and must work incrementally.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .config import ConfigError
from .records import Article, RawItem, Rejection
from .registry import BUILTIN_STAGES, STAGES

if TYPE_CHECKING:
    from .store import Store


@runtime_checkable
class Cleaner(Protocol):
    """Turns a raw input item into a clean article, or rejects it with a reason."""

    name: str

    def __call__(self, item: RawItem) -> Article | Rejection: ...


@runtime_checkable
class ArticleStage(Protocol):
    """A per-article analysis step: language, metadata, entities, claims, ..."""

    name: str

    def __call__(self, article: Article) -> Article: ...


@runtime_checkable
class CorpusStage(Protocol):
    """A corpus-level step (stories, narratives) run after new articles are stored."""

    name: str

    def update(self, store: Store, article_ids: Sequence[str]) -> None: ...


class NoOpStage:
    """The do-nothing implementation for optional roles."""

    name = "noop"
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()

    def __call__(self, article: Article) -> Article:
        return article

    def update(self, store: Store, article_ids: Sequence[str]) -> None:
        return None


# The built-in stages' roles (a plug-in's class says its own with ``role``), so a name is
# listed under its role without importing the module that holds its models.
BUILTIN_ROLES: dict[str, tuple[str, ...]] = {
    "noop": ("analyser", "corpus"),
    "rules.v1": ("cleaner",),
    "language.v1": ("analyser",),
    "metadata.v1": ("analyser",),
    "entities.v1": ("analyser",),
    "attributions.v1": ("analyser",),
    "claims.v1": ("analyser",),
    "techniques.v1": ("analyser",),
    "narratives.v1": ("analyser",),
    "entities-index.v1": ("corpus",),
    "stories.v1": ("corpus",),
    "network.v1": ("corpus",),
}
_ADDED_ROLES: dict[str, set[str]] = {}


class UnknownStageError(LookupError):
    pass


class StageOrderError(ConfigError):
    """A configured stage needs a field that no stage before it assigns."""


def roles_of(name: str) -> tuple[str, ...]:
    """The roles a registered stage can play (read from its class for plug-ins)."""
    if name in _ADDED_ROLES:
        return tuple(sorted(_ADDED_ROLES[name]))
    if name in BUILTIN_ROLES and STAGES.reference(name) == BUILTIN_STAGES.get(name):
        return BUILTIN_ROLES[name]
    factory = STAGES.load(name)
    declared = getattr(factory, "role", None)
    if isinstance(declared, str):
        return (declared,)
    return ("corpus",) if callable(getattr(factory, "update", None)) else ("analyser",)


def register(role: str, name: str, target: str | object) -> None:
    """Register an implementation, e.g. ``register("analyser", "entities.v1", "pkg.mod:Cls")``.

    For this process (and the workers a run starts from it); an installed plug-in uses the
    ``narratrace.stages`` entry-point group instead, which every process reads.
    """
    STAGES.register(name, target)
    _ADDED_ROLES.setdefault(name, set()).add(role)


def registered(role: str) -> list[str]:
    return [name for name in STAGES.names() if role in roles_of(name)]


def resolve(role: str, name: str) -> Callable[..., Any]:
    if name not in STAGES or role not in roles_of(name):
        known = ", ".join(registered(role)) or "none"
        raise UnknownStageError(
            f"no {role} stage named {name!r}; registered {role} stages: {known}. "
            "Fix the name in your configuration or register the implementation."
        ) from None
    return STAGES.load(name)  # type: ignore[no-any-return]


def create(role: str, name: str, **options: Any) -> Any:
    return resolve(role, name)(**options)


def unknown_options(role: str, name: str, options: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """Option names a stage's factory would refuse, and the ones it takes (sorted).

    Read from the factory's signature, without building the stage (analysers load
    models); a factory taking ``**options`` lists them in an ``OPTIONS`` attribute, or
    is not checked here.
    """
    factory = resolve(role, name)
    params = inspect.signature(factory).parameters.values()
    known = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    if any(p.kind is p.VAR_KEYWORD for p in params):
        extra = getattr(factory, "OPTIONS", None)
        if extra is None:
            return [], sorted(known)
        known |= set(extra)
    return sorted(set(options) - known), sorted(known)


# Fields every record has before any stage ran (set from the input item).
INPUT_FIELDS = frozenset({"id", "content_hash", "source", "external_id", "warnings"})


def contract(factory: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A stage's declared (requires, assigns); a stage declaring nothing requires nothing."""
    return tuple(getattr(factory, "requires", ())), tuple(getattr(factory, "assigns", ()))


def _providers(field_name: str, roles: tuple[str, ...]) -> list[str]:
    """Registered stages of these roles that assign a field (the message names the missing stage)."""
    found = []
    for name in STAGES.names():
        try:
            if set(roles) & set(roles_of(name)) and field_name in contract(STAGES.load(name))[1]:
                found.append(name)
        except Exception:  # a broken plug-in must not hide the real message
            continue
    return found


def check_order(cleaner: str, analysers: Sequence[str], corpus: Sequence[str]) -> None:
    """Refuse a pipeline whose stages need a field that no stage before them assigns.

    The cleaner runs first, the analysers in order, the corpus stages after all of them
    (over stored articles, so they may require anything an analyser assigns).
    """
    have = set(INPUT_FIELDS) | set(contract(resolve("cleaner", cleaner))[1])
    ordered = [("analyser", n) for n in analysers] + [("corpus", n) for n in corpus]
    for position, (role, name) in enumerate(ordered):
        requires, assigns = contract(resolve(role, name))
        for field_name in requires:
            if field_name in have:
                continue
            providers = _providers(field_name, ("analyser",) if role == "analyser" else ("analyser", "corpus"))
            later = [n for _, n in ordered[position + 1 :] if n in providers]
            where = f"before {name!r} in [pipeline] analysers" if role == "analyser" else "to [pipeline] analysers"
            if later:
                fix = f"move {later[0]!r} {where}"
            elif providers:
                fix = f"add {' or '.join(repr(p) for p in providers)} {where}"
            else:
                fix = "no registered stage assigns it"
            raise StageOrderError(
                f"stage {name!r} requires {field_name!r}, which no stage before it assigns: {fix}"
            )
        have |= set(assigns)


def contract_table() -> str:
    """The Markdown table of the built-in stages' contracts (docs/architecture.md)."""
    lines = ["| stage | role | requires | assigns |", "|---|---|---|---|"]
    for name in BUILTIN_STAGES:
        requires, assigns = contract(STAGES.load(name))

        def cell(fields: tuple[str, ...]) -> str:
            return ", ".join(f"`{f}`" for f in fields) or "-"

        lines.append(f"| `{name}` | {' / '.join(BUILTIN_ROLES[name])} | {cell(requires)} | {cell(assigns)} |")
    return "\n".join(lines) + "\n"

"""Stage interfaces and the registry of named implementations.

Every role of the pipeline is a small ``Protocol``. Implementations are registered
under a versioned name (``"rules.v1"``) as a ``"module:attribute"`` string, so that
heavy models are imported only when a configuration actually asks for them, and a
user can swap any stage by naming another implementation in the configuration
(spaCy's registry, without its catalogue dependency).

Per-article stages are pure functions of one article (plus loaded models): the
pipeline runs them in a process pool or on a Dask worker unchanged. Corpus stages see
the store and the ids of the new articles and must work incrementally.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .records import Article, RawItem, Rejection

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

    def __call__(self, article: Article) -> Article:
        return article

    def update(self, store: Store, article_ids: Sequence[str]) -> None:
        return None


# role -> registry name -> "module:attribute" of a factory taking keyword options.
_REGISTRY: dict[str, dict[str, str]] = {
    "cleaner": {
        "rules.v1": "narratrace.clean.pipeline:RuleCleaner",
    },
    "analyser": {
        "noop": "narratrace.stages:NoOpStage",
        "language.v1": "narratrace.analyse.language:LanguageStage",
        "metadata.v1": "narratrace.analyse.metadata:MetadataStage",
        "entities.v1": "narratrace.analyse.entities:EntityStage",
        "attributions.v1": "narratrace.analyse.attribution:AttributionStage",
        "claims.v1": "narratrace.analyse.claims:ClaimStage",
        "narratives.v1": "narratrace.narratives.stage:NarrativeStage",
    },
    "corpus": {
        "noop": "narratrace.stages:NoOpStage",
        "entities-index.v1": "narratrace.analyse.entities.index:EntityIndexStage",
        "stories.v1": "narratrace.stories.stage:StoriesStage",
    },
}


class UnknownStageError(LookupError):
    pass


def register(role: str, name: str, target: str) -> None:
    """Register an implementation, e.g. ``register("analyser", "entities.v1", "pkg.mod:Cls")``."""
    _REGISTRY.setdefault(role, {})[name] = target


def registered(role: str) -> list[str]:
    return sorted(_REGISTRY.get(role, {}))


def resolve(role: str, name: str) -> Callable[..., Any]:
    try:
        target = _REGISTRY[role][name]
    except KeyError:
        known = ", ".join(registered(role)) or "none"
        raise UnknownStageError(
            f"no {role} stage named {name!r}; registered {role} stages: {known}. "
            "Fix the name in your configuration or register the implementation."
        ) from None
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)  # type: ignore[no-any-return]


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

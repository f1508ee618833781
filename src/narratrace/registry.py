"""One registry for every extension point: stages, readers, exporters, encoders.

Each extension point is a ``Registry`` of versioned names mapped to ``"module:attribute"``
references, imported only when a configuration (or an input file, or an export format)
asks for them, so a heavy model is never loaded for nothing.

Built-ins and plug-ins are registered the same way: the built-ins' references are the
tables below (``BUILTIN_*``); a plug-in package declares its own in the matching entry-point
group of its ``pyproject.toml``::

    [project.entry-points."narratrace.readers"]
    warc = "my_package.readers:WarcReader"

Entry points are read from the installed packages' metadata in whatever process asks,
so a pool worker or a Dask worker resolves the same names as the process that started the
run, without anyone calling ``register()`` there. ``register()`` is for a session's own
additions (a notebook, a test); the pipeline hands such additions to its workers
(``additions()`` / ``restore()``), but a cluster started elsewhere only knows entry points.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping
from importlib.metadata import entry_points
from typing import Any

GROUPS = ("stages", "readers", "exporters", "encoders")


class UnknownNameError(LookupError):
    """No implementation is registered under that name (the message lists the known ones)."""


def load_reference(target: str) -> Any:
    """Import ``"package.module:Attribute"`` and return the attribute."""
    module_name, _, attr = target.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split(".") if attr else ():
        obj = getattr(obj, part)
    return obj


class Registry:
    """Named implementations of one extension point (``narratrace.<group>`` entry points)."""

    def __init__(self, group: str, builtins: Mapping[str, str], what: str) -> None:
        self.group = group
        self.entry_point_group = f"narratrace.{group}"
        self.what = what  # "reader", "exporter", ... for messages
        self._builtins = dict(builtins)
        self._added: dict[str, str | object] = {}
        self._loaded: dict[str, Any] = {}
        self._plugins: tuple[tuple[str, ...], dict[str, str]] | None = None

    def _entry_points(self) -> dict[str, str]:
        """Installed plug-ins of this group, read once per process (and again if ``sys.path``
        changes): scanning every installed distribution's metadata costs ~60 ms, and a run
        resolves stage names dozens of times (a third of a one-file run's CPU time)."""
        path = tuple(sys.path)
        if self._plugins is None or self._plugins[0] != path:
            found = {ep.name: ep.value for ep in entry_points(group=self.entry_point_group)}
            self._plugins = (path, found)
        return self._plugins[1]

    def register(self, name: str, target: str | object) -> None:
        """Add (or replace) an implementation for this process: a reference string or the object."""
        self._added[name] = target
        self._loaded.pop(name, None)

    def unregister(self, name: str) -> None:
        self._added.pop(name, None)
        self._loaded.pop(name, None)

    def names(self) -> list[str]:
        """Every name known here: built-ins, installed plug-ins and this session's additions."""
        return sorted({*self._builtins, *self._entry_points(), *self._added})

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.names()

    def reference(self, name: str) -> str | object:
        """Where ``name`` comes from; a session addition wins over a plug-in, a plug-in over a built-in."""
        if name in self._added:
            return self._added[name]
        plugins = self._entry_points()
        if name in plugins:
            return plugins[name]
        if name in self._builtins:
            return self._builtins[name]
        known = ", ".join(self.names()) or "none"
        raise UnknownNameError(f"no {self.what} named {name!r}; registered: {known}")

    def load(self, name: str) -> Any:
        """The implementation (a class or factory), imported on first use."""
        if name not in self._loaded:
            target = self.reference(name)
            self._loaded[name] = load_reference(target) if isinstance(target, str) else target
        return self._loaded[name]

    def items(self) -> Iterator[tuple[str, Any]]:
        """Every implementation, loaded: session additions first, then plug-ins, then built-ins,
        so an addition claiming a built-in's suffix or content type wins the look-up."""
        plugins = self._entry_points()
        order = [*sorted(self._added), *sorted(set(plugins) - set(self._added)),
                 *sorted(set(self._builtins) - set(plugins) - set(self._added))]
        for name in order:
            yield name, self.load(name)

    def additions(self) -> dict[str, str]:
        """This session's string registrations, to hand to worker processes."""
        return {k: v for k, v in self._added.items() if isinstance(v, str)}


BUILTIN_STAGES = {
    "noop": "narratrace.stages:NoOpStage",
    "rules.v1": "narratrace.clean.pipeline:RuleCleaner",
    "language.v1": "narratrace.analyse.language:LanguageStage",
    "metadata.v1": "narratrace.analyse.metadata:MetadataStage",
    "entities.v1": "narratrace.analyse.entities:EntityStage",
    "attributions.v1": "narratrace.analyse.attribution:AttributionStage",
    "claims.v1": "narratrace.analyse.claims:ClaimStage",
    "techniques.v1": "narratrace.analyse.techniques:TechniqueStage",
    "narratives.v1": "narratrace.narratives.stage:NarrativeStage",
    "entities-index.v1": "narratrace.analyse.entities.index:EntityIndexStage",
    "stories.v1": "narratrace.stories.stage:StoriesStage",
    "network.v1": "narratrace.network.stage:NetworkStage",
}
BUILTIN_READERS = {
    "txt": "narratrace.ingest.readers:TextReader",
    "html": "narratrace.ingest.readers:HtmlReader",
    "jsonl": "narratrace.ingest.readers:JsonlReader",
    "json": "narratrace.ingest.readers:JsonReader",
    "feed": "narratrace.ingest.readers:FeedReader",
}
BUILTIN_EXPORTERS = {
    "jsonl": "narratrace.exporters.records:JsonlExporter",
    "csv": "narratrace.exporters.records:CsvExporter",
    "stix2": "narratrace.exporters.stix:StixExporter",
    "misp": "narratrace.exporters.misp:MispExporter",
    "gexf": "narratrace.exporters.graph:GexfExporter",
}
BUILTIN_ENCODERS = {
    "use-m3.v1": "narratrace.embed.encoder:USEEncoder",
}

STAGES = Registry("stages", BUILTIN_STAGES, "stage")
READERS = Registry("readers", BUILTIN_READERS, "reader")
EXPORTERS = Registry("exporters", BUILTIN_EXPORTERS, "exporter")
ENCODERS = Registry("encoders", BUILTIN_ENCODERS, "encoder")
REGISTRIES = {"stages": STAGES, "readers": READERS, "exporters": EXPORTERS, "encoders": ENCODERS}


def additions() -> dict[str, dict[str, str]]:
    """Every registry's session additions (``register()`` calls), for worker processes."""
    return {group: reg.additions() for group, reg in REGISTRIES.items() if reg.additions()}


def restore(added: Mapping[str, Mapping[str, str]]) -> None:
    """Replay a parent process's ``additions()`` in a worker (idempotent)."""
    for group, names in added.items():
        for name, target in names.items():
            if REGISTRIES[group].additions().get(name) != target:
                REGISTRIES[group].register(name, target)

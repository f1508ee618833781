"""Configuration: which implementation plays each role, and their options.

Read from a TOML file (``--config FILE`` or ``$NARRATRACE_CONFIG``), overridable by
environment variables for the few values people set per machine (database, token). Every
environment variable narratrace reads is listed in ``ENVIRONMENT`` and read through
``environ()``, here and nowhere else.

Resources several parts share have sections of their own, so nobody reads them out of
one stage's options: ``[encoder]`` (the sentence encoder of stories, narratives and semantic
search), ``[catalogue]`` (the narrative catalogue of the matcher, the dashboard and
``narratives list``) and ``[store]`` (the database when ``--db`` is not given). A stage
option of the same name (``[stages."stories.v1"] encoder``) still overrides the section for
that stage.
A missing file means the defaults below; an unknown key is an error that names the
key, because a silently ignored typo in a threshold is worse than a refusal.

Example::

    [pipeline]
    cleaner = "rules.v1"
    analysers = ["language.v1", "metadata.v1"]
    corpus = []

    [stages."metadata.v1"]
    # options passed to that stage's constructor

    [encoder]
    spec = "use-m3.v1"   # or "onnx:DIR", or a registered plug-in's name

    [catalogue]
    folders = ["my-narratives"]   # added to the shipped catalogue
    shipped = true

    [store]
    url = "narratrace.db"         # --db and $NARRATRACE_DB win

    [serve]
    token = "change-me"
    threads = 4          # request threads per server process
    max_analysis_seconds = 300   # POST /api/analyze stops reading items after this (or on disconnect)
    analysis_process = true      # analyses run in a worker process of their own (memory budget applies)
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Per-article stages, in order. Later capabilities append their registry names here.
DEFAULT_ANALYSERS: tuple[str, ...] = (
    "language.v1",
    "metadata.v1",
    "narratives.v1",
    "entities.v1",
    "attributions.v1",
    "claims.v1",
    "techniques.v1",
)
# Corpus-level stages run after new articles are stored, in order.
DEFAULT_CORPUS: tuple[str, ...] = ("stories.v1", "entities-index.v1", "network.v1")


class ConfigError(ValueError):
    pass


# Every environment variable the package reads, and what for (README "Environment" lists them).
ENVIRONMENT: dict[str, str] = {
    "NARRATRACE_CONFIG": "the configuration file when --config is not given",
    "NARRATRACE_DB": "the store when --db is not given (wins over [store] url)",
    "NARRATRACE_TOKEN": "the write token of the server (wins over [serve] token)",
    "NARRATRACE_CATALOG": "a folder of your own narratives, added to the shipped catalogue",
    "NARRATRACE_DATA": "where a PostgreSQL store keeps its derived index files",
    "NARRATRACE_CACHE": "where catalogue claim vectors are cached (default ~/.cache/narratrace)",
    "NARRATRACE_TRACEBACK": "set (to anything): a crash prints its traceback, as with -v",
    "NARRATRACE_SERVE_DB": "set by `serve` for its worker processes: the store they open",
    "NARRATRACE_SERVE_HOSTS": "set by `serve` for its worker processes: the host names they answer",
}


def environ(name: str) -> str | None:
    """A NARRATRACE_* environment variable (unset or empty: None). Only names in ``ENVIRONMENT``."""
    if name not in ENVIRONMENT:
        raise KeyError(f"{name} is not a narratrace environment variable; add it to config.ENVIRONMENT")
    return os.environ.get(name) or None


@dataclass(frozen=True)
class Settings:
    cleaner: str = "rules.v1"
    analysers: tuple[str, ...] = DEFAULT_ANALYSERS
    corpus: tuple[str, ...] = DEFAULT_CORPUS
    stage_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    token: str | None = None
    max_file_bytes: int = 50 * 1024 * 1024
    max_article_chars: int = 1_000_000
    max_item_seconds: int = 120  # cleaning + analysis of one item; over it, the item is rejected
    max_item_memory_mb: int = 4096  # memory one item may add to a pool worker; over it, rejected
    request_threads: int = 4
    max_analysis_seconds: int = 300  # [serve]: a POST /api/analyze stops reading items after this
    analysis_process: bool = True  # [serve]: analyses in a worker process (web/worker.py), so the memory budget holds
    encoder: str | None = None  # [encoder] spec; None: each user's default (the shipped USE)
    catalogue: tuple[str, ...] | None = None  # [catalogue] folders; None: $NARRATRACE_CATALOG
    catalogue_shipped: bool | None = None  # [catalogue] shipped; None: true
    store_url: str | None = None  # [store] url

    def options_for(self, stage: str) -> dict[str, Any]:
        return dict(self.stage_options.get(stage, {}))

    def resources(self) -> dict[str, Any]:
        """The shared resources a stage's factory receives when it takes a parameter of that
        name and its own options do not set it (only what the configuration names)."""
        found: dict[str, Any] = {}
        if self.encoder is not None:
            found["encoder"] = self.encoder
        if self.catalogue is not None:
            found["catalog"] = list(self.catalogue)
        if self.catalogue_shipped is not None:
            found["shipped"] = self.catalogue_shipped
        return found

    def encoder_for(self, stage: str) -> str | None:
        """The encoder a stage uses: its own option, else ``[encoder]`` (None: the default)."""
        value = self.options_for(stage).get("encoder", self.encoder)
        return None if value is None else str(value)

    def catalogue_options(self, stage: str = "narratives.v1") -> dict[str, Any]:
        """``catalog``/``shipped`` as the matcher sees them: its options over ``[catalogue]``."""
        own = self.options_for(stage)
        shared = {k: v for k, v in self.resources().items() if k in ("catalog", "shipped")}
        return shared | {k: own[k] for k in ("catalog", "shipped") if k in own}

    def store(self, explicit: str | None = None) -> str:
        """The store to open: an explicit one, else $NARRATRACE_DB, else [store] url, else narratrace.db."""
        return explicit or environ("NARRATRACE_DB") or self.store_url or DEFAULT_STORE


DEFAULT_STORE = "narratrace.db"
_TOP_KEYS = {"pipeline", "stages", "serve", "limits", "encoder", "catalogue", "store"}
_SERVE_KEYS = {"token", "threads", "max_analysis_seconds", "analysis_process"}


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"[{name}] must be a table (a [{name}] section), not {value!r}")
    return value


def _int(section: str, key: str, value: Any, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ConfigError(f"[{section}] {key} must be an integer from {low} to {high}, not {value!r}")
    return value


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """The configuration file (or ``$NARRATRACE_CONFIG``), every key and type checked.

    Any mistake is a ``ConfigError`` naming the section and key, never a traceback: the
    CLI turns it into a usage error (exit 2) before anything is read.
    """
    path = path or environ("NARRATRACE_CONFIG")
    data: dict[str, Any] = {}
    if path:
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"configuration file {str(p)!r} does not exist") from None
        except IsADirectoryError:
            raise ConfigError(f"configuration file {str(p)!r} is a folder") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{p}: not UTF-8 text (TOML files are UTF-8)") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{p}: invalid TOML: {exc}") from None
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ConfigError(
            f"unknown configuration section(s) {sorted(unknown)}; known: {sorted(_TOP_KEYS)}"
        )
    pipeline, limits, serve = _table(data, "pipeline"), _table(data, "limits"), _table(data, "serve")
    stages = _table(data, "stages")
    kwargs: dict[str, Any] = {}
    bad = set(pipeline) - {"cleaner", "analysers", "corpus"}
    if bad:
        raise ConfigError(f"unknown key(s) in [pipeline]: {sorted(bad)}")
    if "cleaner" in pipeline:
        if not isinstance(pipeline["cleaner"], str):
            raise ConfigError(f"[pipeline] cleaner must be a stage name, not {pipeline['cleaner']!r}")
        kwargs["cleaner"] = pipeline["cleaner"]
    for key in ("analysers", "corpus"):
        if key in pipeline:
            names = pipeline[key]
            if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
                raise ConfigError(f"[pipeline] {key} must be a list of stage names, not {names!r}")
            kwargs[key] = tuple(names)
    bad = set(limits) - {"max_file_bytes", "max_article_chars", "max_item_seconds", "max_item_memory_mb"}
    if bad:
        raise ConfigError(f"unknown key(s) in [limits]: {sorted(bad)}; "
                          "known: max_article_chars, max_file_bytes, max_item_memory_mb, max_item_seconds")
    if "max_item_memory_mb" in limits:
        kwargs["max_item_memory_mb"] = _int("limits", "max_item_memory_mb", limits["max_item_memory_mb"], 0, 1_048_576)
    if "max_item_seconds" in limits:
        kwargs["max_item_seconds"] = _int("limits", "max_item_seconds", limits["max_item_seconds"], 0, 86_400)
    for key in ("max_file_bytes", "max_article_chars"):
        if key in limits:
            kwargs[key] = _int("limits", key, limits[key], 1, 2**40)
    for name, options in stages.items():
        if not isinstance(options, dict):
            raise ConfigError(f'[stages."{name}"] must be a table of options, not {options!r}')
    kwargs["stage_options"] = {str(k): dict(v) for k, v in stages.items()}
    bad = set(serve) - _SERVE_KEYS
    if bad:
        raise ConfigError(f"unknown key(s) in [serve]: {sorted(bad)}; known: {sorted(_SERVE_KEYS)}")
    token = serve.get("token")
    if token is not None and not isinstance(token, str):
        raise ConfigError("[serve] token must be a string")
    kwargs["token"] = environ("NARRATRACE_TOKEN") or token
    if "threads" in serve:
        kwargs["request_threads"] = _int("serve", "threads", serve["threads"], 1, 256)
    if "max_analysis_seconds" in serve:
        kwargs["max_analysis_seconds"] = _int("serve", "max_analysis_seconds", serve["max_analysis_seconds"], 1, 86_400)
    if "analysis_process" in serve:
        if not isinstance(serve["analysis_process"], bool):
            raise ConfigError(f"[serve] analysis_process must be true or false, not {serve['analysis_process']!r}")
        kwargs["analysis_process"] = serve["analysis_process"]
    kwargs.update(_shared_sections(data))
    return Settings(**kwargs)


def _shared_sections(data: dict[str, Any]) -> dict[str, Any]:
    """[encoder], [catalogue] and [store], checked."""
    encoder, catalogue, store = _table(data, "encoder"), _table(data, "catalogue"), _table(data, "store")
    for name, table, keys in (("encoder", encoder, {"spec"}), ("catalogue", catalogue, {"folders", "shipped"}),
                              ("store", store, {"url"})):
        bad = set(table) - keys
        if bad:
            raise ConfigError(f"unknown key(s) in [{name}]: {sorted(bad)}; known: {sorted(keys)}")
    kwargs: dict[str, Any] = {}
    for section, table, key, target in (("encoder", encoder, "spec", "encoder"), ("store", store, "url", "store_url")):
        if key in table:
            if not isinstance(table[key], str) or not table[key].strip():
                raise ConfigError(f"[{section}] {key} must be a non-empty string, not {table[key]!r}")
            kwargs[target] = table[key]
    if "folders" in catalogue:
        folders = catalogue["folders"]
        folders = [folders] if isinstance(folders, str) else folders
        if not isinstance(folders, list) or not all(isinstance(f, str) for f in folders):
            raise ConfigError(f"[catalogue] folders must be a folder or a list of folders, not {folders!r}")
        kwargs["catalogue"] = tuple(folders)
    if "shipped" in catalogue:
        if not isinstance(catalogue["shipped"], bool):
            raise ConfigError(f"[catalogue] shipped must be true or false, not {catalogue['shipped']!r}")
        kwargs["catalogue_shipped"] = catalogue["shipped"]
    return kwargs

"""Configuration: which implementation plays each role, and their options.

Read from a TOML file (``--config FILE`` or ``$NARRATRACE_CONFIG``), overridable by
environment variables for the few values people set per machine (database, token).
A missing file means the defaults below; an unknown key is an error that names the
key, because a silently ignored typo in a threshold is worse than a refusal.

Example::

    [pipeline]
    cleaner = "rules.v1"
    analysers = ["language.v1", "metadata.v1"]
    corpus = []

    [stages."metadata.v1"]
    # options passed to that stage's constructor

    [serve]
    token = "change-me"
    threads = 4          # request threads per server process
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
)
# Corpus-level stages run after new articles are stored, in order.
DEFAULT_CORPUS: tuple[str, ...] = ("stories.v1", "entities-index.v1")


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    cleaner: str = "rules.v1"
    analysers: tuple[str, ...] = DEFAULT_ANALYSERS
    corpus: tuple[str, ...] = DEFAULT_CORPUS
    stage_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    token: str | None = None
    max_file_bytes: int = 50 * 1024 * 1024
    max_article_chars: int = 1_000_000
    request_threads: int = 4

    def options_for(self, stage: str) -> dict[str, Any]:
        return dict(self.stage_options.get(stage, {}))


_TOP_KEYS = {"pipeline", "stages", "serve", "limits"}
_SERVE_KEYS = {"token", "threads"}


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
    path = path or os.environ.get("NARRATRACE_CONFIG")
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
    bad = set(limits) - {"max_file_bytes", "max_article_chars"}
    if bad:
        raise ConfigError(f"unknown key(s) in [limits]: {sorted(bad)}; known: max_article_chars, max_file_bytes")
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
    kwargs["token"] = os.environ.get("NARRATRACE_TOKEN") or token
    if "threads" in serve:
        kwargs["request_threads"] = _int("serve", "threads", serve["threads"], 1, 256)
    return Settings(**kwargs)

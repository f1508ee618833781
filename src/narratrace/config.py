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


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    path = path or os.environ.get("NARRATRACE_CONFIG")
    data: dict[str, Any] = {}
    if path:
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"configuration file {str(p)!r} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{p}: invalid TOML: {exc}") from None
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ConfigError(
            f"unknown configuration section(s) {sorted(unknown)}; known: {sorted(_TOP_KEYS)}"
        )
    pipeline = data.get("pipeline", {})
    limits = data.get("limits", {})
    kwargs: dict[str, Any] = {}
    for key in ("cleaner",):
        if key in pipeline:
            kwargs[key] = str(pipeline[key])
    for key in ("analysers", "corpus"):
        if key in pipeline:
            kwargs[key] = tuple(str(x) for x in pipeline[key])
    bad = set(pipeline) - {"cleaner", "analysers", "corpus"}
    if bad:
        raise ConfigError(f"unknown key(s) in [pipeline]: {sorted(bad)}")
    for key in ("max_file_bytes", "max_article_chars"):
        if key in limits:
            kwargs[key] = int(limits[key])
    kwargs["stage_options"] = {str(k): dict(v) for k, v in data.get("stages", {}).items()}
    serve = data.get("serve", {})
    bad = set(serve) - _SERVE_KEYS
    if bad:
        raise ConfigError(f"unknown key(s) in [serve]: {sorted(bad)}; known: {sorted(_SERVE_KEYS)}")
    kwargs["token"] = os.environ.get("NARRATRACE_TOKEN") or serve.get("token")
    if "threads" in serve:
        threads = serve["threads"]
        if not isinstance(threads, int) or isinstance(threads, bool) or not 1 <= threads <= 256:
            raise ConfigError(f"[serve] threads must be an integer from 1 to 256, not {threads!r}")
        kwargs["request_threads"] = threads
    return Settings(**kwargs)

"""One options object: shared resources in sections of their own, environment read in one place."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from narratrace.config import ENVIRONMENT, ConfigError, Settings, environ, load_settings
from narratrace.pipeline import stage_options

from ..conftest import REPO

SRC = REPO / "src" / "narratrace"


def _settings(tmp_path: Path, text: str) -> Settings:
    cfg = tmp_path / "n.toml"
    cfg.write_text(text, encoding="utf-8")
    return load_settings(cfg)


def test_shared_sections_reach_every_stage_that_takes_them(tmp_path: Path) -> None:
    s = _settings(tmp_path, '[encoder]\nspec = "onnx:/models/x"\n[catalogue]\nfolders = "mine"\nshipped = false\n'
                            '[store]\nurl = "sqlite:///team.db"\n')
    assert s.encoder == "onnx:/models/x" and s.catalogue == ("mine",) and s.catalogue_shipped is False
    assert stage_options(s, "corpus", "stories.v1") == {"encoder": "onnx:/models/x"}
    assert stage_options(s, "analyser", "narratives.v1") == {"encoder": "onnx:/models/x", "catalog": ["mine"],
                                                             "shipped": False}
    assert stage_options(s, "analyser", "language.v1") == {}  # takes none of them
    assert s.catalogue_options() == {"catalog": ["mine"], "shipped": False}
    assert s.encoder_for("stories.v1") == "onnx:/models/x"


def test_a_stage_option_overrides_the_shared_section(tmp_path: Path) -> None:
    s = _settings(tmp_path, '[encoder]\nspec = "onnx:/a"\n[stages."stories.v1"]\nencoder = "onnx:/b"\n'
                            '[stages."narratives.v1"]\ncatalog = ["theirs"]\n[catalogue]\nfolders = ["mine"]\n')
    assert stage_options(s, "corpus", "stories.v1") == {"encoder": "onnx:/b"}
    assert stage_options(s, "analyser", "narratives.v1") == {"encoder": "onnx:/a", "catalog": ["theirs"]}
    assert s.encoder_for("stories.v1") == "onnx:/b" and s.catalogue_options() == {"catalog": ["theirs"]}
    assert Settings().resources() == {} and Settings().encoder_for("stories.v1") is None


@pytest.mark.parametrize(("text", "message"), [
    ("[encoder]\nspec = 3\n", r"\[encoder\] spec must be a non-empty string"),
    ("[encoder]\nname = \"x\"\n", r"unknown key\(s\) in \[encoder\]: \['name'\]"),
    ("[catalogue]\nfolders = [1]\n", r"\[catalogue\] folders must be a folder or a list"),
    ("[catalogue]\nshipped = \"no\"\n", r"\[catalogue\] shipped must be true or false"),
    ("[store]\nurl = \"\"\n", r"\[store\] url must be a non-empty string"),
])
def test_shared_section_mistakes_are_config_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _settings(tmp_path, text)


def test_the_store_comes_from_db_then_environment_then_store_section(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    s = _settings(tmp_path, '[store]\nurl = "team.db"\n')
    monkeypatch.delenv("NARRATRACE_DB", raising=False)
    assert s.store() == "team.db" and s.store("given.db") == "given.db" and Settings().store() == "narratrace.db"
    monkeypatch.setenv("NARRATRACE_DB", "env.db")
    assert s.store() == "env.db"


def test_the_cli_opens_the_store_of_the_configuration(tmp_path: Path) -> None:
    team = tmp_path / "team.db"
    cfg = tmp_path / "n.toml"
    cfg.write_text(f'[pipeline]\nanalysers = ["language.v1"]\ncorpus = []\n[store]\nurl = "{team}"\n')
    doc = tmp_path / "a.txt"
    doc.write_text("A headline\n\nThe ministry said the convoy had been stopped at the border.\n")
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("NARRATRACE_")}
    res = subprocess.run([sys.executable, "-m", "narratrace", "analyze", str(doc), "--config", str(cfg),
                          "--no-progress"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                         check=False)
    assert res.returncode == 0, res.stderr
    assert team.exists() and not (tmp_path / "narratrace.db").exists()


def test_environment_variables_are_read_in_one_place() -> None:
    with pytest.raises(KeyError, match="not a narratrace environment variable"):
        environ("NARRATRACE_TYPO")
    read = re.compile(r"os\.environ\.get\(|os\.getenv\(|os\.environ\[[^]]*\](?!\s*=)")
    offenders = [f"{p.relative_to(SRC)}: {line.strip()}" for p in SRC.rglob("*.py") if p.name != "config.py"
                 for line in p.read_text(encoding="utf-8").splitlines()
                 if read.search(line) and ("NARRATRACE_" in line or "_ENV" in line)]
    assert offenders == []  # writes (serve hands its workers their settings) are fine
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in ENVIRONMENT:
        if not name.startswith("NARRATRACE_SERVE_"):  # internal: set by serve for its workers
            assert f"${name}" in readme, f"README does not document ${name}"


def test_config_is_one_option_for_every_command() -> None:
    cli = SRC / "cli"
    assert sum(p.read_text(encoding="utf-8").count('"--config"') for p in cli.glob("*.py")) == 1
    from click import Command

    from narratrace.cli import cli as group

    helps = set()
    for command in group.commands.values():
        subs = command.commands.values() if hasattr(command, "commands") else [command]  # type: ignore[attr-defined]
        for sub in subs:
            assert isinstance(sub, Command)
            helps |= {p.help for p in sub.params if p.name == "config_path"}
    assert len(helps) == 1

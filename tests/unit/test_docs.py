"""Docs checked by tests: the CLI reference and the README's commands stay true."""

from __future__ import annotations

import re
import subprocess
import sys

from ..conftest import REPO


def test_cli_reference_is_current() -> None:
    res = subprocess.run([sys.executable, str(REPO / "scripts" / "gen_cli_docs.py"), "--check"],
                         capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr


def test_readme_starts_with_the_two_commands_that_exist() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```(?:bash|sh)?\n(.*?)```", readme, re.DOTALL)
    assert first_block and readme.index("```") < 1200, "README must open with the set-up commands"
    lines = (line.split(" #")[0].strip() for line in first_block.group(1).splitlines())
    commands = [line for line in lines if line and not line.startswith("#")]
    assert commands == ["bash scripts/demo.sh", "bash scripts/test.sh"]
    for script in ("demo.sh", "test.sh", "setup.sh"):
        assert (REPO / "scripts" / script).exists()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in ci and "apt-get update" in ci


def test_benchmarks_keep_their_commands() -> None:
    doc = (REPO / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    for script in sorted((REPO / "bench").glob("*.py")):
        if script.name.startswith(("bench_", "eval_")):
            assert f"bench/{script.name}" in doc, f"docs/benchmarks.md does not say how to run {script.name}"

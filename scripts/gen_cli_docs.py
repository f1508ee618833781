"""Write docs/cli.md from the commands' own help texts (a test checks it is current).

    python scripts/gen_cli_docs.py            # rewrite docs/cli.md
    python scripts/gen_cli_docs.py --check    # exit 1 if docs/cli.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from narratrace.cli import cli

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"

HEADER = """# CLI reference

Generated from the commands' help texts by `python scripts/gen_cli_docs.py`; a test
fails when this file and the code disagree.

Every command exits with **0** when all inputs were processed, **1** when the run
completed but some inputs were rejected (each reported with its reason), **2** on a
usage or configuration error (the message says how to fix it); any other code is a
crash. `export`, `similarity` and `claim-match` write to standard output unless
`-o FILE` is given. `--db` takes a SQLite file (default `narratrace.db`, or
`$NARRATRACE_DB`) or a SQLAlchemy URL such as `postgresql+psycopg://user@host/db`.
"""


def _help(command: click.Command, path: list[str]) -> list[str]:
    ctx = click.Context(command, info_name=" ".join(path), terminal_width=100, max_content_width=100)
    out = [f"## `{' '.join(path)}`", "", "```", command.get_help(ctx), "```", ""]
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            if sub is not None:
                out += _help(sub, [*path, name])
    return out


def render() -> str:
    return HEADER + "\n" + "\n".join(_help(cli, ["narratrace"]))


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print("docs/cli.md is out of date: run python scripts/gen_cli_docs.py", file=sys.stderr)
            return 1
        return 0
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

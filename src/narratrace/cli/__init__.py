"""The ``narratrace`` command: a thin layer over the plain functions of the package.

Each sub-command lives in its own module of this package and exposes ``commands``, a
list of click commands; ``COMMAND_MODULES`` names them. Exit codes (every command):
0 all inputs processed; 1 the run completed but some inputs were rejected; 2 usage or
configuration error; 70 a crash (one line on standard error, the traceback with ``-v``
or ``$NARRATRACE_TRACEBACK``); 130 interrupted (Ctrl+C).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import traceback

import click

from .. import __version__
from ..config import environ

COMMAND_MODULES = [
    "analyze",
    "export",
    "report",
    "stories",
    "network",
    "similarity",
    "entities",
    "provenance",
    "claims",
    "factchecks",
    "narratives",
    "watch",
    "serve",
]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="narratrace")
def cli() -> None:
    """Trace disinformation narratives across outlets and languages."""


for _name in COMMAND_MODULES:
    _module_name = f"{__name__}.{_name}"
    if importlib.util.find_spec(_module_name) is None:
        continue  # that capability is not part of this build
    for _command in importlib.import_module(_module_name).commands:
        cli.add_command(_command)


def _wants_traceback(argv: list[str]) -> bool:
    return any(a in ("-v", "--verbose") for a in argv) or bool(environ("NARRATRACE_TRACEBACK"))


def main() -> None:
    """Run the CLI; a crash is one line and exit code ``EXIT_CRASH`` (the traceback under -v),
    Ctrl+C is "interrupted" and 130 at once, so scripts tell both from "inputs rejected" (1)."""
    from ..runtime import one_blas_thread
    from .common import EXIT_CRASH, EXIT_INTERRUPTED
    from .terminal import one_line, protect_terminals

    one_blas_thread()
    protect_terminals()
    try:
        cli(prog_name="narratrace", standalone_mode=False)
    except click.exceptions.Abort:  # click turns Ctrl+C at a prompt into Abort
        _interrupted(EXIT_INTERRUPTED)
    except KeyboardInterrupt:
        _interrupted(EXIT_INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(0)
    except Exception as exc:
        if _wants_traceback(sys.argv[1:]):
            traceback.print_exc()
        detail = one_line(f"{type(exc).__name__}: {exc}")[:500]
        print(f"narratrace: crashed: {detail} (run again with -v for the traceback)", file=sys.stderr)
        sys.exit(EXIT_CRASH)


def _interrupted(code: int) -> None:
    print("narratrace: interrupted", file=sys.stderr)
    sys.stderr.flush()
    os._exit(code)  # now, without waiting for worker pools or joining threads


def _quiet_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())

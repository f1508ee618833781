"""The ``narratrace`` command: a thin layer over the plain functions of the package.

Each sub-command lives in its own module of this package and exposes ``commands``, a
list of click commands; ``COMMAND_MODULES`` names them. Exit codes (every command):
0 all inputs processed; 1 the run completed but some inputs were rejected; 2 usage or
configuration error; anything else is a crash.
"""

from __future__ import annotations

import importlib
import importlib.util

import click

from .. import __version__

COMMAND_MODULES = [
    "analyze",
    "export",
    "report",
    "stories",
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


def main() -> None:
    from ..runtime import one_blas_thread
    from .terminal import protect_terminals

    one_blas_thread()
    protect_terminals()
    cli(prog_name="narratrace")

"""The command line: argument parsing and printing only (typer + rich).

Every command takes SCENARIO as a built-in name (``compellence scenarios``) or a
path to a TOML file. Bad input prints one line naming the file, the field and
what was expected, and exits with code 2. One module per group of commands;
importing them registers their commands, in the order ``--help`` lists them.
"""
# ruff: noqa: I001, F401

from compellence.cli import core
from compellence.cli import diagnose
from compellence.cli import game
from compellence.cli import analysis
from compellence.cli import evidence
from compellence.cli import rhetoric
from compellence.cli import views
from compellence.cli.common import app

__all__ = ["app"]

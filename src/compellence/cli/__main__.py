"""``python -m compellence.cli``: the command line."""

from compellence.cli import app

app()

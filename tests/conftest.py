"""Shared fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture
def tmp_toml(tmp_path):
    """Write a TOML text to a file and return its path."""
    def write(text: str, name: str = "s.toml"):
        path = tmp_path / name
        path.write_text(text)
        return path
    return write

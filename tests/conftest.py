"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import config

SHARED = config.ROOT.parent / "shared"


@pytest.fixture
def shared_sources() -> Path:
    """../shared/sources, or skip when this checkout has no shared folder beside it."""
    path = SHARED / "sources"
    if not path.is_dir():
        pytest.skip("../shared/sources is not beside this checkout")
    return path

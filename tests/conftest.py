"""Shared fixtures; each area's real servers live in their own module and are registered here."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return REPO / "fixtures"

"""Shared fixtures; each area's real servers live in their own module and are registered here."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.http_server import _feed_server_once, feed_server  # noqa: F401 (fixtures)
from tests.redis_server import durable_redis_server, redis_server, redis_url, tls_redis_server  # noqa: F401 (fixtures)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return REPO / "fixtures"

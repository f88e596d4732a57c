"""open_index(location): pick the IndexStore backend from the location."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from dedup.index.base import IndexRecord, IndexStore, SignatureSettings

__all__ = ["IndexRecord", "IndexStore", "SignatureSettings", "open_index"]


def open_index(
    location: str | Path,
    *,
    retain_days: float | None = None,
    retry_s: float | None = None,
) -> IndexStore:
    """Open the index at `location`: redis:// or rediss:// URLs are Redis, anything else a SQLite file.

    `retain_days` expires documents that long after they were indexed (both backends); for Redis,
    `retry_s` bounds how long an operation waits out an unreachable server (see RedisOptions).

    Raises:
        IndexCorruptError: the file is not a dedup index or is damaged.
        IndexSettingsError: the index holds signatures made with other settings.
        IndexUnavailableError: the server cannot be reached or the file is locked.
    """
    text = str(location)
    if text.startswith(("redis://", "rediss://")):
        # Imported here so SQLite users never need a Redis client.
        from dedup.index.redis_store import RedisOptions, RedisStore

        options = RedisOptions(retain_days=retain_days)
        if retry_s is not None:
            options = replace(options, retry_s=retry_s)
        return RedisStore(text, SignatureSettings.current(), options)
    from dedup.index.sqlite_store import SqliteStore

    return SqliteStore(Path(text), SignatureSettings.current(), retain_days=retain_days)

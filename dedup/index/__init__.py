"""open_index(location, settings): pick the IndexStore backend from the location."""

from __future__ import annotations

from pathlib import Path

from dedup.index.base import IndexRecord, IndexStore, SignatureSettings
from dedup.settings import DEFAULT_SETTINGS, Settings

__all__ = ["IndexRecord", "IndexStore", "SignatureSettings", "open_index"]


def open_index(location: str | Path, settings: Settings = DEFAULT_SETTINGS) -> IndexStore:
    """Open the index at `location`: redis:// or rediss:// URLs are Redis, anything else a SQLite file.

    Raises:
        IndexCorruptError: the file is not a dedup index or is damaged.
        IndexSettingsError: the index holds signatures made with other settings.
        IndexUnavailableError: the server cannot be reached or the file is locked.
    """
    text = str(location)
    if text.startswith(("redis://", "rediss://")):
        # Imported here so SQLite users never need a Redis client.
        from dedup.index.redis_store import RedisStore

        return RedisStore(text, SignatureSettings.from_settings(settings))
    from dedup.index.sqlite_store import SqliteStore

    return SqliteStore(Path(text), SignatureSettings.from_settings(settings))

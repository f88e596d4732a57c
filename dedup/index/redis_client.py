"""The Redis connection of an index: options, URLs without passwords, retries, errors made ours."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import redis

from dedup.errors import IndexCorruptError, IndexStoreError, IndexUnavailableError
from dedup.index.base import IndexRecord
from dedup.index.redis_codec import decode_record

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RedisOptions:
    """How a RedisStore behaves beyond the shared contract.

    `retry_s` bounds how long an operation keeps retrying, with exponential backoff from
    `backoff_start_s` to `backoff_max_s`, while Redis is unreachable; then IndexUnavailableError.
    `retain_days`, when set, expires documents that long after they were indexed. Flags are kept.
    """

    prefix: str = "dedup:"
    retry_s: float = 30.0
    backoff_start_s: float = 0.05
    backoff_max_s: float = 2.0
    socket_timeout_s: float = 10.0
    retain_days: float | None = None

    @property
    def retain_s(self) -> int:
        """The retention window in whole seconds, 0 when documents never expire."""
        return 0 if self.retain_days is None else max(1, round(self.retain_days * 86400))


def redact_url(url: str) -> str:
    """Return `url` without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


class RedisClient:
    """A connection pool to one Redis database, with bounded retries; the base of RedisStore."""

    def __init__(self, url: str, options: RedisOptions) -> None:
        self.location = redact_url(url)
        self.options = options
        try:
            self._client = redis.Redis.from_url(
                url,
                socket_timeout=self.options.socket_timeout_s,
                socket_connect_timeout=min(self.options.socket_timeout_s, 5.0),
            )
        except ValueError as exc:
            raise IndexUnavailableError(f"{self.location}: not a usable Redis URL: {exc}") from exc

    def _pipelined(self, run: Callable[[redis.client.Pipeline], None]) -> list[Any]:
        def execute() -> list[Any]:
            with self._client.pipeline(transaction=False) as pipe:
                run(pipe)
                return list(pipe.execute())

        return self._call(execute)

    def _call(self, operation: Callable[[], T], retry_s: float | None = None) -> T:
        """Run `operation`; retry connection failures for `retry_s`, then IndexUnavailableError.

        Every write is an idempotent script (it checks the id or the done bit first), so running
        one again after a lost reply changes nothing.
        """
        budget_s = self.options.retry_s if retry_s is None else retry_s
        deadline = time.monotonic() + budget_s
        delay_s = self.options.backoff_start_s
        while True:
            try:
                return operation()
            except redis.AuthenticationError as exc:
                raise IndexUnavailableError(
                    f"{self.location}: Redis refused the password: {_line(exc)}"
                ) from exc
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                if time.monotonic() + delay_s > deadline:
                    waited = f" for {budget_s:g} s" if budget_s > 0 else ""
                    raise IndexUnavailableError(
                        f"{self.location}: Redis unreachable{waited}: {_line(exc)}"
                    ) from exc
                time.sleep(delay_s)
                delay_s = min(delay_s * 2, self.options.backoff_max_s)
            except redis.ResponseError as exc:
                message = _line(exc)
                if message.startswith(("NOAUTH", "WRONGPASS")):
                    raise IndexUnavailableError(
                        f"{self.location}: Redis refused the password: {message}"
                    ) from exc
                if message.startswith("WRONGTYPE"):
                    raise IndexCorruptError(
                        f"{self.location}: holds keys that are not a dedup index: {message}"
                    ) from exc
                raise IndexStoreError(f"{self.location}: Redis error: {message}") from exc
            except redis.RedisError as exc:
                raise IndexStoreError(f"{self.location}: Redis error: {_line(exc)}") from exc

    def _decode(self, blob: bytes | str) -> IndexRecord:
        try:
            return decode_record(blob if isinstance(blob, bytes) else blob.encode())
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise IndexCorruptError(f"{self.location}: a stored record is damaged: {exc}") from exc


def text(value: bytes | str) -> str:
    """Return a reply as text."""
    return value.decode() if isinstance(value, bytes) else value


def _line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__

"""A base for objects that are their own context manager and close on leaving it."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class ClosesOnExit:
    """Give a class with a `close()` method `with` support: enter returns it, exit closes it."""

    def close(self) -> None:
        """Release what the object holds."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

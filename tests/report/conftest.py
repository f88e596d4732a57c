"""Fixtures of the report tests (defined in helpers, so test modules can import its functions)."""

from tests.report.helpers import browser, flagged_index, seeds, seeds_by_hand  # noqa: F401 (fixtures)

"""The exceptions dedup raises on purpose.

DedupError
+-- InputError                 a document or source that cannot be read
|    +-- MissingFileError
|    +-- EmptyDocumentError
|    +-- BinaryFileError
|    +-- DecodeError
|    +-- DocumentTooLargeError a text over the size limit (--max-bytes)
|    +-- MalformedRecordError  bad JSON / JSONL line / feed
+-- IndexStoreError            the persistent index
|    +-- IndexCorruptError     not a dedup index, or damaged
|    +-- IndexSettingsError    signatures made with other settings
|    +-- IndexUnavailableError server gone (Redis) or file locked
+-- FetchError                 an http(s) source that could not be fetched
+-- ReportWriteError           a report file or folder that could not be written
"""

from __future__ import annotations


class DedupError(Exception):
    """Base of every error dedup raises on purpose; its message is one line."""


class InputError(DedupError):
    """A document or source could not be read."""


class MissingFileError(InputError):
    """The file does not exist or is not a file."""


class EmptyDocumentError(InputError):
    """The document holds no text."""


class BinaryFileError(InputError):
    """The file is binary, not text."""


class DecodeError(InputError):
    """The bytes could not be decoded as text in any common encoding."""


class DocumentTooLargeError(InputError):
    """The text is larger than the size limit dedup is set to take (--max-bytes)."""


class MalformedRecordError(InputError):
    """A JSON record, JSONL line or feed is malformed."""


class IndexStoreError(DedupError):
    """The persistent index failed."""


class IndexCorruptError(IndexStoreError):
    """The index file is damaged or is not a dedup index."""


class IndexSettingsError(IndexStoreError):
    """The index holds signatures made with other settings."""


class IndexUnavailableError(IndexStoreError):
    """The index server cannot be reached."""


class FetchError(DedupError):
    """An http(s) source could not be fetched."""


class ReportWriteError(DedupError):
    """A report file or folder could not be written."""

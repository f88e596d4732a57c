"""Files, records, feeds and URLs -> Documents: encodings, size limits, timeouts, bad-input errors."""

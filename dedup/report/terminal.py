"""Output for a terminal: control characters from documents are shown, never obeyed; JSON stays exact."""

from __future__ import annotations

import json
import re
from typing import Any

# C0 controls but tab and newline, DEL, and the C1 controls (U+0080-U+009F: CSI, OSC, ST...). A
# feed title holding ESC ] 0 ; ... BEL retitles the terminal of whoever lists the flags (issue 13).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# json.dumps escapes C0 controls but passes DEL and C1 through when ensure_ascii is off.
_JSON_RAW_CONTROLS = re.compile(r"[\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    r"""Show each control character but newline and tab as a visible escape such as `\x1b`."""
    return _CONTROLS.sub(_escaped, text)


def one_line(text: str) -> str:
    """Show every control character, newlines and tabs included, so that `text` stays on one line."""
    return _LINE_CONTROLS.sub(_escaped, text)


def json_line(value: dict[str, Any]) -> str:
    """Dump `value` as one line of JSON that parses back to exactly `value` and carries no raw control."""
    return _JSON_RAW_CONTROLS.sub(
        lambda match: f"\\u{ord(match.group()):04x}", json.dumps(value, ensure_ascii=False)
    )


def _escaped(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"

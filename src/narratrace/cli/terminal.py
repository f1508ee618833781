"""Article text is written by the people being studied: keep it from driving the terminal.

A title, outlet or file name can carry escape sequences (set the window title, rewrite
the clipboard through OSC 52, move the cursor to forge output lines). When standard
output or error is a terminal, every control character that is not a tab or a newline
is shown as a visible escape (``\\x1b``) instead, except the colour sequences
(``ESC [ ... m``) that the CLI itself uses. Values shown inside a line (file names,
rejection reasons) are escaped completely where they are printed (``one_line``).
Redirected output is data and is left exactly as it is.
"""

from __future__ import annotations

import io
import re
import sys
from typing import TextIO

# Colour/style (SGR) sequences pass; any other C0 or C1 control character, or DEL, is escaped.
_SGR = r"\x1b\[[0-9;]*m"
_CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
_UNSAFE = re.compile(f"({_SGR})|{_CONTROL}")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """``text`` with control characters (other than tab, newline and SGR colours) escaped."""
    return _UNSAFE.sub(lambda m: m.group(1) or f"\\x{ord(m.group()):02x}", text)


def one_line(text: str) -> str:
    """An untrusted value shown inside a line (a file name, a rejection reason): every control
    character escaped, colours and newlines included, so it cannot forge or restyle a line."""
    return _ANY_CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}"), text)


def shown(text: str) -> str:
    """Article-derived text in a human table (a title, an outlet, an entity name): every control
    character escaped (colour and conceal sequences too, which ``visible`` lets through for
    the CLI's own use) and every direction override it opens closed, so U+202E in a title
    cannot reverse the rest of the line."""
    from ..text.bidi import close_bidi

    closed: str = close_bidi(one_line(text))
    return closed


class SafeTerminal(io.TextIOBase):
    """A text stream that writes ``visible(text)`` to the terminal it wraps."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(visible(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._stream.encoding

    @property
    def buffer(self) -> object:
        return self._stream.buffer


def protect_terminals() -> None:
    """Wrap standard output and error when (and only when) they are terminals."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and stream.isatty() and not isinstance(stream, SafeTerminal):
            setattr(sys, name, SafeTerminal(stream))

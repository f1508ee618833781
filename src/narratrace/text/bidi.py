"""Keep right-to-left controls in article text from reordering the page around them.

An outlet named ``Trusted\\u202e News`` reverses everything that follows it on the line:
the date, the language, the labels the dashboard prints next to it, so an attacker
can make a page say what it does not. Every value a template prints is closed: each
embedding or override it opens (LRE, RLE, LRO, RLO) gets a PDF and each isolate
(LRI, RLI, FSI) a PDI at its end, so its direction ends where the value does.
Legitimate right-to-left text (Arabic, Hebrew, marks such as RLM) is untouched.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

_EMBED_OPEN = "\u202a\u202b\u202d\u202e"  # LRE RLE LRO RLO
_EMBED_CLOSE = "\u202c"  # PDF
_ISOLATE_OPEN = "\u2066\u2067\u2068"  # LRI RLI FSI
_ISOLATE_CLOSE = "\u2069"  # PDI


def close_bidi(value: Any) -> Any:
    """Jinja ``finalize``: a printed string with every direction control it opens closed."""
    if not isinstance(value, str) or isinstance(value, Markup):
        return value
    if not any(c in value for c in _EMBED_OPEN + _ISOLATE_OPEN):
        return value
    stack: list[str] = []  # the closer each open control needs, innermost last
    for ch in value:
        if ch in _EMBED_OPEN:
            stack.append(_EMBED_CLOSE)
        elif ch in _ISOLATE_OPEN:
            stack.append(_ISOLATE_CLOSE)
        elif ch == _EMBED_CLOSE and stack and stack[-1] == _EMBED_CLOSE:
            stack.pop()
        elif ch == _ISOLATE_CLOSE and _ISOLATE_CLOSE in stack:
            # a PDI closes its isolate and every embedding opened inside it
            while stack.pop() != _ISOLATE_CLOSE:
                pass
    return value + "".join(reversed(stack))

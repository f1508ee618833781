"""Direction controls in article text end where the value does."""

from __future__ import annotations

from markupsafe import Markup

from narratrace.text.bidi import close_bidi

RLO, PDF, RLI, PDI, RLM = "\u202e", "\u202c", "\u2067", "\u2069", "\u200f"


def test_open_controls_are_closed_innermost_first() -> None:
    assert close_bidi(f"Trusted{RLO} News") == f"Trusted{RLO} News{PDF}"
    assert close_bidi(f"a{RLO}b{RLI}c") == f"a{RLO}b{RLI}c{PDI}{PDF}"  # the isolate first, then the override
    assert close_bidi(f"a{RLI}b{RLO}c") == f"a{RLI}b{RLO}c{PDF}{PDI}"
    assert close_bidi(f"a{RLO}b{PDF}c") == f"a{RLO}b{PDF}c"  # already balanced: unchanged
    assert close_bidi(f"a{RLI}b{RLO}c{PDI}d") == f"a{RLI}b{RLO}c{PDI}d"  # a PDI closes what is inside it


def test_ordinary_text_markup_and_other_values_pass_unchanged() -> None:
    arabic = f"وزير الإسكان{RLM} 2021"
    assert close_bidi(arabic) is arabic
    safe = Markup(f"<b>{RLO}</b>")
    assert close_bidi(safe) is safe and close_bidi(3) == 3 and close_bidi(None) is None

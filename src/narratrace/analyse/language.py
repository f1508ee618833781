"""The ``language.v1`` stage: the body's language (``text.language`` identifies it).

The body is identified, not the comments, which are often in another language than the
article they follow; a language given with the input wins unless the body is long and
the model sure of another one (then a warning records both).
"""

from __future__ import annotations

from ..records import Article
from ..text.language import detect_language

MIN_CONFIDENT_CHARS = 60


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

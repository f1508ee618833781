"""The text cleaner on small pages written for these tests (one debris kind each)."""

from __future__ import annotations

from narratrace.clean.comments import looks_like_author, split_comments
from narratrace.clean.rules import parse_rules
from narratrace.clean.text import TextCleaner

CLEANER = TextCleaner()

PAGE = """Breaking News

Officials Say Convoy Reached Ariha After Week-Long Delay

Share this:

Facebook
Twitter

ARIHA – A convoy of twelve trucks reached the town on Tuesday, local officials said.

Photo: Reuters

"We waited for seven days," said one resident, adding that bread was the priority.

READ MORE: Aid groups warn of winter shortages

The convoy carried flour, blankets and medicine, according to the organisers.

By Jane Doe-Smith

© 2021 Levant Daily. All rights reserved.

12 Comments

Karim88

Good news at last.

Mona Haddad

Finally. How long until the next one?
And who pays for it?


someone should ask the governor

Log in to Reply
"""


def _kinds(removed: list) -> list[str]:  # type: ignore[type-arg]
    return [r.kind for r in removed]


def test_page_is_split_into_body_debris_and_comments() -> None:
    out = CLEANER.clean(PAGE)
    assert out.title == "Officials Say Convoy Reached Ariha After Week-Long Delay"
    assert out.body.startswith(out.title)
    for kept in ("ARIHA – A convoy", '"We waited for seven days," said one resident',
                 "according to the organisers."):
        assert kept in out.body
    for debris in ("Breaking News", "Share this", "Facebook", "Photo: Reuters", "READ MORE", "Jane Doe",
                   "All rights reserved", "Comments", "Karim88", "Log in"):
        assert debris not in out.body
    assert set(_kinds(out.removed)) >= {"section_label", "share", "photo_credit", "related_link", "byline",
                                        "copyright", "comment_form"}
    assert out.authors == ["Jane Doe-Smith"]
    assert [(c.author, c.text) for c in out.comments] == [
        ("Karim88", "Good news at last."),
        ("Mona Haddad", "Finally. How long until the next one?\nAnd who pays for it?"),
        (None, "someone should ask the governor"),
    ]


def test_debris_words_inside_sentences_are_article_text() -> None:
    page = (
        "Court Rules on Copyright Claim\n\n"
        "The judge noted that the phrase all rights reserved does not by itself create a right.\n\n"
        "Protesters held signs reading Support our troops and Share the wealth.\n\n"
        "Source: officials said the hearing would resume on Monday."
    )
    out = CLEANER.clean(page)
    assert out.removed == []
    assert "all rights reserved does not" in out.body and "Support our troops" in out.body
    assert "Source: officials said" in out.body


def test_french_page_with_support_prompt_byline_and_footer() -> None:
    body = "\n\n".join(f"Paragraphe {i} de l'article, avec assez de texte pour compter." for i in range(6))
    page = (
        "Soutenez Le Veilleur\n\nLes convois arrivent à Idlib\n\n" + body +
        "\n\nArticles Par : Samir el-Haddad\n\n"
        "Avertissement : les opinions exprimées n'engagent que leurs auteurs.\n\n"
        "LeVeilleur.info autorise la reproduction des articles avec un lien.\n\n"
        "Contact : redaction@leveilleur.invalid"
    )
    out = CLEANER.clean(page)
    assert out.title == "Les convois arrivent à Idlib"
    assert out.outlets[0] == "Le Veilleur" and "LeVeilleur.info" in out.outlets
    assert out.authors == ["Samir el-Haddad"]
    assert "Paragraphe 5" in out.body and "Avertissement" not in out.body and "autorise" not in out.body
    assert _kinds(out.removed) == ["support_prompt", "byline", "disclaimer", "disclaimer", "contact"]


def test_disclaimer_early_in_text_removes_only_its_line() -> None:
    page = "Title Here\n\nDisclaimer: this is satire.\n\n" + "\n\n".join(f"Sentence {i} goes here." for i in range(5))
    out = CLEANER.clean(page)
    assert "Sentence 4 goes here." in out.body  # not swallowed by a footer that is not at the end


def test_leading_date_metadata_and_caption_before_dateline() -> None:
    page = (" date 2019-03 Quand les convois sont arrivés, personne ne les attendait.\n\n"
            "Deuxième paragraphe.")
    out = CLEANER.clean(page)
    assert out.date == "2019-03" and out.body.startswith("Quand les convois")
    page2 = ("Wire Claims Plot in Idlib\n\nSMOKE AND MIRRORS: An earlier video shown as proof in 2017.\n\n"
             "DAMASCUS – New reports suggest a plot.\n\nMore text.")
    out2 = CLEANER.clean(page2)
    assert [r.kind for r in out2.removed] == ["caption"] and "SMOKE AND MIRRORS" not in out2.body
    page3 = "Headline Here\n\nWARNING: a real paragraph of the article that is not a caption.\n\nMore text."
    assert CLEANER.clean(page3).removed == []  # no dateline follows: not a caption


def test_duplicate_headline_and_donation_widget() -> None:
    page = "0 $\n2,500 $\n\nBig Headline Today\n\nSupport Wirefront\n\nBig Headline Today\n\nThe story starts here."
    out = CLEANER.clean(page)
    assert out.body == "Big Headline Today\n\nThe story starts here."
    assert _kinds(out.removed) == ["donation", "donation", "support_prompt", "duplicate_headline"]
    assert out.outlets == ["Wirefront"]


def test_author_lines() -> None:
    assert looks_like_author("Tommy Jensen") and looks_like_author("xoli_99") and looks_like_author("@handle")
    for text in ("Oh, thanks.", "Gang de fou!", "1. How did they", "post your phone number and", "a" * 60):
        assert not looks_like_author(text)
    assert split_comments([]) == []


def test_user_rules_are_parsed_and_validated() -> None:
    rules = parse_rules("xx:\n  - {kind: promo, where: line, max_len: 30, pattern: '^buy now$'}\n")
    cleaner = TextCleaner(tuple(rules))
    assert [r.kind for r in cleaner.clean("Title Line\n\nbuy now\n\nText.").removed] == ["promo"]
    import pytest

    with pytest.raises(ValueError, match="where must be one of"):
        parse_rules("xx:\n  - {kind: a, where: everywhere, pattern: 'x'}\n")
    with pytest.raises(ValueError, match="bad pattern"):
        parse_rules("xx:\n  - {kind: a, pattern: '('}\n")

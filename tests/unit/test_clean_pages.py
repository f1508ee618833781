"""Whole pages and comment sections written by the team, in six languages.

The French page is a whole pasted page (menus, cookie notice, breadcrumbs, ads, share
row, newsletter box, related links, a comment thread, a legal footer): the line
classifier and the rules together must leave the article whole and every removed
piece with its kind. The short pages carry a comment section each, opened by the
section's usual words in their language.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from narratrace.clean.pipeline import RuleCleaner
from narratrace.clean.text import TextCleaner
from narratrace.records import Article, RawItem, SourceRef

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


def _clean(name: str) -> Article:
    text = (PAGES / name).read_text("utf-8")
    out = RuleCleaner()(RawItem(source=SourceRef(path=name), fmt="txt", text=text))
    assert isinstance(out, Article)
    return out


def test_french_page_keeps_the_whole_article_and_nothing_else() -> None:
    art = _clean("fr_pasted_page.txt")
    assert art.title == "Le port de Valmont inaugure son troisième terminal après six ans de travaux"
    for piece in ("VALMONT — Le port", "« Nous pouvons désormais", "Des riverains inquiets",
                  "La préfecture a promis", "Le terminal emploie 420 personnes"):
        assert piece in art.body
    for debris in ("cookies", "Accepter", "Accueil >", "Publicité", "Partager sur", "newsletter",
                   "Votre adresse", "S'inscrire", "Sur le même sujet", "La grève des dockers", "réactions",
                   "Réagir", "connecté", "Encore des camions", "Mentions légales", "Tous droits", "Sport"):
        assert debris not in art.body, debris
    kinds = {r.kind for r in art.removed}
    assert {"cookie_notice", "navigation", "advertisement", "share", "newsletter", "related_link",
            "comment_form", "login_form", "copyright", "byline"} <= kinds
    assert all(r.kind for r in art.removed)
    assert [c.author for c in art.comments] == ["Jean-Pierre M.", "Sophie_75", "Marc Delorme"]
    assert art.comments[-1].text.startswith("Quid de la pollution")
    assert "Mentions légales" not in art.comments[-1].text
    assert art.authors == ("Hélène Marchais",)


@pytest.mark.parametrize(
    ("name", "authors", "last_body"),
    [
        ("de_comments.txt", ["Klaus Berger", "Anna_M"], "Die Kosten von jährlich"),
        ("es_comments.txt", ["Lucía Fernández", "Pepe R."], "La ampliación supondrá"),
        ("it_comments.txt", ["Giulia Rossi", "Marco B."], "Il costo complessivo"),
        ("ru_comments.txt", ["Ирина Петрова", "Сергей К."], "На ремонт здания"),
        ("en_comments.txt", ["Dave Hollis", "Priya S."], "Construction is due"),
    ],
)
def test_comment_sections_in_six_languages(name: str, authors: list[str], last_body: str) -> None:
    art = _clean(name)
    assert [c.author for c in art.comments] == authors
    assert art.body.rstrip().split("\n")[-1].startswith(last_body)
    for c in art.comments:
        assert c.text not in art.body
    assert {"comment_form", "login_form"} <= {r.kind for r in art.removed}


def test_the_model_is_not_used_on_short_texts() -> None:
    lines = (PAGES / "de_comments.txt").read_text("utf-8").split("\n")
    assert TextCleaner().model_plan(lines, "de") is None


def test_a_comment_counter_under_the_headline_does_not_swallow_the_article() -> None:
    page = (PAGES / "fr_pasted_page.txt").read_text("utf-8")
    page = page.replace("Par Hélène Marchais", "Par Hélène Marchais\n34 commentaires")
    art = RuleCleaner()(RawItem(source=SourceRef(path="p"), fmt="txt", text=page))
    assert isinstance(art, Article)
    assert "Le terminal emploie 420 personnes" in art.body
    assert len(art.comments) == 3


def test_schema_org_comments_come_with_their_authors() -> None:
    page = (PAGES / "itemprop_comments.html").read_text("utf-8")
    art = RuleCleaner()(RawItem(source=SourceRef(path="p.html"), fmt="html", html=page))
    assert isinstance(art, Article)
    assert [c.author for c in art.comments] == ["Gerda Vogel", "T. Huber"]
    assert art.comments[0].text.startswith("Schön, dass endlich")
    assert "Glücksspiel" not in art.body and "Die Fähre wurde" in art.body


def test_discourse_like_posts_are_comments() -> None:
    posts = "".join(
        f'<div class="topic-post"><span class="username">{name}</span><div class="cooked"><p>{text}</p></div></div>'
        for name, text in (("ines_r", "Great summary, thanks for writing it up so quickly."),
                           ("tomasz", "The second chart is missing its units, is it tonnes or kilotonnes?"))
    )
    body = "".join(f"<p>Paragraph {i} of the article about the new harbour terminal and what it changes.</p>"
                   for i in range(6))
    page = f"<html><body><article><h1>The new terminal</h1>{body}</article><section>{posts}</section></body></html>"
    art = RuleCleaner()(RawItem(source=SourceRef(path="p.html"), fmt="html", html=page))
    assert isinstance(art, Article)
    assert [c.author for c in art.comments] == ["ines_r", "tomasz"]
    assert "kilotonnes" not in art.body

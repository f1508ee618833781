"""Reader comments keep when they were posted (issue 15): from the page's markup and from pasted
threads in several languages; relative dates ("2 hours ago") have no anchor and are not dates."""

from __future__ import annotations

import pytest

from narratrace.clean.comments import comment_date, split_comments
from narratrace.clean.html import authored_comments
from narratrace.records import Article, Comment, SourceRef, article_from_dict, to_dict


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 mars 2021 à 14:32", "2021-03-12T14:32"),
        ("March 3, 2021 at 5:02 pm", "2021-03-03T17:02"),
        ("3. März 2021", "2021-03-03"),
        ("03.03.2021 14:02", "2021-03-03T14:02"),
        ("12 марта 2021 в 14:32", "2021-03-12T14:32"),
        ("2 de marzo de 2021", "2021-03-02"),
        ("2021-03-12T14:32:00Z", "2021-03-12T14:32"),
        ("2 hours ago", None),
        ("il y a 3 jours", None),
        ("Great article, thanks!", None),
    ],
)
def test_comment_dates(text: str, expected: str | None) -> None:
    assert comment_date(text) == expected


def test_pasted_thread_keeps_author_date_and_text_apart() -> None:
    lines = [(0, "Mira K."), (0, "12 mars 2021 à 14:32"), (0, "Tout est faux, comme d’habitude."),
             (2, "Hans"), (0, "3. März 2021"), (0, "Ein Kommentar ohne Zeit."),
             (2, "Jean"), (0, "Il y a 2 heures, on nous disait le contraire.")]
    assert split_comments(lines) == [
        Comment("Mira K.", "Tout est faux, comme d’habitude.", "2021-03-12T14:32"),
        Comment("Hans", "Ein Kommentar ohne Zeit.", "2021-03-03"),
        Comment("Jean", "Il y a 2 heures, on nous disait le contraire.", None),
    ]


PAGE = """<html><body><article><p>Body.</p></article>
<ol class="commentlist">
<li class="comment" id="li-comment-1"><div class="comment-author"><cite class="fn">Omar K</cite></div>
 <div class="comment-metadata"><time datetime="2021-03-12T14:32:00+00:00">12 March 2021</time></div>
 <div class="comment-content"><p>This is staged.</p></div>
 <ol class="children"><li class="comment" id="li-comment-2">
   <div class="comment-author"><cite class="fn">Anna</cite></div>
   <div class="comment-content"><p>No, it is not.</p></div>
   <div class="comment-metadata"><span class="comment-date">13 mars 2021 à 09:05</span></div></li></ol>
</li>
<li class="comment" id="li-comment-3"><div class="comment-author"><cite class="fn">Lee</cite></div>
 <div class="comment-content"><p>Undated words.</p></div></li>
</ol></body></html>"""


def test_html_comments_take_their_own_date_not_a_reply_s() -> None:
    found = authored_comments(PAGE)
    assert [(c.author, c.text, c.date) for c in found] == [
        ("Omar K", "This is staged.", "2021-03-12T14:32"),
        ("Anna", "No, it is not.", "2021-03-13T09:05"),
        ("Lee", "Undated words.", None),
    ]


def test_the_record_carries_the_date_and_reads_older_records() -> None:
    art = Article(id="a", content_hash="h", source=SourceRef(path="a.txt"), body="b",
                  comments=(Comment("X", "t", "2021-03-12"),))
    assert to_dict(art)["comments"] == [{"author": "X", "text": "t", "date": "2021-03-12"}]
    old = {**to_dict(art), "comments": [{"author": "X", "text": "t"}]}  # a record written before dates
    assert article_from_dict(old).comments == (Comment("X", "t", None),)

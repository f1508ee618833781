from __future__ import annotations

import pytest

from narratrace.analyse.dates import estimate_published, find_mentions, normalise_date


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        ("2018-10", None, "2018-10"),
        ("2019", None, "2019"),
        ("2019-03-30T10:00:00Z", None, "2019-03-30"),
        ("2019-3-5", None, "2019-03-05"),
        ("30 mars 2019", "fr", "2019-03-30"),
        ("March 30, 2019", "en", "2019-03-30"),
        ("Sat, 30 Mar 2019 10:00:00 GMT", None, "2019-03-30"),
        ("2019-13", None, None),
        ("not a date at all", "en", None),
        ("", None, None),
    ],
)
def test_normalise_keeps_precision(value: str, lang: str | None, expected: str | None) -> None:
    assert normalise_date(value, lang) == expected


def test_mentions_infer_missing_year_from_the_text() -> None:
    text = "The briefing on March 30 covered strikes from 14 March to 27 March 2019."
    days = [m.date.isoformat() for m in find_mentions(text)]
    assert days == ["2019-03-30", "2019-03-14", "2019-03-27"]
    assert estimate_published(text) == "2019-03-30"


def test_french_relative_weekday_resolved_after_anchor() -> None:
    text = "Du 14 au 27 mars 2019, les frappes ont été filmées, a déclaré vendredi le général."
    # 27 March 2019 was a Wednesday: the next Friday is the 29th
    assert estimate_published(text) == "2019-03-29"


def test_english_weekday() -> None:
    assert estimate_published("On 4 June 2020 (a Thursday) the report came; on Monday it was denied.") == "2020-06-08"


def test_no_day_precise_anchor_means_no_date() -> None:
    assert estimate_published("In April 2018 and February 2019, last September, this week.") is None
    assert estimate_published("Mardi, dans le village, une vidéo a été tournée.") is None
    assert estimate_published("Le 10 octobre, le général a parlé.") is None  # no year anywhere


def test_impossible_dates_are_ignored() -> None:
    assert estimate_published("On 31 February 2019 nothing happened; on 2 March 2019 it did.") == "2019-03-02"


@pytest.mark.parametrize(
    "text",
    [
        "Об этом сообщили 7 марта 2022 года в Москве.",
        "Em 7 de março de 2022, o governo anunciou o plano.",
        "Il 7 marzo 2022 il ministro ha parlato.",
        "Dnia 7 marca 2022 r. rząd ogłosił decyzję.",
        "في 7 مارس 2022 قال الوزير",
        "Am 7. März 2022 sagte der Sprecher.",
    ],
)
def test_day_dates_in_every_supported_language(text: str) -> None:

    assert estimate_published(text) == "2022-03-07"


def test_russian_weekday_needs_a_dated_anchor() -> None:

    assert estimate_published("В пятницу военные сообщили об ударе.") is None
    assert estimate_published("Удар нанесли 7 марта 2022 года, в пятницу сообщили о жертвах.") == "2022-03-11"

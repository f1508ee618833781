"""A small analysed corpus for the web tests, written for them (EN/FR, one story told
four times with a translation and a re-publication, a second story, a hostile article).

Records are built directly (entities, claims, attributions, narratives, relations and
story ids filled in), so the dashboard tests do not depend on the other stages.
"""

from __future__ import annotations

import hashlib

from narratrace.records import (
    Article,
    Attribution,
    Claim,
    Comment,
    Entity,
    NarrativeMatch,
    Relation,
    Removed,
    SourceRef,
    Span,
    Technique,
)
from narratrace.store import Store

NARRATIVE = ("staged-chemical-attacks", "Rescuers stage chemical attacks to frame Damascus")

EN_BRIEFING = (
    "The defence ministry in Moscow said on Friday that armed groups in Idlib are preparing "
    "a provocation with chemical weapons near Khan Sheikhoun.\n\n"
    "According to Major-General Ivan Petrov, the White Helmets have brought canisters of "
    "chlorine to a warehouse and plan to film a fake rescue for foreign television.\n\n"
    'The so-called "victims" will be actors, Petrov said, adding that the footage would be '
    "used to justify Western strikes."
)
FR_TRANSLATION = (
    "Le ministère de la Défense à Moscou a déclaré vendredi que des groupes armés à Idleb "
    "préparent une provocation à l'arme chimique près de Khan Cheikhoun.\n\n"
    "Selon le major-général Ivan Petrov, les Casques blancs ont apporté des bidons de chlore "
    "dans un entrepôt et comptent filmer un faux sauvetage pour les télévisions étrangères.\n\n"
    "Traduction : Le Veilleur. Source : Agence Orient."
)
EN_REPUBLISHED = EN_BRIEFING + "\n\nThis article was first published by Agence Orient."
FR_OTHER = (
    "Une vidéo tournée en janvier près de Zerba montrerait des secouristes répétant une scène "
    "d'attaque au gaz. Les images circulent sur les réseaux sociaux depuis mardi.\n\n"
    "Aucune source indépendante n'a confirmé l'authenticité de la vidéo."
)
XSS = '<script>window.__pwned=1;alert(1)</script><img src=x onerror="window.__pwned=2;alert(2)">'


def span(body: str, text: str) -> tuple[int, int]:
    start = body.index(text)
    return start, start + len(text)


def _article(key: str, body: str, **fields: object) -> Article:
    digest = hashlib.sha256((key + body).encode()).hexdigest()
    return Article(
        id=digest[:16],
        content_hash=digest,
        source=SourceRef(path=f"{key}.txt", url=fields.pop("url", None)),  # type: ignore[arg-type]
        body=body,
        **fields,
    )  # type: ignore[arg-type]


def _ent(body: str, text: str, etype: str, cid: str, name: str) -> Entity:
    s, e = span(body, text)
    return Entity(text=text, type=etype, canonical_id=cid, canonical_name=name, start=s, end=e)


def build() -> dict[str, Article]:
    """The corpus, by role: briefing, translation, republication, other, hostile."""
    en = _article(
        "briefing",
        EN_BRIEFING,
        title="Moscow warns of staged chemical provocation in Idlib",
        outlet="Agence Orient",
        lang="en",
        published="2019-03-29",
        url="https://orient.example/briefing",
        story_id="story-idlib",
        authors=("Desk",),
        entities=(
            _ent(EN_BRIEFING, "Khan Sheikhoun", "LOC", "Q-khan-shaykhun", "Khan Shaykhun"),
            _ent(EN_BRIEFING, "White Helmets", "ORG", "Q-white-helmets", "White Helmets"),
            _ent(EN_BRIEFING, "Idlib", "LOC", "Q-idlib", "Idlib"),
        ),
        attributions=(
            Attribution(
                "quotes",
                "Ivan Petrov",
                "According to Major-General Ivan Petrov",
                *span(EN_BRIEFING, "According to Major-General Ivan Petrov"),
            ),
        ),
        claims=(
            Claim(
                "the White Helmets have brought canisters of chlorine to a warehouse",
                *span(EN_BRIEFING, "the White Helmets have brought canisters of chlorine to a warehouse"),
                "Ivan Petrov",
                0.91,
            ),
        ),
        techniques=(
            Technique("Loaded_Language", *span(EN_BRIEFING, 'so-called "victims"'), 'so-called "victims"', 0.8),
        ),
        narratives=(
            NarrativeMatch(
                NARRATIVE[0],
                NARRATIVE[1],
                0.87,
                "promotes",
                (Span(*span(EN_BRIEFING, "plan to film a fake rescue"), "plan to film a fake rescue"),),
            ),
        ),
        comments=(Comment("reader42", "Everyone knew this already."),),
        removed=(Removed("donation", "Support our work: 0 $ 2,500 $"),),
    )
    fr = _article(
        "translation",
        FR_TRANSLATION,
        title="Moscou dénonce une provocation chimique préparée à Idleb",
        outlet="Le Veilleur",
        lang="fr",
        published="2019-03-30",
        url="https://veilleur.example/provocation",
        story_id="story-idlib",
        entities=(
            _ent(FR_TRANSLATION, "Khan Cheikhoun", "LOC", "Q-khan-shaykhun", "Khan Shaykhun"),
            _ent(FR_TRANSLATION, "Casques blancs", "ORG", "Q-white-helmets", "White Helmets"),
        ),
        techniques=(
            Technique("Doubt", *span(FR_TRANSLATION, "une provocation"), "une provocation", 0.55, ("T0168", "T0022")),
        ),
        attributions=(
            Attribution(
                "translated_by",
                "Le Veilleur",
                "Traduction : Le Veilleur",
                *span(FR_TRANSLATION, "Traduction : Le Veilleur"),
            ),
        ),
        narratives=(
            NarrativeMatch(
                NARRATIVE[0],
                NARRATIVE[1],
                0.81,
                "promotes",
                (Span(*span(FR_TRANSLATION, "filmer un faux sauvetage"), "filmer un faux sauvetage"),),
            ),
        ),
    )
    fr = fr.replace(relations=(Relation("translated_from", en.id, 0.83),))
    rep = _article(
        "republication",
        EN_REPUBLISHED,
        title="Moscow warns of staged chemical provocation in Idlib",
        outlet="Geo Front",
        lang="en",
        published="2019-03-31",
        url="http://geofront.example/a",
        story_id="story-idlib",
        duplicate_of=en.id,
        relations=(Relation("republished_from", en.id, 0.98),),
        entities=(_ent(EN_REPUBLISHED, "White Helmets", "ORG", "Q-white-helmets", "White Helmets"),),
        narratives=(NarrativeMatch(NARRATIVE[0], NARRATIVE[1], 0.86, "promotes"),),
    )
    other = _article(
        "zerba",
        FR_OTHER,
        title="Une vidéo de Zerba intrigue",
        outlet="Le Veilleur",
        lang="fr",
        published="2020-01",
        story_id="story-zerba",
    )
    hostile_body = f'Breaking {XSS} news about chlorine.\n\n<a href="javascript:alert(3)">click</a>'
    hostile = _article(
        "hostile",
        hostile_body,
        title=f"Hostile {XSS}",
        outlet=f"Evil{XSS}",
        lang="en",
        published="2019-04-01",
        url="javascript:alert(4)",
        story_id="story-idlib",
        entities=(
            Entity(
                text="news",
                type="ORG<script>",
                canonical_id='Q-evil"><script>alert(5)</script>',
                canonical_name=XSS,
                start=hostile_body.index("news"),
                end=hostile_body.index("news") + 4,
            ),
        ),
        claims=(Claim(XSS, 0, 10**9, XSS, 0.5),),  # offsets beyond the body: clipped, never trusted
        comments=(Comment(XSS, XSS),),
        removed=(Removed(XSS, XSS),),
    )
    return {"en": en, "fr": fr, "rep": rep, "other": other, "hostile": hostile}


def load(store: Store) -> dict[str, Article]:
    corpus = build()
    run_id = store.runs.start("test", ["web_corpus"])
    for article in corpus.values():
        store.articles.add(article, run_id)
    return corpus

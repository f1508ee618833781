"""Cleaning pasted web text: the article body apart from everything around it.

The page is read line by line through four phases: the *lead* (site name, menu,
section labels before the headline, see ``lead.py``), the *body*, the reader-*comments*
thread and the *footer* (disclaimers, copyright). Line rules from ``data/rules.yaml``
and widget rows (``widgets.py``) remove debris in any phase; a line that opens the
comments or the footer switches phase, so a long thread or a legal notice goes as a
whole without a rule per sentence. Nothing is dropped silently: each removed line is
kept in ``removed`` with its kind.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..records import Comment, Removed
from .comments import split_comments
from .lead import DATELINE, LeadPlan, headline_like, plan_lead
from .lines import MIN_LINES, article_scores, select, shipped_model
from .rules import Rule, RuleSet, default_rules
from .widgets import items, menu_like, widget_kind

# "date 2018-10 Depuis que ..." : page metadata glued to the first paragraph.
_LEADING_DATE = re.compile(r"^\s*date\s*:?\s*(\d{4}(?:-\d{2}(?:-\d{2})?)?)\s+(?=\S)", re.IGNORECASE)
# "LIGHTS, CAMERA, ACTION: Previous ..." : an all-caps kicker opening a photo caption.
_CAPS_KICKER = re.compile(r"^[A-Z][A-Z0-9 ,'’&!.-]{5,60}:\s+\S")
# "..., le 5 février 2020." : a one-sentence photo caption ends on the day it was taken.
_DATED_CAPTION = re.compile(
    r"^[^.!?]{10,250},\s(?:le\s|on\s|am\s|el\s)?(?:\d{1,2}(?:er)?\.?\s[^\W\d]{3,10}|[^\W\d]{3,10}\s\d{1,2}),?\s(?:de\s)?(?:19|20)\d\d\.?$"
)
# "MOSCOW, March 29 (TASS) – ..." : the agency a story comes from (weakest outlet evidence).
_AGENCY = re.compile(
    r"^[A-ZÀ-Ý][A-ZÀ-Ý'’ .-]{2,40},[^()–—\n]{1,40}\((?P<agency>[A-Z][\w .-]{1,24})\)\s*[–—-]\s"
)
_DOMAIN = re.compile(r"\b([A-Z][\w-]{2,40}\.(?:ca|com|net|org|fr|info|ru|eu|be|ch|news))\b")
_FOOTER_FROM = 0.5  # a footer marker counts only in the second half of the text
_RELATED_ITEM_MAX = 200
# Debris in which a site names itself ("Mondialisation.ca contient du matériel ...").
_SELF_REFERENCE_KINDS = {"copyright", "disclaimer", "contact", "support_prompt", "donation"}
# Ranks of outlet evidence without a rule of their own (rules carry theirs).
RANK_SITE_NAME, RANK_DOMAIN, RANK_TRANSLATOR, RANK_AGENCY = 2, 2, 4, 5
# "12 comments" under the headline is a link, not the thread: a marker counts once enough of the run is read
MARKER_SHARE, MARKER_CHARS = 0.6, 800  # or 800 characters of it (an article, then a long thread)
LEAD_BACK = 6  # non-blank lines before the article's run where the headline is looked for
# of those lines, the ones the model scores below this go unless they are the headline (dates,
# bylines, "Advertisement", teaser labels between the headline and the text); chosen by site-fold CV
LEAD_DROP = 0.2


@dataclass(frozen=True)
class ModelPlan:
    """What the line model says of a whole pasted page (line indices into the text's lines)."""

    drop: frozenset[int]
    lead_from: int  # lines above are page furniture
    article_from: int  # the first line of the article's run
    article_to: int  # its last line
    marker_from: int  # a comments or footer marker counts from here (most of the run read)
    lead_doubt: frozenset[int] = frozenset()  # lines between lead_from and the run the model rejects


def model_kind(line: str, before_article: bool) -> str:
    """The kind of a line the model takes out, from its shape (rules name theirs)."""
    words = len(line.split())
    if menu_like(line, 2) or len(items(line)) > 1:
        return "navigation"
    if words <= 4:
        return "navigation" if before_article else "section_label"
    if headline_like(line):
        return "related_link"  # a teaser headline of another article
    return "boilerplate"


@dataclass
class CleanText:
    body: str
    title: str | None
    comments: list[Comment] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)  # self-references, strongest first
    date: str | None = None  # from page metadata in the text
    outlet_evidence: list[tuple[int, str]] = field(default_factory=list)  # (rank, name) in reading order

    def add_outlet(self, name: str, rank: int) -> None:
        name = name.strip(" \t:–-")
        if name and all(n != name for _, n in self.outlet_evidence):
            self.outlet_evidence.append((rank, name))


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _norm_key(line: str) -> str:
    return re.sub(r"\W+", " ", line).strip().lower()


class TextCleaner:
    def __init__(self, rules: tuple[Rule, ...] | None = None) -> None:
        rules = rules or default_rules()
        self.line_rules = RuleSet([r for r in rules if r.where == "line"])
        self.lead_rules = RuleSet([r for r in rules if r.where == "lead"])
        self.comment_markers = RuleSet([r for r in rules if r.where == "comments"])
        self.thread_rules = RuleSet([r for r in rules if r.where == "thread"])
        self.footer_markers = RuleSet([r for r in rules if r.where == "footer"])
        self.keep_rules = RuleSet([r for r in rules if r.where == "keep"])

    @staticmethod
    def _first(rules: RuleSet, line: str) -> tuple[Rule, re.Match[str]] | None:
        return rules.first(line)

    def _claimed(self, line: str) -> bool:
        """A debris rule takes this line wherever it stands in the lead."""
        return bool(
            self._first(self.line_rules, line) or self._first(self.lead_rules, line) or widget_kind(line)
        )

    def classify(self, line: str) -> tuple[Rule, re.Match[str]] | None:
        """The line rule that takes one piece of text (used for debris found in markup)."""
        return self._first(self.line_rules, line)

    def absorb(self, out: CleanText, pieces: list[tuple[str, str]]) -> None:
        """Record debris found in markup: each item under the kind its text rule gives, else the markup's."""
        for kind, piece in pieces:
            parts = [piece] if kind in ("caption", "photo_credit") else items(piece)
            for part in parts:
                hit = self.classify(part)
                if hit:
                    self._harvest(out, hit[1], hit[0])
                    out.removed.append(Removed(hit[0].kind, part))
                else:
                    out.removed.append(Removed(kind, part))
        out.outlets = [name for _, name in sorted(out.outlet_evidence, key=lambda e: e[0])]

    def model_lines(self, lines: list[str]) -> list[int]:
        """The lines the model reads: not blank and not taken by a line rule or a widget row.

        Those go whatever the model says; left in, an "Advertisement" between every two
        paragraphs makes each paragraph's neighbours short and the article read as a list.
        ``bench/fit_cleaner.py`` fits on the same lines."""
        return [i for i, line in enumerate(lines)
                if line.strip() and not (self._first(self.line_rules, line.strip()) or widget_kind(line.strip()))]

    def model_plan(self, lines: list[str], lang: str | None) -> ModelPlan | None:
        """Run the line model over a pasted page; ``None`` for texts too short to need it."""
        model = shipped_model()
        if model is None or sum(1 for line in lines if line.strip()) < MIN_LINES:
            return None  # the page's size decides, not how many lines the rules leave
        positions = self.model_lines(lines)
        if not positions:
            return None
        from ..text.language import detect_language, stop_words

        kept = [lines[i].strip() for i in positions]
        if not lang:
            sample = " ".join(sorted(kept, key=len, reverse=True)[:20])
            lang = detect_language(sample)[0]
        scores = article_scores(kept, stop_words(lang) if lang else frozenset(), model, min_lines=1)
        if scores is None:
            return None
        chosen = select(scores, model.threshold, [len(x) for x in kept])
        if chosen.end < chosen.start:
            return None  # nothing reads as an article: leave the text to the rules
        nonblank = [i for i, line in enumerate(lines) if line.strip()]  # LEAD_BACK counts every line
        at = nonblank.index(positions[chosen.start])
        lead_from = nonblank[max(0, at - LEAD_BACK)]
        run = list(range(chosen.start, chosen.end + 1))
        total = sum(len(kept[i]) for i in run)
        seen, marker_from = 0, positions[chosen.end]
        for i in run:
            if seen >= min(MARKER_CHARS, MARKER_SHARE * total):
                marker_from = positions[i]
                break
            seen += len(kept[i])
        doubt = frozenset(positions[i] for i in range(chosen.start)
                          if positions[i] >= lead_from and scores[i] < LEAD_DROP)
        return ModelPlan(frozenset(positions[i] for i in chosen.drop), lead_from, positions[chosen.start],
                         positions[chosen.end], marker_from, doubt)

    def clean(self, raw: str, title_hint: str | None = None, lang: str | None = None,
              use_model: bool = True) -> CleanText:
        """``use_model``: pasted pages; text already cut from its page by an extractor skips it."""
        text = normalise(raw)
        out = CleanText(body="", title=None)
        m = _LEADING_DATE.match(text)
        if m:
            out.removed.append(Removed("metadata", m.group(0).strip()))
            out.date = m.group(1)
            text = text[m.end() :]
        lines = text.split("\n")
        mplan = self.model_plan(lines, lang) if use_model else None
        lead_from = mplan.lead_from if mplan else 0
        doubt = mplan.lead_doubt if mplan else frozenset()
        # a line the model doubts is not the headline: the site's name above its menu reads like one
        plan = plan_lead([("" if i in doubt else x) for i, x in enumerate(lines)][lead_from:], self._claimed)
        if lead_from:
            plan = LeadPlan(
                headline=None if plan.headline is None else plan.headline + lead_from,
                labels={i + lead_from: v for i, v in plan.labels.items()},
            )
        total = max(1, sum(len(x) + 1 for x in lines))
        pos = 0
        phase = "lead" if plan.headline is not None else "body"
        headline_key: str | None = None
        paragraphs: list[list[str]] = [[]]
        thread: list[tuple[int, str]] = []
        footer_kind = "disclaimer"
        gap = 0
        body_lines_seen = 0
        related_open = False
        for index, raw_line in enumerate(lines):
            pos += len(raw_line) + 1
            line = raw_line.strip()
            if not line:
                gap += 1
                if phase in ("lead", "body") and paragraphs[-1]:
                    paragraphs.append([])
                continue
            line_gap, gap = gap, 0
            hit = self._first(self.line_rules, line)
            if index < lead_from:  # above the article's run: page furniture, named by a rule or its shape
                if hit:
                    self._harvest(out, hit[1], hit[0])
                out.removed.append(Removed(hit[0].kind if hit else widget_kind(line) or model_kind(line, True), line))
                continue
            in_article = mplan is None or index >= mplan.article_from
            if phase in ("lead", "body") and hit is None and (mplan is None or index >= mplan.marker_from):
                marker = self._first(self.comment_markers, line)
                if marker:
                    out.removed.append(Removed(marker[0].kind, line))
                    phase = "comments"
                    continue
                marker = self._first(self.footer_markers, line)
                if marker and (mplan is not None or (pos - len(raw_line)) / total >= _FOOTER_FROM):
                    footer_kind = marker[0].kind
                    out.removed.append(Removed(footer_kind, line))
                    phase = "footer"
                    continue
            if hit is None and phase == "comments":
                hit = self._first(self.thread_rules, line) or self._first(self.comment_markers, line)
                marker = None if hit else self._first(self.footer_markers, line)
                if marker:  # the page's footer after the thread ("Mentions légales")
                    footer_kind = marker[0].kind
                    out.removed.append(Removed(footer_kind, line))
                    phase = "footer"
                    continue
            if hit:
                rule, match = hit
                self._harvest(out, match, rule, dated=phase in ("lead", "body"))  # not a comment's timestamp
                out.removed.append(Removed(rule.kind, line))
                related_open = rule.kind == "related_link" and self._heading_only(line, match)
                if phase in ("lead", "body") and paragraphs[-1]:
                    paragraphs.append([])
                continue
            widget = widget_kind(line)
            if widget:
                out.removed.append(Removed(widget, line))
                continue
            if (mplan is not None and phase in ("lead", "body") and in_article and index in mplan.drop
                    and not self._first(self.keep_rules, line)):
                out.removed.append(Removed(model_kind(line, False), line))
                if paragraphs[-1]:
                    paragraphs.append([])
                continue
            if phase == "comments":
                thread.append((line_gap, line))
                continue
            if phase == "footer":
                out.removed.append(Removed(footer_kind, line))
                if footer_kind in _SELF_REFERENCE_KINDS:
                    self._harvest_domains(out, line)
                continue
            if related_open and len(line) <= _RELATED_ITEM_MAX and headline_like(line):
                out.removed.append(Removed("related_link", line))  # an item of a "Related:" list
                continue
            related_open = False
            if (mplan is not None and index in mplan.lead_doubt and index != plan.headline
                    and not self._first(self.keep_rules, line)):
                out.removed.append(Removed(model_kind(line, True), line))
                continue
            if phase == "lead":
                if index in plan.labels:
                    kind, outlet = plan.labels[index]
                    out.removed.append(Removed(kind, line))
                    if outlet:
                        out.add_outlet(outlet, RANK_SITE_NAME)
                    continue
                lead = self._first(self.lead_rules, line)
                if lead:
                    self._harvest(out, lead[1], lead[0])
                    out.removed.append(Removed(lead[0].kind, line))
                    continue
                phase = "body"
                if index == plan.headline:
                    out.title = line
                    headline_key = _norm_key(line)
                paragraphs[-1].append(line)
                paragraphs.append([])
                continue
            # body
            if headline_key and len(line) <= 2 * len(headline_key) + 10 and _norm_key(line) == headline_key:
                out.removed.append(Removed("duplicate_headline", line))
                continue
            body_lines_seen += 1
            if body_lines_seen <= 3 and self._caption_like(line) and self._dateline_follows(lines, index):
                out.removed.append(Removed("caption", line))
                continue
            if body_lines_seen <= 3:
                agency = _AGENCY.match(line)
                if agency:
                    out.add_outlet(agency.group("agency"), RANK_AGENCY)
            paragraphs[-1].append(line)
        comments = split_comments(thread)
        if len(comments) == 1 and comments[0].author is None:
            # one unsigned block after a "Comments" link is not a thread: the page's own furniture
            out.removed.append(Removed("boilerplate", comments[0].text))
            comments = []
        out.comments = comments
        out.body = "\n\n".join("\n".join(p) for p in paragraphs if p)
        if out.title is None:
            out.title = title_hint.strip() if title_hint and title_hint.strip() else None
        self._translator_outlet(out)
        out.outlets = [name for _, name in sorted(out.outlet_evidence, key=lambda e: e[0])]
        return out

    @staticmethod
    def _heading_only(line: str, match: re.Match[str]) -> bool:
        """"More on this topic:" opens a list of linked headlines; "Read also: X" is one link."""
        return len(line[match.end() :].strip(" :|–-")) == 0

    @staticmethod
    def _caption_like(line: str) -> bool:
        return bool(_CAPS_KICKER.match(line) or _DATED_CAPTION.match(line))

    @staticmethod
    def _dateline_follows(lines: list[str], index: int) -> bool:
        seen = 0
        for nxt in lines[index + 1 :]:
            if nxt.strip():
                if DATELINE.match(nxt.strip()):
                    return True
                seen += 1
                if seen >= 2:
                    return False
        return False

    @staticmethod
    def _harvest(out: CleanText, match: re.Match[str], rule: Rule, dated: bool = True) -> None:
        groups = match.groupdict()
        outlet = (groups.get("outlet") or "").strip()
        if outlet:
            out.add_outlet(outlet, rule.rank)
        if groups.get("author") and groups["author"].strip() not in out.authors:
            out.authors.append(groups["author"].strip())
        if dated and groups.get("date") and not out.date:
            out.date = groups["date"].strip()
        if rule.kind in _SELF_REFERENCE_KINDS:
            TextCleaner._harvest_domains(out, match.string)

    @staticmethod
    def _harvest_domains(out: CleanText, line: str) -> None:
        for dom in _DOMAIN.findall(line):
            out.add_outlet(dom, RANK_DOMAIN)

    @staticmethod
    def _translator_outlet(out: CleanText) -> None:
        """A closing "Traduction : X" names the site that translated and published the text."""
        tail = out.body[-600:]
        m = re.search(r"^(?:traduction|translation)\s*:\s*(\S[^\n]{1,60})$", tail,
                      re.IGNORECASE | re.MULTILINE)
        if m:
            out.add_outlet(m.group(1), RANK_TRANSLATOR)

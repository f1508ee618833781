"""Cleaning pasted web text: the article body apart from everything around it.

The page is read line by line through four phases: the *lead* (section labels,
kickers, widgets before the headline), the *body*, the reader-*comments* thread and
the *footer* (disclaimers, copyright). Line rules from ``data/rules.yaml`` remove
debris in any phase; a line that opens the comments or the footer switches phase,
so a long thread or a legal notice goes as a whole without a rule per sentence.
Nothing is dropped silently: each removed line is kept in ``removed`` with its kind.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..records import Comment, Removed
from .comments import split_comments
from .rules import Rule, default_rules

# "date 2018-10 Depuis que ..." : page metadata glued to the first paragraph.
_LEADING_DATE = re.compile(r"^\s*date\s*:?\s*(\d{4}(?:-\d{2}(?:-\d{2})?)?)\s+(?=\S)", re.IGNORECASE)
# "LIGHTS, CAMERA, ACTION: Previous ..." : an all-caps kicker opening a photo caption.
_CAPS_KICKER = re.compile(r"^[A-Z][A-Z0-9 ,'’&!.-]{5,60}:\s+\S")
# "DAMASCUS – ...", "MOSCOU, 29 mars (Sputnik) – ..." : a dateline opening the story.
_DATELINE = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý'’ .-]{2,40}(?:,[^–—\n]{1,40})?\s*(?:\([^)]{1,30}\))?\s*[–—-]\s")
_DOMAIN = re.compile(r"\b([A-Z][\w-]{2,40}\.(?:ca|com|net|org|fr|info|ru|eu|be|ch|news))\b")
_TERMINAL = re.compile(r"[.!?…»”\"']\s*$")
_FOOTER_FROM = 0.5
# Debris in which a site names itself ("Mondialisation.ca contient du matériel ...").
_SELF_REFERENCE_KINDS = {"copyright", "disclaimer", "contact", "support_prompt", "donation"}  # a footer marker counts only in the second half of the text


@dataclass
class CleanText:
    body: str
    title: str | None
    comments: list[Comment] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)  # self-references, strongest first
    date: str | None = None  # from page metadata in the text


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _norm_key(line: str) -> str:
    return re.sub(r"\W+", " ", line).strip().lower()


def _headline_like(line: str) -> bool:
    if len(line) > 250 or re.search(r"[.,;]\W*$", line):
        return False  # headlines do not end like sentences
    inner = line.rstrip(".!?… ")
    return len(re.findall(r"[.!?](?:\s|$)", inner)) == 0 and len(line.split()) >= 2


class TextCleaner:
    def __init__(self, rules: tuple[Rule, ...] | None = None) -> None:
        rules = rules or default_rules()
        self.line_rules = [r for r in rules if r.where == "line"]
        self.lead_rules = [r for r in rules if r.where == "lead"]
        self.comment_markers = [r for r in rules if r.where == "comments"]
        self.footer_markers = [r for r in rules if r.where == "footer"]

    @staticmethod
    def _first(rules: list[Rule], line: str) -> tuple[Rule, re.Match[str]] | None:
        for rule in rules:
            m = rule.match(line)
            if m:
                return rule, m
        return None

    def clean(self, raw: str, title_hint: str | None = None) -> CleanText:
        text = normalise(raw)
        out = CleanText(body="", title=None)
        m = _LEADING_DATE.match(text)
        if m:
            out.removed.append(Removed("metadata", m.group(0).strip()))
            out.date = m.group(1)
            text = text[m.end() :]
        lines = text.split("\n")
        total = max(1, sum(len(x) + 1 for x in lines))
        pos = 0
        phase = "lead"
        headline_key: str | None = None
        paragraphs: list[list[str]] = [[]]
        thread: list[tuple[int, str]] = []
        footer_kind = "disclaimer"
        gap = 0
        body_lines_seen = 0
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
            if phase in ("lead", "body") and hit is None:
                marker = self._first(self.comment_markers, line)
                if marker:
                    out.removed.append(Removed(marker[0].kind, line))
                    phase = "comments"
                    continue
                marker = self._first(self.footer_markers, line)
                if marker and (pos - len(raw_line)) / total >= _FOOTER_FROM:
                    footer_kind = marker[0].kind
                    out.removed.append(Removed(footer_kind, line))
                    phase = "footer"
                    continue
            if hit:
                rule, match = hit
                self._harvest(out, match, rule.kind)
                out.removed.append(Removed(rule.kind, line))
                if phase in ("lead", "body") and paragraphs[-1]:
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
            if phase == "lead":
                lead = self._first(self.lead_rules, line)
                if lead:
                    out.removed.append(Removed(lead[0].kind, line))
                    continue
                phase = "body"
                if _headline_like(line):
                    out.title = line
                    headline_key = _norm_key(line)
                paragraphs[-1].append(line)
                paragraphs.append([])
                continue
            # body
            key = _norm_key(line)
            if headline_key and key == headline_key:
                out.removed.append(Removed("duplicate_headline", line))
                continue
            body_lines_seen += 1
            if body_lines_seen <= 3 and _CAPS_KICKER.match(line) and self._dateline_follows(lines, index):
                out.removed.append(Removed("caption", line))
                continue
            paragraphs[-1].append(line)
        out.comments = split_comments(thread)
        out.body = "\n\n".join("\n".join(p) for p in paragraphs if p)
        if out.title is None:
            out.title = title_hint.strip() if title_hint and title_hint.strip() else None
        self._translator_outlet(out)
        return out

    @staticmethod
    def _dateline_follows(lines: list[str], index: int) -> bool:
        seen = 0
        for nxt in lines[index + 1 :]:
            if nxt.strip():
                if _DATELINE.match(nxt.strip()):
                    return True
                seen += 1
                if seen >= 2:
                    return False
        return False

    @staticmethod
    def _harvest(out: CleanText, match: re.Match[str], kind: str) -> None:
        groups = match.groupdict()
        outlet = (groups.get("outlet") or "").strip()
        if outlet and outlet not in out.outlets:
            out.outlets.insert(0, outlet)
        if groups.get("author") and groups["author"].strip() not in out.authors:
            out.authors.append(groups["author"].strip())
        if groups.get("date") and not out.date:
            out.date = groups["date"]
        if kind in _SELF_REFERENCE_KINDS:
            TextCleaner._harvest_domains(out, match.string)

    @staticmethod
    def _harvest_domains(out: CleanText, line: str) -> None:
        for dom in _DOMAIN.findall(line):
            if dom not in out.outlets:
                out.outlets.append(dom)

    @staticmethod
    def _translator_outlet(out: CleanText) -> None:
        """A closing "Traduction : X" names the site that translated and published the text."""
        tail = out.body[-600:]
        m = re.search(r"^(?:traduction|translation)\s*:\s*(\S[^\n]{1,60})$", tail,
                      re.IGNORECASE | re.MULTILINE)
        if m and m.group(1).strip() not in out.outlets:
            out.outlets.append(m.group(1).strip())

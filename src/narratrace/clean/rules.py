"""Loading the debris rules of ``data/rules.yaml`` (see the comments there)."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..yamlfile import load_yaml

WHERE = ("line", "lead", "comments", "thread", "footer", "keep")


@dataclass(frozen=True)
class Rule:
    kind: str
    where: str
    max_len: int
    regex: re.Pattern[str]
    lang: str
    rank: int = 1  # outlet evidence: 0 strongest
    needs: tuple[str, ...] = ()  # lower-case substrings, one of which the line must contain

    def match(self, line: str) -> re.Match[str] | None:
        if len(line) > self.max_len or (self.needs and not any(n in line.lower() for n in self.needs)):
            return None
        return self.regex.search(line)


def anchored(pattern: str) -> bool:
    """``^...`` with no top-level ``|``: the pattern can only match at the start of the line."""
    if not pattern.startswith("^"):
        return False
    depth, i, in_class = 0, 1, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return False
        i += 1
    return True


class RuleSet:
    """Rules in file order (the first match wins), arranged so that most lines cost little.

    Rules are bucketed by ``max_len``, so a long paragraph meets only the few rules
    that may take it; an anchored rule is tried at the start of the line only (``search``
    would scan the line for its first letters); an unanchored rule is skipped unless
    the line contains one of its ``needs``.
    """

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self._limits = sorted({r.max_len for r in rules})
        self._buckets = [
            [(r, anchored(r.regex.pattern)) for r in rules if r.max_len >= limit] for limit in self._limits
        ]

    def first(self, line: str) -> tuple[Rule, re.Match[str]] | None:
        i = bisect.bisect_left(self._limits, len(line))
        if i == len(self._limits):
            return None
        lowered: str | None = None
        for rule, at_start in self._buckets[i]:
            if at_start:
                m = rule.regex.match(line)
            else:
                if rule.needs:
                    lowered = line.lower() if lowered is None else lowered
                    if not any(n in lowered for n in rule.needs):
                        continue
                m = rule.regex.search(line)
            if m:
                return rule, m
        return None


def parse_rules(text: str, origin: str = "rules") -> list[Rule]:
    data = load_yaml(text) or {}
    rules: list[Rule] = []
    for lang, entries in data.items():
        for i, entry in enumerate(entries or []):
            where = entry.get("where", "line")
            if where not in WHERE:
                raise ValueError(f"{origin}: {lang}[{i}]: where must be one of {WHERE}, not {where!r}")
            flags = 0 if entry.get("case") else re.IGNORECASE
            try:
                regex = re.compile(entry["pattern"], flags)
            except (KeyError, re.error) as exc:
                raise ValueError(f"{origin}: {lang}[{i}]: bad pattern: {exc}") from None
            max_len, rank = int(entry.get("max_len", 200)), int(entry.get("rank", 1))
            needs = tuple(str(n).lower() for n in entry.get("needs") or ())
            rules.append(Rule(str(entry["kind"]), where, max_len, regex, str(lang), rank, needs))
    return rules


@functools.cache
def default_rules() -> tuple[Rule, ...]:
    text = resources.files("narratrace.clean").joinpath("data/rules.yaml").read_text(encoding="utf-8")
    return tuple(parse_rules(text, "rules.yaml"))


def load_rules(extra: str | None = None) -> tuple[Rule, ...]:
    """The shipped rules, plus a user's file of the same shape (its rules win)."""
    if not extra:
        return default_rules()
    path = Path(extra)
    return (*parse_rules(path.read_text(encoding="utf-8"), str(path)), *default_rules())

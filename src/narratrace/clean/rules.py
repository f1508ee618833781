"""Loading the debris rules of ``data/rules.yaml`` (see the comments there)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

WHERE = ("line", "lead", "comments", "footer")


@dataclass(frozen=True)
class Rule:
    kind: str
    where: str
    max_len: int
    regex: re.Pattern[str]
    lang: str

    def match(self, line: str) -> re.Match[str] | None:
        if len(line) > self.max_len:
            return None
        return self.regex.search(line)


def parse_rules(text: str, origin: str = "rules") -> list[Rule]:
    data = yaml.safe_load(text) or {}
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
            rules.append(Rule(str(entry["kind"]), where, int(entry.get("max_len", 200)), regex, str(lang)))
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

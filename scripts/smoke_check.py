"""Checks the export of the packaging smoke test (scripts/smoke.sh).

Runs inside the fresh virtual environment: standard library only.
"""

from __future__ import annotations

import json
import sys


def main(path: str) -> int:
    with open(path, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    by_path = {str((r.get("source") or {}).get("path") or ""): r for r in records}
    problems: list[str] = []
    if len(records) != 4:
        problems.append(f"expected 4 articles (1 text, 1 HTML, 2 JSONL), got {len(records)}")
    html = next((r for p, r in by_path.items() if p.endswith("page.html")), None)
    if html is None or "charpente métallique" not in html.get("body", ""):
        problems.append("the HTML page's article text is missing")
    elif "Accueil" in html["body"] or "Tous droits" in html["body"]:
        problems.append("the HTML page kept its navigation or copyright line")
    text = next((r for p, r in by_path.items() if p.endswith("article.txt")), None)
    if text is None or "third container terminal" not in (text.get("title") or ""):
        problems.append("the text file's headline is missing")
    elif "Share this article" in text.get("body", ""):
        problems.append("the text file kept its share line")
    ids = {r.get("external_id") for r in records}
    if not {"smoke-1", "smoke-2"} <= ids:
        problems.append(f"JSONL items missing: {sorted(str(i) for i in ids)}")
    for p in problems:
        print(f"smoke: {p}", file=sys.stderr)
    if not problems:
        print(f"smoke: {len(records)} articles exported from the installed wheel")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

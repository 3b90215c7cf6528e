"""docs/decisions.md is grouped by concern, and every place that cites one of its titles finds it.

Code, templates and docs cite a decision as docs/decisions.md followed by its title in double quotes
(with or without a comma or parentheses); decisions.md cites its own entries with see + the title.
Each cited title must begin a heading or an entry's bold first words, so regrouping the file or
renaming a heading cannot leave a dangling citation.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "decisions.md"
SUFFIXES = {".py", ".md", ".yaml", ".yml", ".toml", ".js", ".html", ".cfg", ".txt"}
CITATION = re.compile(r"decisions\.md\)?,?\s*\(?\"([A-Za-z][^\"\n]*)\"")
SEE = re.compile(r"\bsee\s+\"([^\"]+)\"", re.IGNORECASE)


def _sources() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT).parts
        if any(p.startswith(".") or p in ("node_modules", "__pycache__") for p in rel[:-1]):
            continue
        if path.is_file() and (path.suffix in SUFFIXES or path.name == "Makefile"):
            found.append(path)
    return found


def _titles(text: str) -> list[str]:
    """Headings (any level) and the bold first words of entries and list items."""
    heads = [m.group(1).strip() for m in re.finditer(r"^#+\s+(.+)$", text, re.MULTILINE)]
    bold = [" ".join(m.group(1).split()) for m in re.finditer(r"^(?:- )?\*\*(.+?)\*\*", text,
                                                              re.MULTILINE | re.DOTALL)]
    return heads + bold


def _found(title: str, titles: list[str]) -> bool:
    wanted = " ".join(title.split()).rstrip(".").lower()
    return any(t.lower().startswith(wanted) for t in titles)


def test_every_citation_of_a_decision_finds_its_title() -> None:
    titles = _titles(DOC.read_text(encoding="utf-8"))
    cited: dict[str, str] = {}
    for path in _sources():
        text = path.read_text(encoding="utf-8", errors="replace")
        for m in CITATION.finditer(text):
            cited[m.group(1)] = f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}"
    assert {"Build hygiene", "Production-true", "Admin console deployment", "Claims domain",
            "Cold start and tracing"} <= set(cited)
    dangling = {title: where for title, where in cited.items() if not _found(title, titles)}
    assert dangling == {}


def test_decisions_cites_its_own_entries_by_titles_it_has() -> None:
    text = DOC.read_text(encoding="utf-8")
    titles = _titles(text)
    cited = SEE.findall(text)
    assert len(cited) >= 5
    assert [t for t in cited if not _found(t, titles)] == []


def test_the_contents_name_the_concerns_and_their_topics_in_order() -> None:
    text = DOC.read_text(encoding="utf-8")
    contents = re.search(r"^## Contents\n\n((?:- .+\n)+)", text, re.MULTILINE)
    assert contents is not None
    listed = re.findall(r"^- \[(.+?)\]\(#([^)]+)\): (.+)$", contents.group(1), re.MULTILINE)
    assert len(listed) >= 10
    concerns = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    by_title = {c.split("\n", 1)[0].strip(): c for c in concerns}
    for concern, anchor, topics in listed:
        assert concern in by_title, concern
        assert anchor == re.sub(r"[^\w\- ]", "", concern.lower()).replace(" ", "-"), anchor
        headings = re.findall(r"^### (.+)$", by_title[concern], re.MULTILINE)
        assert headings[:len(topics.split("; "))] == topics.split("; "), concern
    for concern in ("Money and payments", "Orders and statuses", "Claims", "Shipping and invoices", "Messages",
                    "Files and exports", "Jobs", "Tenancy and security", "Local stack and testing",
                    "Deployment and operations", "Performance"):
        assert concern in by_title, concern


def test_no_entry_is_lost_or_listed_twice() -> None:
    text = DOC.read_text(encoding="utf-8")
    entries = [" ".join(m.split()) for m in re.findall(r"^(?:- )?\*\*(.+?)\*\*", text, re.MULTILINE | re.DOTALL)]
    assert len(entries) >= 180
    twice = {e for e in entries if entries.count(e) > 1}
    assert twice == set()

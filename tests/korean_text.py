"""What an operator reads is Korean: the checks the message tests share.

A message may hold placeholders (``{limit}``), quoted values the caller sent or must type
(``'https://'``, ``'colour'``), numbers and dates, and a few acronyms operators know; any other Latin
word is a leak of code into the sentence. Particles agree with their word (oms.domain.josa): no
"을(를)", "이(가)", "(으)로" left to the reader.
"""

from __future__ import annotations

import re

#: acronyms operators of a Korean shop know as they are
ACRONYMS = frozenset({"PG", "PC", "ID", "URL", "SMS", "LMS", "SKU", "MB", "XLSX"})
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_QUOTED = re.compile(r"'[^']*'|“[^”]*”")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")
#: an either-or particle written out for the reader
UNDECIDED_PARTICLE = re.compile(r"\((?:을|를|이|가|은|는|과|와|으|이나|이라)\)|을\(를\)|이\(가\)|\(으\)로")


def latin_words(text: str) -> list[str]:
    """The Latin words of ``text`` outside placeholders and quotes that are not known acronyms."""
    bare = _QUOTED.sub("", _PLACEHOLDER.sub("", text))
    return [w for w in _WORD.findall(bare) if w.upper() not in ACRONYMS]


def problems(text: str) -> list[str]:
    """Why ``text`` is not an operator's Korean sentence (empty when it is)."""
    found = [f"Latin word {w!r}" for w in latin_words(text)]
    if UNDECIDED_PARTICLE.search(text):
        found.append("an undecided particle")
    if not re.search(r"[가-힣]", text):
        found.append("no Korean")
    return found

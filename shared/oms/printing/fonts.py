"""The Korean font of the PDF order sheet: a TrueType subset of NanumGothic (SIL OFL 1.1) that the
build copies into the function package (functions/exports/Makefile, from Debian's ``fonts-nanum``);
nothing is downloaded at run time.

Looked up in order: ``SHEET_FONT_PATH``; ``fonts/NanumGothic-subset.ttf`` in the function's code
root (``LAMBDA_TASK_ROOT``, or the exports_fn package's parent locally); Debian's NanumGothic.ttf
(development machines and CI install ``fonts-nanum``).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

FONT_NAME = "NanumGothic"
SUBSET_FILE = "NanumGothic-subset.ttf"
DEBIAN_FONT = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")


class FontMissing(RuntimeError):
    pass


def candidates() -> list[Path]:
    out: list[Path] = []
    if os.environ.get("SHEET_FONT_PATH"):
        out.append(Path(os.environ["SHEET_FONT_PATH"]))
    root = os.environ.get("LAMBDA_TASK_ROOT")  # the function's code root (Lambda and the local stack)
    if root:
        out.append(Path(root) / "fonts" / SUBSET_FILE)
    out.append(DEBIAN_FONT)
    return out


@cache
def font_path() -> str:
    for p in candidates():
        if p.is_file():
            return str(p)
    raise FontMissing("Korean font not found: " + ", ".join(str(p) for p in candidates()))

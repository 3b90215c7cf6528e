"""Byte-level guards on an uploaded workbook, before (and beside) any XML parser.

- :func:`check_package`: not an xlsx, > 10 MB, a declared uncompressed size beyond a bound (zip
  bomb), a DTD or entity declaration in the prolog of any XML part (wherever it sits in the
  prolog: a declaration pushed past the first kilobytes by a long comment is still found).
- :func:`scan_sheet`: one streaming pass over the chosen sheet's XML that counts every ``<row>``
  element (empty ones too) and collects the merged ranges (``<mergeCell>`` comes after the rows,
  so the streaming row reader cannot see them in time). It stops at the row limit or when the
  function's time runs low.

Every read is bounded: Python's zip reader never yields more than a member's declared size, and
the declared total is capped.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from oms.domain.errors import DomainError

MAX_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_MEMBERS = 2_000
MAX_MERGED = 5_000
_CHUNK = 1 << 20
_OVERLAP = 4096

XML_FORBIDDEN_KO = "파일에 허용되지 않는 문서 형식 선언(외부 엔티티)이 있습니다. 처리하지 않았습니다."
NOT_XLSX_KO = "엑셀(.xlsx) 파일이 아닙니다. 내려받은 양식에 입력해 올려 주세요."


class FileRefused(DomainError):
    """The whole file is refused; nothing was applied."""

    status = 422


def refuse(code: str, message_ko: str, **extra: Any) -> FileRefused:
    return FileRefused(code, message_ko, extra=extra)


def too_slow() -> FileRefused:
    return refuse("READ_TIME_EXCEEDED",
                  "파일을 읽는 데 시간이 너무 오래 걸려 처리하지 않았습니다. 행을 나눠 여러 파일로 올려 주세요.")


def too_many_rows(limit: int) -> FileRefused:
    return refuse("TOO_MANY_ROWS", f"한 파일은 {limit:,}행까지 올릴 수 있습니다 (빈 행 포함). 나눠서 올려 주세요.",
                  limit=limit)


def check_package(path: str, size: int) -> None:
    """Refuse a file that is not a sane xlsx package before any XML parser sees it."""
    if size > MAX_BYTES:
        raise refuse("FILE_TOO_LARGE", f"파일이 너무 큽니다 ({size:,}바이트). 10MB 이하로 나눠 올려 주세요.",
                     size=size, limit=MAX_BYTES)
    if not zipfile.is_zipfile(path):
        raise refuse("NOT_XLSX", NOT_XLSX_KO)
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise refuse("NOT_XLSX", NOT_XLSX_KO)
            declared = sum(i.file_size for i in infos)
            if len(infos) > MAX_MEMBERS or declared > MAX_UNCOMPRESSED:
                raise refuse("ZIP_BOMB", "압축을 풀면 지나치게 커지는 파일입니다. 처리하지 않았습니다.",
                             declared_size=declared, limit=MAX_UNCOMPRESSED)
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    with z.open(info) as f:
                        verdict = prolog_verdict(f)
                    if verdict == "forbidden":
                        raise refuse("XML_FORBIDDEN", XML_FORBIDDEN_KO, part=info.filename)
                    if verdict == "encoding":
                        raise refuse("NOT_XLSX", "지원하지 않는 문자 인코딩의 엑셀 파일입니다. 내려받은 양식에 입력해 "
                                                 "올려 주세요.", part=info.filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as exc:
        raise refuse("NOT_XLSX", "손상되었거나 지원하지 않는 엑셀 파일입니다.") from exc


class _Reader:
    """Bytes of one member, read on demand in chunks (bounded by the member's declared size)."""

    def __init__(self, f: IO[bytes]) -> None:
        self.f, self.buf, self.eof = f, b"", False

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.f.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True


def prolog_verdict(f: IO[bytes]) -> str:
    """``ok``, ``forbidden`` (a ``<!DOCTYPE``/``<!ENTITY``/other declaration before the root
    element) or ``encoding`` (not UTF-8: the byte scan could not see a declaration).

    A DTD can only stand in the prolog, before the root element's start tag, so the scan walks the
    prolog (XML declaration, processing instructions, comments, white space) however long it is and
    stops at the root element."""
    r = _Reader(f)
    r.more()
    if r.buf.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(r.buf) >= 2 and b"\0" in r.buf[:4]):
        return "encoding"
    pos = 3 if r.buf.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while True:  # white space
            while pos < len(r.buf) and r.buf[pos] in b" \t\r\n":
                pos += 1
            if pos < len(r.buf) or not r.more():
                break
        while len(r.buf) - pos < 4 and r.more():
            pass
        head = r.buf[pos:pos + 4]
        if not head:
            return "ok"  # empty or only white space: the parser refuses it if it matters
        if head.startswith(b"<?") or head.startswith(b"<!--"):
            end_mark = b"?>" if head.startswith(b"<?") else b"-->"
            start = pos + 2
            while (end := r.buf.find(end_mark, start)) < 0:
                start = max(pos + 2, len(r.buf) - len(end_mark))
                if not r.more():
                    return "ok"  # unterminated: not well-formed, the parser refuses it
            pos = end + len(end_mark)
            # drop what is behind us so a long prolog costs no memory
            r.buf, pos = r.buf[pos:], 0
            continue
        if head.startswith(b"<!"):
            return "forbidden"
        return "ok"  # the root element (or text the parser refuses)


_ROW = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?row[\s/>]")
_MERGE = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?mergeCell\s[^>]*?ref\s*=\s*[\"']([A-Za-z]{1,3}\d{1,7}"
                    rb"(?::[A-Za-z]{1,3}\d{1,7})?)[\"']")
_CELL = re.compile(r"([A-Za-z]{1,3})(\d{1,7})")


@dataclass(frozen=True)
class Merge:
    min_col: int
    min_row: int
    max_col: int
    max_row: int


def _col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def parse_range(ref: str) -> Merge:
    a, _, b = ref.partition(":")
    ma, mb = _CELL.fullmatch(a), _CELL.fullmatch(b or a)
    assert ma is not None and mb is not None
    c1, r1, c2, r2 = _col(ma[1]), int(ma[2]), _col(mb[1]), int(mb[2])
    return Merge(min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2))


def scan_sheet(path: str, part: str, max_rows: int, *, remaining_ms: Callable[[], int] | None = None,
               margin_ms: int = 0) -> list[Merge]:
    """Count the sheet's ``<row>`` elements (refusing past ``max_rows``, header included) and return
    its merged ranges. Checks the remaining time between chunks."""
    merges: list[Merge] = []
    rows = 0
    buf = b""
    with zipfile.ZipFile(path) as z, z.open(part) as f:
        first = True
        while True:
            chunk = f.read(_CHUNK)
            eof = not chunk
            if not first and not eof and remaining_ms is not None and remaining_ms() < margin_ms:
                raise too_slow()
            first = False
            buf += chunk
            # a tag cut by the chunk boundary is matched next round, with the bytes that follow
            end = len(buf) if eof else max(len(buf) - _OVERLAP, 0)
            for m in _ROW.finditer(buf):
                if m.start() >= end:
                    break
                rows += 1
                if rows > max_rows:
                    raise too_many_rows(max_rows - 1)
            for m in _MERGE.finditer(buf):
                if m.start() >= end:
                    break
                merges.append(parse_range(m[1].decode()))
                if len(merges) > MAX_MERGED:
                    raise refuse("MERGED_CELLS", "병합된 셀이 너무 많은 파일입니다. 셀 병합을 풀고 올려 주세요.")
            buf = buf[end:]
            if eof:
                return merges

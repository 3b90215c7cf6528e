"""Remote-area (제주/도서산간) shipping surcharges by postal code (docs/domain.md, "Shipping").

A zone is an inclusive range of 5-digit postal codes (국가기초구역번호) with its fee. The site keeps its
own zones (a setting); :data:`DEFAULT_ZONES` is the list used across Korean shops, cited in
docs/decisions.md ("Claims domain"), kept as versioned data: a change of the list is a new
:data:`ZONES_VERSION` and the list's test changes with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class Zone(NamedTuple):
    start: str
    end: str
    fee: int
    name_ko: str


ZONES_VERSION = "2024-01"
JEJU_FEE = 3000
ISLAND_FEE = 5000

_JEJU: tuple[tuple[str, str], ...] = (("63000", "63644"),)
#: 도서산간 outside 제주: 인천 옹진 섬 지역, 충남 섬, 울릉 (40200–40240), 전남·경남 섬 …
_ISLANDS: tuple[tuple[str, str], ...] = (
    ("22386", "22388"), ("23004", "23010"), ("23100", "23116"), ("23124", "23136"), ("31708", "31708"),
    ("32133", "32133"), ("33411", "33411"), ("40200", "40240"), ("46768", "46771"), ("52570", "52571"),
    ("53031", "53033"), ("53089", "53104"), ("54000", "54000"), ("56347", "56349"), ("57068", "57069"),
    ("58760", "58762"), ("58800", "58810"), ("58816", "58818"), ("58826", "58826"), ("58828", "58866"),
    ("58953", "58958"), ("59102", "59103"), ("59106", "59106"), ("59127", "59127"), ("59129", "59129"),
    ("59137", "59166"), ("59650", "59650"), ("59766", "59766"), ("59781", "59790"),
)

#: The default zones (제주 first, then the other islands / 도서산간).
DEFAULT_ZONES: tuple[Zone, ...] = (
    *(Zone(a, b, JEJU_FEE, "제주") for a, b in _JEJU),
    *(Zone(a, b, ISLAND_FEE, "도서산간") for a, b in _ISLANDS),
)


def remote_fee(postal_code: str, zones: Iterable[Zone | tuple[str, str, int, str]] = DEFAULT_ZONES) -> int:
    """The surcharge for ``postal_code``: the fee of the first zone containing it, else 0."""
    zone = zone_of(postal_code, zones)
    return zone.fee if zone else 0


def zone_of(postal_code: str, zones: Iterable[Zone | tuple[str, str, int, str]] = DEFAULT_ZONES) -> Zone | None:
    """The first zone containing ``postal_code`` (a 5-digit code, spaces and hyphens ignored), or
    None: also for anything that is not a 5-digit code (an old 6-digit code is not guessed at)."""
    code = "".join(ch for ch in postal_code if ch.isdigit())
    if len(code) != 5:
        return None
    for z in zones:
        zone = Zone(*z)
        if zone.start <= code <= zone.end:
            return zone
    return None

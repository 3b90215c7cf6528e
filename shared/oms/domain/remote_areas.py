"""Remote-area (제주/도서산간) shipping surcharges by postal code (DOMAIN §5, ANCHORS §B).

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
_ISLANDS: tuple[tuple[str, str], ...] = ()

#: The default zones (제주 first, then the other islands / 도서산간).
DEFAULT_ZONES: tuple[Zone, ...] = ()


def remote_fee(postal_code: str, zones: Iterable[Zone | tuple[str, str, int, str]] = DEFAULT_ZONES) -> int:
    """The surcharge for ``postal_code``: the fee of the first zone containing it, else 0."""
    raise NotImplementedError


def zone_of(postal_code: str, zones: Iterable[Zone | tuple[str, str, int, str]] = DEFAULT_ZONES) -> Zone | None:
    """The first zone containing ``postal_code`` (a 5-digit code), or None."""
    raise NotImplementedError

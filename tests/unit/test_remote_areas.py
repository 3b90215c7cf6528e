"""The default remote-area list (docs/decisions.md, remote areas) is versioned data: this test pins it."""

from __future__ import annotations

from oms.domain.remote_areas import DEFAULT_ZONES, ISLAND_FEE, JEJU_FEE, ZONES_VERSION, Zone, remote_fee, zone_of

#: The public list (imweb FAQ, copied across Korean shop code), as ranges; a change here is a new ZONES_VERSION.
PUBLISHED = """63000-63644; 22386-22388, 23004-23010, 23100-23116, 23124-23136, 31708, 32133, 33411, 40200-40240,
46768-46771, 52570-52571, 53031-53033, 53089-53104, 54000, 56347-56349, 57068-57069, 58760-58762, 58800-58810,
58816-58818, 58826, 58828-58866, 58953-58958, 59102-59103, 59106, 59127, 59129, 59137-59166, 59650, 59766,
59781-59790"""


def _ranges(text: str) -> list[tuple[str, str]]:
    out = []
    for part in text.replace(";", ",").split(","):
        a, _, b = part.strip().partition("-")
        out.append((a, b or a))
    return out


def test_the_default_list_is_the_published_one() -> None:
    assert ZONES_VERSION == "2024-01"
    assert [(z.start, z.end) for z in DEFAULT_ZONES] == _ranges(PUBLISHED)
    assert DEFAULT_ZONES[0] == Zone("63000", "63644", JEJU_FEE, "제주")
    assert all(z.fee == ISLAND_FEE and z.name_ko == "도서산간" for z in DEFAULT_ZONES[1:])
    assert all(len(z.start) == len(z.end) == 5 and z.start <= z.end for z in DEFAULT_ZONES)
    # the known typo of one copy (28826 for 58826) is not in ours
    assert zone_of("28826") is None and zone_of("58826") is not None


def test_fees_by_postal_code() -> None:
    assert remote_fee("63000") == remote_fee("63644") == remote_fee("63-100") == JEJU_FEE
    assert remote_fee("63645") == 0
    assert remote_fee("40240") == ISLAND_FEE and remote_fee("40241") == 0  # 울릉
    assert remote_fee("04524") == 0  # 서울
    assert remote_fee("") == remote_fee("6310") == remote_fee("690-012") == 0  # not a 5-digit code
    site = [("63000", "63644", 4000, "제주"), ("40200", "40240", 6000, "울릉")]
    assert remote_fee("63100", site) == 4000 and remote_fee("40200", site) == 6000 and remote_fee("22386", site) == 0

"""The courier catalog: codes integrations use, aliases on input, tracking-number rules."""

from __future__ import annotations

import pytest

from oms.domain import couriers
from oms.domain.errors import DomainError


def test_catalog_has_every_required_courier_with_integration_codes() -> None:
    codes = {c.code: c.name_ko for c in couriers.COURIERS}
    assert codes["CJGLS"] == "CJ대한통운"
    assert codes["HYUNDAI"] == "롯데택배"
    assert codes["HANJIN"] == "한진택배"
    assert codes["EPOST"] == "우체국택배"
    assert codes["KGB"] == "로젠택배"
    for code in ("KDEXP", "DAESIN", "ILYANG", "HDEXP", "CHUNIL", "KUNYOUNG", "CUPARCEL", "CVSNET", "EMS", "DHL",
                 "FEDEX", "UPS", "ETC"):
        assert code in codes
    assert len(codes) == 18
    assert all(c.tracking_url and "{no}" in c.tracking_url for c in couriers.COURIERS if c.code != "ETC")


@pytest.mark.parametrize("alias,code", [
    ("CJ", "CJGLS"), ("cj 대한통운", "CJGLS"), ("LOTTE", "HYUNDAI"), ("롯데", "HYUNDAI"), ("LOGEN", "KGB"),
    ("로젠택배", "KGB"), ("우체국", "EPOST"), ("hanjin", "HANJIN"), ("GS Postbox", "CVSNET"), ("기타", "ETC"),
    ("CU편의점택배", "CUPARCEL"), ("fedex", "FEDEX"),
])
def test_aliases_resolve(alias: str, code: str) -> None:
    c = couriers.resolve(alias)
    assert c is not None and c.code == code


def test_unknown_courier_refused_with_code() -> None:
    assert couriers.resolve("부엉이택배") is None
    with pytest.raises(DomainError) as e:
        couriers.require("부엉이택배")
    assert e.value.code == "UNKNOWN_COURIER"


def test_tracking_number_rules() -> None:
    cj = couriers.BY_CODE["CJGLS"]
    assert couriers.clean_tracking(cj, " 6312-3456-7890 ") == "631234567890"
    assert cj.url_for("631234567890") == "https://trace.cjlogistics.com/next/tracking.html?wblNo=631234567890"
    with pytest.raises(DomainError) as e:
        couriers.clean_tracking(cj, "1234")
    assert e.value.code == "TRACKING_NO_INVALID"
    with pytest.raises(DomainError) as e:
        couriers.clean_tracking(cj, "  ")
    assert e.value.code == "TRACKING_NO_REQUIRED"
    etc = couriers.BY_CODE["ETC"]
    assert couriers.clean_tracking(etc, "1234") == "1234"
    # a quick-service field may hold the driver's phone
    assert couriers.clean_tracking(etc, "010-9876-5432", method="quick") == "010-9876-5432"
    assert couriers.clean_tracking(couriers.BY_CODE["EMS"], "ee123456789kr") == "EE123456789KR"

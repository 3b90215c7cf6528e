"""The courier catalog (docs/domain.md, "Shipping"): code, 한국어 name, tracking URL template, accepted aliases.

Codes are the ones Korean PG/marketplace integrations use (Naver Commerce and PortOne share
``CJGLS``, ``HYUNDAI`` for 롯데택배, ``HANJIN``, ``EPOST``, ``KGB`` for 로젠 ...), so a tracking
number entered here can be forwarded to those channels unchanged. Input accepts the code, the
Korean name and common aliases (``CJ``, ``LOTTE``, ``LOGEN`` ...), case and spacing ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from oms.domain.errors import DomainError


@dataclass(frozen=True)
class Courier:
    code: str
    name_ko: str
    #: ``{no}`` is replaced by the tracking number; None = no public tracking page
    tracking_url: str | None
    international: bool = False
    aliases: tuple[str, ...] = ()
    #: the courier's code at each tracking provider (``oms.domain.tracking.PROVIDERS``); a provider
    #: missing here does not cover the courier
    provider_codes: tuple[tuple[str, str], ...] = ()
    #: providers that answer queries for this courier but send no callbacks: its parcels are polled
    poll_only: tuple[str, ...] = ()

    def code_at(self, provider: str) -> str | None:
        """This courier's code at ``provider`` (None: the provider does not track it)."""
        return dict(self.provider_codes).get(provider)

    def url_for(self, tracking_no: str) -> str | None:
        if not self.tracking_url:
            return None
        return self.tracking_url.replace("{no}", quote(tracking_no.strip(), safe=""))


ETC = "ETC"

COURIERS: tuple[Courier, ...] = (
    Courier("CJGLS", "CJ대한통운", "https://trace.cjlogistics.com/next/tracking.html?wblNo={no}",
            aliases=("CJ", "CJ대한통운", "대한통운", "CJLOGISTICS", "CJ_LOGISTICS", "CJKOREAEXPRESS"),
            provider_codes=(("trackerdelivery", "kr.cjlogistics"), ("sweettracker", "04"))),
    Courier("HYUNDAI", "롯데택배", "https://www.lotteglogis.com/home/reservation/tracking/linkView?InvNo={no}",
            aliases=("LOTTE", "롯데", "롯데택배", "롯데글로벌로지스", "LOTTEGLOGIS", "현대택배"),
            provider_codes=(("trackerdelivery", "kr.lotte"), ("sweettracker", "08"))),
    Courier("HANJIN", "한진택배",
            "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MN038&schLang=KR&wblnumText2={no}",
            aliases=("한진", "한진택배", "HANJINEXPRESS"),
            provider_codes=(("trackerdelivery", "kr.hanjin"), ("sweettracker", "05"))),
    Courier("EPOST", "우체국택배", "https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1={no}",
            aliases=("우체국", "우체국택배", "KOREAPOST", "POST", "KPOST"),
            provider_codes=(("trackerdelivery", "kr.epost"), ("sweettracker", "01"))),
    Courier("KGB", "로젠택배", "https://www.ilogen.com/web/personal/trace/{no}",
            aliases=("LOGEN", "로젠", "로젠택배", "ILOGEN"),
            provider_codes=(("trackerdelivery", "kr.logen"), ("sweettracker", "06"))),
    Courier("KDEXP", "경동택배", "https://kdexp.com/service/delivery/etc/delivery.do?barcode={no}",
            aliases=("경동", "경동택배", "KYUNGDONG"),
            provider_codes=(("trackerdelivery", "kr.kdexp"), ("sweettracker", "23"))),
    Courier("DAESIN", "대신택배", "https://www.ds3211.co.kr/freight/internalFreightSearch.ht?billno={no}",
            aliases=("대신", "대신택배"),
            provider_codes=(("trackerdelivery", "kr.daesin"), ("sweettracker", "22"))),
    Courier("ILYANG", "일양로지스", "https://www.ilyanglogis.com/functionality/tracking_result.asp?hawb_no={no}",
            aliases=("일양", "일양로지스", "일양택배", "ILYANGLOGIS"),
            provider_codes=(("trackerdelivery", "kr.ilyanglogis"), ("sweettracker", "11"))),
    Courier("HDEXP", "합동택배", "https://hdexp.co.kr/basic_delivery.hd?barcode={no}",
            aliases=("합동", "합동택배", "HAPDONG"),
            provider_codes=(("trackerdelivery", "kr.hdexp"), ("sweettracker", "32"))),
    Courier("CHUNIL", "천일택배", "https://www.chunil.co.kr/HTrace/HTrace.jsp?transNo={no}",
            aliases=("천일", "천일택배"),
            provider_codes=(("trackerdelivery", "kr.chunilps"), ("sweettracker", "17"))),
    Courier("KUNYOUNG", "건영택배", "https://www.kunyoung.com/goods/goods_01.php?mulno={no}",
            aliases=("건영", "건영택배", "KY"),
            provider_codes=(("trackerdelivery", "kr.kunyoung"), ("sweettracker", "18"))),
    Courier("CUPARCEL", "CU편의점택배", "https://www.cupost.co.kr/postbox/delivery/localResult.cupost?invoice_no={no}",
            aliases=("CU", "CU편의점택배", "CU편의점", "CUPOST", "씨유"),
            provider_codes=(("trackerdelivery", "kr.cupost"), ("sweettracker", "46"))),
    Courier("CVSNET", "GS Postbox", "https://www.cvsnet.co.kr/invoice/tracking.do?invoice_no={no}",
            aliases=("GS", "GSPOSTBOX", "GS편의점택배", "GS POSTBOX 택배", "CVS", "편의점택배", "POSTBOX"),
            provider_codes=(("trackerdelivery", "kr.cvsnet"), ("sweettracker", "24"))),
    Courier("EMS", "EMS", "https://service.epost.go.kr/trace.RetrieveEmsRigiTraceList.comm?POST_CODE={no}",
            international=True, aliases=("우체국EMS", "국제특송", "KPEMS"),
            provider_codes=(("sweettracker", "12"),),
            poll_only=("sweettracker",)),
    Courier("DHL", "DHL", "https://www.dhl.com/kr-ko/home/tracking.html?tracking-id={no}",
            international=True, aliases=("DHLKOREA",),
            provider_codes=(("trackerdelivery", "de.dhl"), ("sweettracker", "13")),
            poll_only=("trackerdelivery",)),
    Courier("FEDEX", "FedEx", "https://www.fedex.com/fedextrack/?trknbr={no}",
            international=True, aliases=("페덱스", "FEDERALEXPRESS"),
            provider_codes=(("trackerdelivery", "us.fedex"), ("sweettracker", "21")),
            poll_only=("trackerdelivery",)),
    Courier("UPS", "UPS", "https://www.ups.com/track?tracknum={no}", international=True, aliases=("유피에스",),
            provider_codes=(("trackerdelivery", "us.ups"), ("sweettracker", "14")),
            poll_only=("trackerdelivery",)),
    Courier(ETC, "기타", None, aliases=("기타", "기타택배", "OTHER", "ETC택배", "직접배송")),
)

BY_CODE: dict[str, Courier] = {c.code: c for c in COURIERS}


def _norm(value: str) -> str:
    return re.sub(r"[\s\-_.()]", "", value).upper()


_ALIASES: dict[str, str] = {}
for _c in COURIERS:
    for _a in (_c.code, _c.name_ko, *_c.aliases):
        _ALIASES.setdefault(_norm(_a), _c.code)


def resolve(value: str | None) -> Courier | None:
    """The courier a code, Korean name or alias names (None if it names none)."""
    if not value:
        return None
    code = _ALIASES.get(_norm(str(value)))
    return BY_CODE[code] if code else None


def require(value: str | None, field: str = "courier") -> Courier:
    courier = resolve(value)
    if courier is None:
        raise DomainError(
            "UNKNOWN_COURIER",
            f"알 수 없는 택배사입니다: {value or '(빈 값)'}. 목록의 택배사를 선택하거나 '기타'를 선택하세요.",
            field=field,
            extra={"courier": value},
        )
    return courier


_DOMESTIC_NO = re.compile(r"^[0-9]{8,20}$")
_INTL_NO = re.compile(r"^[A-Z0-9]{8,30}$")


def clean_tracking(courier: Courier, value: str | None, *, method: str = "parcel",
                   field: str = "tracking_no") -> str:
    """The tracking number as stored, or a refusal naming the rule.

    Korean parcel couriers issue 8–20 digit numbers (hyphens and spaces are dropped);
    international ones letters and digits. ``기타`` and non-parcel methods take any text up to
    50 characters: a quick-service field may hold the driver's phone, ``1234`` is fine
    [FAQ: 퀵 서비스와 방문 수령].
    """
    raw = (value or "").strip()
    if not raw:
        raise DomainError("TRACKING_NO_REQUIRED", "송장번호를 입력하세요.", field=field)
    if len(raw) > 50:
        raise DomainError("TRACKING_NO_TOO_LONG", "송장번호는 50자까지 입력할 수 있습니다.", field=field)
    if any(ord(ch) < 32 for ch in raw):
        raise DomainError("TRACKING_NO_INVALID", "송장번호에 제어 문자를 쓸 수 없습니다.", field=field)
    if courier.code == ETC or method != "parcel":
        return raw
    compact = re.sub(r"[\s\-]", "", raw).upper()
    pattern = _INTL_NO if courier.international else _DOMESTIC_NO
    if not pattern.match(compact):
        rule = "영문·숫자 8~30자" if courier.international else "숫자 8~20자리"
        raise DomainError(
            "TRACKING_NO_INVALID",
            f"{courier.name_ko} 송장번호 형식이 아닙니다({rule}): {raw}",
            field=field,
            extra={"courier": courier.code},
        )
    return compact


def catalog() -> list[dict[str, object]]:
    return [
        {"code": c.code, "name_ko": c.name_ko, "tracking_url": c.tracking_url, "international": c.international,
         "aliases": list(c.aliases)}
        for c in COURIERS
    ]

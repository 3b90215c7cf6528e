// 배송 추적: which provider tracks the site's parcels (tracker.delivery style webhooks or SweetTracker
// style push; its credentials are the deployment's SSM parameters, never typed here), the quiet days
// after which a parcel without a courier scan is listed in 배송 이상, and whether a delivered scan
// completes delivery (배송완료) by itself.
import { h, field, select } from "../ui.js";
import { checkbox, intInput, readInt, sectionCard } from "./form.js";

const PROVIDERS = [
  ["", "사용 안 함"],
  ["trackerdelivery", "tracker.delivery (웹훅 구독)"],
  ["sweettracker", "스마트택배 SweetTracker (푸시 등록)"],
];

export function trackingCard(ctx) {
  return sectionCard(ctx, {
    key: "tracking", title: "배송 추적", id: "settings-tracking",
    intro: "송장번호를 입력하면 배송추적 서비스에 등록하고, 택배사의 집화·배송완료 스캔으로 배송중·배송완료가 됩니다. "
      + "번호 입력만으로는 상태가 바뀌지 않습니다. 서비스 인증 정보는 배포 환경(SSM)에 보관합니다.",
    build(s) {
      const provider = select("provider", PROVIDERS, s.provider || "");
      const quiet = intInput("quiet_days", s.quiet_days, { min: 1, max: 30 });
      const auto = checkbox("auto_complete", s.auto_complete, "배송완료 스캔으로 배송완료 처리",
        { hint: "끄면 스캔은 기록만 하고 배송완료는 직접 처리합니다." });
      return {
        body: h("div.form-grid", {}, field("배송추적 서비스", provider),
          field("배송 이상: 스캔 없는 기간 (일)", quiet, { hint: "1–30일" }), auto.el),
        collect: () => ({ provider: provider.value || null, quiet_days: readInt(quiet),
          auto_complete: auto.box.checked }),
      };
    },
  });
}

"""Shipping through the admin API on DynamoDB Local: manual tracking numbers, lookup, cancel rule,
bulk 배송없음 → 배송완료, combined shipping."""

from __future__ import annotations

import boto3
import pytest

from oms.store import keys
from tests.shipping_support import admin, api_order

pytestmark = pytest.mark.usefixtures("standard_buyer_points")


def test_manual_tracking_add_change_remove_keeps_status(site_id: str, table_name: str) -> None:
    oid = api_order(site_id)
    status, body = admin("POST", f"/admin/orders/{oid}/tracking", site_id,
                         {"line_ids": ["L001"], "courier": "CJ", "tracking_no": "6312-3456-7890"})
    assert status == 200, body
    line = next(li for li in body["lines"] if li["line_id"] == "L001")
    assert line["status"] == "ready_to_ship" and line["tracking_no"] == "631234567890"
    assert body["timeline"][0]["kind"] == "tracking_added"

    # the list finds it by tracking number (GSI2, normalised)
    status, listing = admin("GET", "/admin/orders", site_id, query={"tracking_no": "6312 3456 7890"})
    assert [o["order_id"] for o in listing["orders"]] == [oid]

    # units with a tracking number cannot be cancelled
    status, refused = admin("POST", f"/admin/orders/{oid}/status", site_id,
                            {"moves": [{"line_id": "L001", "to": "cancel_requested"}]})
    assert status == 422 and refused["code"] == "CANCEL_NOT_ALLOWED_WITH_TRACKING"

    status, body = admin("POST", f"/admin/orders/{oid}/tracking", site_id,
                         {"line_ids": ["L001"], "courier": "LOTTE", "tracking_no": "234567890123"})
    assert status == 200
    status, ships = admin("GET", f"/admin/orders/{oid}/shipments", site_id)
    assert ships["shipments"][0]["courier"] == "HYUNDAI" and ships["shipments"][0]["courier_name"] == "롯데택배"
    assert "234567890123" in ships["shipments"][0]["tracking_url"]
    status, old = admin("GET", "/admin/orders", site_id, query={"tracking_no": "631234567890"})
    assert old["orders"] == []

    status, body = admin("POST", f"/admin/orders/{oid}/tracking", site_id, {"action": "remove", "line_ids": ["L001"]})
    assert status == 200 and all(li["tracking_no"] is None for li in body["lines"])
    items = boto3.client("dynamodb").query(
        TableName=table_name, KeyConditionExpression="PK = :pk AND begins_with(SK, :s)",
        ExpressionAttributeValues={":pk": {"S": keys.order_pk(site_id, oid)}, ":s": {"S": "SHIP#"}})["Items"]
    assert items == []
    status, body = admin("POST", f"/admin/orders/{oid}/status", site_id,
                         {"moves": [{"line_id": "L001", "to": "cancel_requested"}]})
    assert status == 200


def test_tracking_refusals_have_codes_and_reach_the_timeline(site_id: str) -> None:
    oid = api_order(site_id, ready=False)
    status, body = admin("POST", f"/admin/orders/{oid}/tracking", site_id,
                         {"line_ids": ["L001"], "courier": "CJ", "tracking_no": "631234567890"})
    assert status == 422 and body["code"] == "NOT_READY_TO_SHIP"
    status, body = admin("POST", f"/admin/orders/{api_order(site_id)}/tracking", site_id,
                         {"line_ids": ["L001"], "courier": "부엉이", "tracking_no": "631234567890"})
    assert status == 422 and body["code"] == "UNKNOWN_COURIER" and body["message_ko"]
    status, tl = admin("GET", f"/admin/orders/{oid}/timeline", site_id)
    assert tl["events"][0]["kind"] == "refused" and tl["events"][0]["data"]["code"] == "NOT_READY_TO_SHIP"
    status, body = admin("POST", f"/admin/orders/{oid}/tracking", site_id + "x",
                         {"line_ids": ["L001"], "courier": "CJ", "tracking_no": "631234567890"})
    assert status == 404


def test_bulk_no_shipping_to_delivered(site_id: str) -> None:
    none_id = api_order(site_id, shipping_method="none")
    parcel_id = api_order(site_id)
    status, body = admin("POST", "/admin/orders/bulk/deliver-no-shipping", site_id,
                         {"order_ids": [none_id, parcel_id]})
    assert status == 200 and body["done"] == 1 and body["refused"] == 1
    refused = next(r for r in body["results"] if r["order_id"] == parcel_id)
    assert refused["code"] == "NO_NO_SHIPPING_LINES"
    status, detail = admin("GET", f"/admin/orders/{none_id}", site_id)
    assert detail["shipping_method"] == "none"
    assert {li["status"] for li in detail["lines"]} == {"delivered"}
    steps = [(e["data"]["from"], e["data"]["to"]) for e in detail["timeline"] if e["kind"] == "status_changed"]
    assert ("ready_to_ship", "shipping") in steps and ("shipping", "delivered") in steps


def test_combined_shipping_shares_one_tracking_number(site_id: str) -> None:
    a, b = api_order(site_id), api_order(site_id)
    stranger = api_order(site_id, recipient={"name": "박지훈", "phone": "010-5555-6666", "postal_code": "06236",
                                             "address1": "서울 강남구 테헤란로 152", "address2": ""})
    status, body = admin("POST", "/admin/shipments/combined", site_id,
                         {"orders": [{"order_id": a, "line_ids": ["L001", "L002"]},
                                     {"order_id": b, "line_ids": ["L001"]}],
                          "courier": "CJ", "tracking_no": "631234567890"})
    assert status == 201, body
    group = body["combined_group"]
    for oid in (a, b):
        status, detail = admin("GET", f"/admin/orders/{oid}", site_id)
        assert detail["shipments"][0]["combined_group"] == group
        assert detail["timeline"][0]["data"]["combined_with"] == [x for x in (a, b) if x != oid]
    status, found = admin("GET", "/admin/orders", site_id, query={"tracking_no": "631234567890"})
    assert sorted(o["order_id"] for o in found["orders"]) == sorted([a, b])
    status, body = admin("POST", "/admin/shipments/combined", site_id,
                         {"orders": [{"order_id": b, "line_ids": ["L002"]},
                                     {"order_id": stranger, "line_ids": ["L001"]}],
                          "courier": "CJ", "tracking_no": "631234567891"})
    assert status == 422 and body["code"] == "COMBINE_DIFFERENT_DESTINATION"
    status, detail = admin("GET", f"/admin/orders/{stranger}", site_id)
    assert detail["shipments"] == []


def test_courier_catalog_route(site_id: str) -> None:
    status, body = admin("GET", "/admin/couriers", site_id)
    assert status == 200 and len(body["couriers"]) == 18

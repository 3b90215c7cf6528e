"""gzip on the way out: the API functions' JSON answers (oms.http: an HTTP API has no compression of its
own) and the local gateway's text answers (the console's files, as CloudFront's Compress: true)."""

from __future__ import annotations

import base64
import gzip
import json

from oms.http import COMPRESS_MIN_BYTES, compress_answer
from oms_local.http_api import accepts_gzip, compressed

BIG = json.dumps({"orders": [{"order_id": f"O{n:04d}", "buyer": "홍길동"} for n in range(200)]}, ensure_ascii=False)


def _answer(body: str, content_type: str = "application/json") -> dict:
    return {"statusCode": 200, "headers": {"Content-Type": content_type}, "body": body, "isBase64Encoded": False}


def test_a_large_json_answer_goes_gzip_encoded_to_a_client_that_takes_it() -> None:
    out = compress_answer({"headers": {"accept-encoding": "gzip, deflate, br"}}, _answer(BIG))
    assert out["isBase64Encoded"] is True
    assert out["headers"]["Content-Encoding"] == "gzip" and out["headers"]["Vary"] == "Accept-Encoding"
    packed = base64.b64decode(out["body"])
    assert json.loads(gzip.decompress(packed)) == json.loads(BIG)
    assert len(packed) < len(BIG.encode()) / 4


def test_answers_stay_as_they_are_without_gzip_below_the_threshold_or_when_not_json() -> None:
    plain = compress_answer({"headers": {}}, _answer(BIG))
    assert plain["body"] == BIG and plain["isBase64Encoded"] is False and "Content-Encoding" not in plain["headers"]
    assert plain["headers"]["Vary"] == "Accept-Encoding"
    refused = compress_answer({"headers": {"accept-encoding": "gzip;q=0, identity"}}, _answer(BIG))
    assert refused["body"] == BIG
    small = '{"count": 1}'
    assert len(small) < COMPRESS_MIN_BYTES
    assert compress_answer({"headers": {"accept-encoding": "gzip"}}, _answer(small))["body"] == small
    html = "<p>" * 2000
    assert compress_answer({"headers": {"accept-encoding": "gzip"}}, _answer(html, "text/html"))["body"] == html
    already = {**_answer(BIG), "headers": {"Content-Type": "application/json", "Content-Encoding": "gzip"}}
    assert compress_answer({"headers": {"Accept-Encoding": "gzip"}}, already)["body"] == BIG


def test_the_resolver_compresses_what_a_route_answers() -> None:
    from oms.http import resolver

    app = resolver(enable_validation=False)

    @app.get("/big")
    def big() -> dict:
        return json.loads(BIG)

    event = {"version": "2.0", "routeKey": "GET /big", "rawPath": "/big", "rawQueryString": "",
             "headers": {"accept-encoding": "gzip"}, "isBase64Encoded": False,
             "requestContext": {"http": {"method": "GET", "path": "/big", "sourceIp": "127.0.0.1"},
                                "requestId": "r", "routeKey": "GET /big", "stage": "$default"}}
    out = app.resolve(event, None)
    assert out["statusCode"] == 200 and out["isBase64Encoded"] is True
    assert json.loads(gzip.decompress(base64.b64decode(out["body"]))) == json.loads(BIG)


def test_the_local_gateway_gzips_text_it_sends_when_asked() -> None:
    body = ("export const x = 1;\n" * 200).encode()
    out, headers = compressed(body, [("content-type", "text/javascript; charset=utf-8")], "gzip, deflate")
    assert gzip.decompress(out) == body and ("content-encoding", "gzip") in headers
    assert ("vary", "accept-encoding") in headers
    same, plain = compressed(body, [("content-type", "text/javascript")], "")
    assert same == body and all(n != "content-encoding" for n, _ in plain)
    png = b"\x89PNG" + b"\0" * 4000
    assert compressed(png, [("content-type", "image/png")], "gzip")[0] == png
    assert compressed(b"{}", [("content-type", "application/json")], "gzip")[0] == b"{}"
    passed = compressed(b"x" * 4000, [("content-type", "application/json"), ("content-encoding", "gzip")], "gzip")
    assert passed[0] == b"x" * 4000


def test_accept_encoding_is_read_with_its_weights() -> None:
    assert accepts_gzip("gzip") and accepts_gzip("br;q=1.0, gzip;q=0.8, *;q=0.1") and accepts_gzip("*")
    assert not accepts_gzip("") and not accepts_gzip("identity") and not accepts_gzip("gzip;q=0")

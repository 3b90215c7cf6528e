"""/admin/channels: external sales channels (Naver SmartStore / Naver Pay 주문형) — connect a seller,
disconnect, the 동기화 status, a pull now; and on a channel order, 발송지연 and claim decisions pushed
to the channel."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from oms.domain.channel_records import Credentials
from oms.http import admin_identity
from oms.schemas.channels import ChannelConnectIn, ChannelDecisionIn, ChannelDelayIn, ChannelPath
from oms.schemas.paths import OrderIdPath
from oms.services import channel_actions, channel_connections

router = Router()


@router.get("/channels", summary="외부 채널 연결과 동기화 상태 (마지막 가져오기, 밀린 변경, 오류)")
def list_channels() -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return {"channels": [channel_connections.status(site_id, "naver")]}


@router.put("/channels/<channel>",
            summary="판매자 연결 (연결 정보를 채널에서 확인한 뒤 저장, 시크릿은 다시 보여주지 않음)")
def connect(channel: ChannelPath, body: ChannelConnectIn) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return channel_connections.connect(site_id, channel, Credentials(body.client_id, body.client_secret,
                                                                     body.account_id))


@router.delete("/channels/<channel>", summary="연결 해제 (가져오기 중단, 가져온 주문은 그대로)")
def disconnect(channel: ChannelPath) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return channel_connections.disconnect(site_id, channel)


@router.post("/channels/<channel>/check", summary="연결 확인 (저장된 연결 정보로 지금 토큰을 받아 봄)")
def check(channel: ChannelPath) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return channel_connections.test_connection(site_id, channel)


@router.post("/channels/<channel>/sync", summary="지금 가져오기 (예약 실행을 기다리지 않음)")
def sync_now(channel: ChannelPath) -> tuple[dict[str, Any], int]:
    site_id, _ = admin_identity(router)
    return channel_connections.sync_now(site_id, channel), 202


@router.post("/orders/<order_id>/channel/delay", summary="발송지연 (채널의 사유 코드와 발송 예정일, 채널에 전달)")
def delay(order_id: OrderIdPath, body: ChannelDelayIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return channel_actions.delay(site_id, order_id, body, actor).detail()


@router.post("/orders/<order_id>/channel/claims",
             summary="채널 클레임 처리 (승인·거부·보류(추가 배송비)·보류 해제, 채널에 전달)")
def decide(order_id: OrderIdPath, body: ChannelDecisionIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return channel_actions.decide(site_id, order_id, body, actor).detail()

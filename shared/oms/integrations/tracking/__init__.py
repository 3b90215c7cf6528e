"""The tracking port (:class:`TrackingProvider`) and its adapters, chosen by the site's provider
(site setting ``tracking.provider``): a webhook-subscription provider (:mod:`.trackerdelivery`)
and a push-registration provider (:mod:`.sweettracker`)."""

from __future__ import annotations

from functools import cache

from oms.integrations.tracking.base import (
    CallbackInvalid,
    Parcel,
    ProviderDown,
    Registration,
    TrackingProvider,
    TrackNote,
)

PROVIDERS = ("trackerdelivery", "sweettracker")

__all__ = ["PROVIDERS", "CallbackInvalid", "Parcel", "ProviderDown", "Registration", "TrackNote",
           "TrackingProvider", "provider"]


@cache
def provider(name: str) -> TrackingProvider:
    """The adapter of ``name``, one per container."""
    if name == "trackerdelivery":
        from oms.integrations.tracking.trackerdelivery import TrackerDelivery

        return TrackerDelivery()
    if name == "sweettracker":
        from oms.integrations.tracking.sweettracker import SweetTracker

        return SweetTracker()
    raise LookupError(f"unknown tracking provider {name!r} (one of {', '.join(PROVIDERS)})")

"""Watch feeds and folders; raise alerts on tracked narratives and fast-growing stories."""

from .alerts import JsonlSink, StdoutSink, WebhookSink, deliver_pending, raise_alert
from .loop import PollReport, WatchOptions, parse_every, poll_once, watch
from .net import FetchError, NetPolicy, fetch

__all__ = [
    "FetchError", "JsonlSink", "NetPolicy", "PollReport", "StdoutSink", "WatchOptions", "WebhookSink",
    "deliver_pending", "fetch", "parse_every", "poll_once", "raise_alert", "watch",
]

"""Live channel Lambda: the `alarm-events` topic (alarm events and risk colour changes) relayed to consoles."""

from __future__ import annotations

from typing import Any

import orjson
from chalice import Blueprint

from chalicelib.core import catalog
from chalicelib.core.observability import logger
from chalicelib.live import service

bp = Blueprint(__name__)


@bp.on_sns_message(topic=catalog.topic("alarm-events").name, name="live_relay")
def live_relay(event: Any) -> None:
    """Each alarm event and risk change, as a console message on the park's and the enterprise's live topics."""
    try:
        message = orjson.loads(event.message)
    except orjson.JSONDecodeError:
        logger.warning("alarm-events message is not JSON")
        return
    attributes = {k: str(v.get("Value", "")) for k, v in (event.message_attributes or {}).items()}
    service.relay(message, attributes)

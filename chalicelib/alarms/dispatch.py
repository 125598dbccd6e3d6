"""Temporary alias of alarms.service.outbox for telemetry.service, which main is reworking right now (ingest
never failing on input); it moves to `alarms.service.dispatch` when that lands, and this module goes."""

from chalicelib.alarms.service.outbox import dispatch, redispatch_pending

__all__ = ["dispatch", "redispatch_pending"]

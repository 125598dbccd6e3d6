"""Incident use cases: intake, activation, command (instructions, situation, unit acks), stand-down.

The record and its command log (records), an incident's life from report to stand-down (lifecycle) and the
commander's instructions and unit acknowledgements (command).
"""

from chalicelib.incidents.service.command import instruct, instruction_status, instructions, unit_ack
from chalicelib.incidents.service.lifecycle import (
    MACHINE,
    activate,
    intake,
    limits,
    stand_down,
)
from chalicelib.incidents.service.records import load, log, replay, search, update

__all__ = [
    "MACHINE",
    "activate",
    "instruct",
    "instruction_status",
    "instructions",
    "intake",
    "limits",
    "load",
    "log",
    "replay",
    "search",
    "stand_down",
    "unit_ack",
    "update",
]

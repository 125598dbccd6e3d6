"""Incident use cases: intake, activation, command (instructions, situation, unit acks), information release,
stand-down, archive, drills.

The record, its command log and archive (records), an incident's life from report to stand-down (lifecycle),
the commander's instructions, situation reports and unit acknowledgements (command), information release
through the warning workflow (release), drills (drills) and the impact zones on the map (mapping).
"""

from chalicelib.incidents.service.command import instruct, instruction_status, instructions, situation, unit_ack
from chalicelib.incidents.service.drills import start_drill
from chalicelib.incidents.service.lifecycle import MACHINE, activate, intake, limits, stand_down
from chalicelib.incidents.service.mapping import map_zones
from chalicelib.incidents.service.records import archived_report, load, log, replay, search, update
from chalicelib.incidents.service.release import release

__all__ = [
    "MACHINE",
    "activate",
    "archived_report",
    "instruct",
    "instruction_status",
    "instructions",
    "intake",
    "limits",
    "load",
    "log",
    "map_zones",
    "release",
    "replay",
    "search",
    "situation",
    "stand_down",
    "start_drill",
    "unit_ack",
    "update",
]

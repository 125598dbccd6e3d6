"""The live channel (实时推送): alarm, risk, warning and incident changes pushed to consoles over MQTT (issue 14
item 4, docs/adr/0006-live-channel.md)."""

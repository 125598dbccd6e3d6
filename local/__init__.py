"""Embedded stack: moto, the MQTT broker and rule bridge, pollers, the simulator and the demo (never deployed)."""

"""Alarm linkage (联动) and evacuation targeting (5.4.3-2..7, 5.1.3-3)."""

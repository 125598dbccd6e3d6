"""Closed park management (封闭化管理, 5.3.1): gates, appointments, black/white lists, gate decisions, presence."""

"""Incidents context (5.2.2, 6.4): intake, one-click response workflow, command, archive, drills and review."""

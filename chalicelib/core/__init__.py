"""Shared kernel: settings, errors, identity, clock, ids, HTTP routing, AWS clients and store helpers."""

"""Dynamic risk context (5.1.1-2): red/orange/yellow/blue per installation, enterprise and park."""

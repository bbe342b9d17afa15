"""Adapters to other tools (EMA Workbench)."""

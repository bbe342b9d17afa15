"""Scenarios: the pydantic schema, the built-in TOML files and their loader."""

from compellence.scenario.loader import ScenarioError, builtin_names, load_scenario
from compellence.scenario.schema import Scenario

__all__ = ["Scenario", "ScenarioError", "builtin_names", "load_scenario"]

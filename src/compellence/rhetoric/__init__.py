"""Rhetoric: an open, rule-based reading of speeches that grounds the leader profiles.

corpus (loading) → coder (counts per speech) → measures (rates, VICS indices) →
score (z-scores against a reference) → validation (the plan in rules) → priors
(a generated scenario file). Measures are features of public, translated, strategic
rhetoric; see docs/rhetoric.md for what they are and are not.
"""

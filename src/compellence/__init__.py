"""compellence: an executable model of coercion against an identity-committed leader.

Every figure it prints is conditional on the scenario's stated assumptions; it is
not a forecast of real events.
"""

__version__ = "0.1.0"

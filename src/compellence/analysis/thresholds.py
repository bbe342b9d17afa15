"""The thresholds of the nine claims of docs/design.md, in one place.

Each claim compares a measured figure against one threshold. The essay's
profile must meet it and the contrast (the profile or switch under which the
essay says the claim would not hold) must not. The values are chosen to be
well outside Monte Carlo noise at 2,000 runs (a share's standard error is at
most 0.011 there) and well inside the gap the mechanisms produce; they are
judgement calls, stated here so a user can argue with them.
"""

from __future__ import annotations

#: 1. Maximal demand + escalating pressure: "almost never capitulates" means a
#: capitulation share at most this.
MAX_CAPITULATION = 0.05

#: 2. "Far more often": deals at least this many times as frequent as capitulations.
MIN_DEAL_TO_CAPITULATION = 3.0

#: 3. Raising the threat to the leader's life (0 → 0.9) must not raise the
#: capitulation share by more than this (more = the threat deters).
MAX_THREAT_EFFECT = 0.02

#: 4. The successor of a martyred leader reaches a deal at least this much more
#: often (share of runs) than the leader himself would have.
MIN_SUCCESSOR_GAIN = 0.10

#: 5. Backfire: relief offered for the sacred core (0 → 0.8) must multiply the
#: mean per-decision probability of capitulating by at most this.
MAX_TABOO_RATIO = 0.8

#: 6. Reneging must lower the mean per-decision probability of taking the deal
#: by at least this share of its value without reneging.
MIN_TRUST_DROP = 0.10

#: 7. The founder accepts the chalice (capitulation or deal) at least this much
#: more often (share of runs) than the consistency-based successor.
MIN_CHALICE_GAP = 0.15

#: 8. Standing with the base must rise with pressure by at least this, and fall
#: from its peak at full pressure by at least this (hump-shaped).
MIN_BASE_RISE = 0.03
MIN_BASE_FALL = 0.03

#: 9. Exogenous decline must raise the deal share by at least MIN_DECLINE_DEAL
#: while raising capitulation by at most MAX_DECLINE_CAPITULATION.
MIN_DECLINE_DEAL = 0.03
MAX_DECLINE_CAPITULATION = 0.02

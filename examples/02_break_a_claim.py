# %% [markdown]
# # Change one assumption and watch a claim break
#
# The essay's first claim: a leader whose refusal is a matter of identity does not accept
# "unconditional surrender", however much pressure is applied. The model tests it as a
# paired effect with a 95% interval, against a one-factor contrast and a security-seeking
# rival (docs/claims.md). Here we change one assumption — how much weight the leader puts
# on his identity — and see whether the verdict survives.
#
# Run counts are small (1,000 per ensemble) to keep the notebook quick; `c.claims()` with
# the default 10,000 is what the docs report. Every figure is conditional on the stated
# assumptions; none is a forecast of real events.

# %%
import pandas as pd

import compellence as c

base = c.claims(runs=1000, seed=1, numbers=[1])
base.table[["number", "claim", "verdict", "essay", "essay_low", "essay_high",
            "contrast", "contrast_low", "contrast_high"]]

# %% [markdown]
# ## One assumption changed
#
# `leader.identity_weight` is 1.0 in the essay's profile; the backtest on six Iran
# episodes fits a much lower weight (0.25, docs/evidence.md). `set=` changes it under every
# arm of every claim, as the holding map does.

# %%
changed = c.claims(runs=1000, seed=1, set={"leader.identity_weight": 0.25})
before = c.claims(runs=1000, seed=1)
verdicts = pd.DataFrame({"essay's profile": before.verdicts,
                         "identity_weight 0.25": changed.verdicts})
verdicts["changed"] = verdicts.iloc[:, 0] != verdicts.iloc[:, 1]
verdicts

# %% [markdown]
# ## Where claim 1 stops holding
#
# The same claim over a range of identity weights: the essay's figure (the paired effect
# the claim needs) with its 95% interval, and the verdict at each weight.

# %%
rows = []
for w in (0.25, 0.5, 0.75, 1.0, 1.25):
    t = c.claims(runs=1000, seed=1, numbers=[1], set={"leader.identity_weight": w}).table
    rows.append({"identity_weight": w, **t.iloc[0][["essay", "essay_low", "essay_high",
                                                  "verdict"]].to_dict()})
sweep1 = pd.DataFrame(rows)
sweep1

# %%
import matplotlib.pyplot as plt  # noqa: E402

fig, ax = plt.subplots(figsize=(5, 3))
ax.errorbar(sweep1["identity_weight"], sweep1["essay"],
            yerr=[sweep1["essay"] - sweep1["essay_low"],
                  sweep1["essay_high"] - sweep1["essay"]], fmt="o-", capsize=3)
ax.set_xlabel("leader.identity_weight")
ax.set_ylabel(f"claim 1: {base.results[0].quantity}"[:60])
ax.set_title("Claim 1's figure by identity weight (95% intervals)", fontsize=9)
fig.tight_layout()

# %%
# Checks that keep this notebook honest when it runs in the test suite.
assert set(verdicts.index) == set(range(1, 10))
assert (sweep1["essay_low"] <= sweep1["essay"]).all()
assert (sweep1["essay"] <= sweep1["essay_high"]).all()
assert changed.changes == {"leader.identity_weight": 0.25}

# %% [markdown]
# # A sweep with a sensitivity plot
#
# How do the flagship's outcomes move with the leader's identity weight, and its deals with
# what the coercer wants? First a grid over one parameter, plotted with 95% intervals;
# then a small Sobol design over two, with SALib's indices. Run counts are small to keep the notebook
# quick (the warnings say when indices are too noisy to rank). Every figure is conditional
# on the stated assumptions; none is a forecast of real events.

# %%
import compellence as c

grid = c.sweep("iran-2025-surrender", {"leader.identity_weight": (0.0, 1.5, 7)},
               runs=300, seed=1)
grid.table[["point", "leader.identity_weight", "capitulation", "deal", "ongoing", "war"]]

# %%
fig = grid.plot("leader.identity_weight")

# %% [markdown]
# The tidy version: one row per point and outcome, with the share's 95% interval — ready
# for seaborn, plotly or a regression.

# %%
grid.outcomes.head(10)

# %% [markdown]
# ## Sobol indices over two parameters
#
# `method="sobol"` with `n` base samples runs n·(2D+2) points. The first-order index S1
# is the share of the outcome's variance that one parameter explains alone; ST adds its
# interactions. With n = 16 they are noisy: read the intervals, not the ranking. The
# flagship's coercer refuses every core-keeping deal (it puts 0.9 of its aim beyond the
# core), so the design varies that share (`coercer.aims.core_value`) beside the leader's
# identity weight.

# %%
sob = c.sweep("iran-2025-surrender",
              {"leader.identity_weight": (0.25, 1.5), "coercer.aims.core_value": (0.3, 1.0)},
              runs=100, seed=1, method="sobol", n=16)
indices = sob.sensitivity("deal")
indices

# %%
import matplotlib.pyplot as plt  # noqa: E402

fig, ax = plt.subplots(figsize=(5, 2.6))
ax.barh(indices["parameter"], indices["ST"], xerr=indices["ST_conf"], capsize=3,
        label="ST (total)")
ax.barh(indices["parameter"], indices["S1"], height=0.4, label="S1 (first order)")
ax.set_xlabel("Sobol index of the deal share (95% interval)")
ax.legend(fontsize=8)
fig.tight_layout()

# %%
# Checks that keep this notebook honest when it runs in the test suite.
assert len(grid.table) == 7
assert len(sob.table) == 16 * (2 * 2 + 2)
assert set(indices["parameter"]) == {"leader.identity_weight", "coercer.aims.core_value"}

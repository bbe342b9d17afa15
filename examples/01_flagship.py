# %% [markdown]
# # The flagship, step by step
#
# June 2025: strikes, a threat to the leader's life, a demand for "unconditional
# surrender". This notebook loads the built-in scenario, runs an ensemble, reads the
# outcome table with its 95% intervals, looks at the terms behind the leader's choices,
# and decomposes one decision. Every figure is **conditional on the scenario's stated
# assumptions**; none is a forecast of real events.
#
# Open it in Jupyter with `jupytext --to notebook examples/01_flagship.py`, or run it as a
# script: `python examples/01_flagship.py`.

# %%
import compellence as c

sc = c.load("iran-2025-surrender")
print(sc.title)
print("leader profile:", sc.leader.profile, "| horizon:", sc.horizon, "rounds")

# %% [markdown]
# ## An ensemble
#
# 2,000 runs keep this notebook quick; a share's 95% interval is then about ±0.02 wide.
# Same scenario and seed, same numbers.

# %%
r = c.run(sc, runs=2000, seed=1)
r.outcomes

# %%
r.events

# %% [markdown]
# In a notebook `r` itself shows the outcome table and a small figure. The full figure is
# a matplotlib `Figure` you can restyle or save:

# %%
fig = r.plot_outcomes()
fig.axes[0].get_ylabel()  # fig.savefig("outcomes.png") saves it

# %% [markdown]
# ## What keeps him from capitulating
#
# The mean utility of each term for each action, per decision (a tidy table: filter,
# pivot, plot as you like).

# %%
terms = r.terms.pivot(index="term", columns="action", values="mean")
terms["resist - capitulate"] = terms["resist"] - terms["capitulate"]
terms.sort_values("resist - capitulate", ascending=False)

# %% [markdown]
# ## One decision, term by term
#
# The last decision of run 0: utility by term and action, the logit choice probabilities
# and how the run ended.

# %%
d = c.explain(sc, run=0)
print(d)
d.terms

# %%
d.probabilities

# %% [markdown]
# ## The per-run table
#
# One row per run, with a column for every sampled parameter: ready for statsmodels,
# scikit-learn or your own plots (`r.to_parquet("runs.parquet")` writes it).

# %%
runs = r.per_run()
runs.groupby("outcome", observed=True)[["rounds", "escalations"]].mean()

# %%
# Checks that keep this notebook honest when it runs in the test suite.
assert abs(r.outcomes["share"].sum() - 1) < 1e-9
assert (r.outcomes["ci_low"] <= r.outcomes["share"]).all()
assert (r.outcomes["share"] <= r.outcomes["ci_high"]).all()
assert len(runs) == 2000

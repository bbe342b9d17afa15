"""Distributions a numeric scenario parameter may take instead of a number.

Any numeric parameter can be written as a table, e.g.
``identity_weight = {dist = "uniform", low = 0.6, high = 1.2}``; the engine then
samples one value per run. Every distribution is sampled by inverse CDF from a
single uniform draw, so a run's value depends only on (seed, parameter, run).
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Dist(BaseModel):
    # NaN and ±inf would pass the support and weight checks below (comparisons are false)
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    def support(self) -> tuple[float, float]:
        """Smallest and largest value the distribution can produce before clipping."""
        raise NotImplementedError

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF: map uniforms in [0, 1) to samples."""
        raise NotImplementedError

    def mean(self) -> float:
        """Expected value, used where one representative number is needed."""
        return float(np.mean(self.ppf(np.linspace(0.0005, 0.9995, 1000))))


class Uniform(_Dist):
    """Uniform on [low, high]."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"uniform needs low <= high, got low={self.low}, high={self.high}")
        return self

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * u


class Normal(_Dist):
    """Normal(mean, sd); samples are clipped to the parameter's declared range."""

    dist: Literal["normal"]
    mean_: float = Field(alias="mean")
    sd: float = Field(gt=0)

    def support(self) -> tuple[float, float]:
        return self.mean_, self.mean_  # unbounded: only the mean must lie in range

    def ppf(self, u: np.ndarray) -> np.ndarray:
        from scipy import stats

        return stats.norm.ppf(np.clip(u, 1e-12, 1 - 1e-12), loc=self.mean_, scale=self.sd)

    def mean(self) -> float:
        return self.mean_


class Beta(_Dist):
    """Beta(a, b) scaled to [low, high] (default [0, 1])."""

    dist: Literal["beta"]
    a: float = Field(gt=0)
    b: float = Field(gt=0)
    low: float = 0.0
    high: float = 1.0

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def ppf(self, u: np.ndarray) -> np.ndarray:
        from scipy import stats

        return self.low + (self.high - self.low) * stats.beta.ppf(u, self.a, self.b)


class Triangular(_Dist):
    """Triangular with lower limit low, peak mode and upper limit high."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not (self.low <= self.mode <= self.high) or self.low == self.high:
            raise ValueError("triangular needs low <= mode <= high and low < high")
        return self

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def ppf(self, u: np.ndarray) -> np.ndarray:
        c = (self.mode - self.low) / (self.high - self.low)
        from scipy import stats

        return stats.triang.ppf(u, c, loc=self.low, scale=self.high - self.low)


class Choice(_Dist):
    """A discrete choice among values, with optional weights (normalised)."""

    dist: Literal["choice"]
    values: list[float] = Field(min_length=1, max_length=2048)
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Choice:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError("choice needs as many weights as values")
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("choice weights must be non-negative with a positive sum")
        return self

    def support(self) -> tuple[float, float]:
        return min(self.values), max(self.values)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        w = np.ones(len(self.values)) if self.weights is None else np.asarray(self.weights, float)
        cdf = np.cumsum(w) / w.sum()
        idx = np.searchsorted(cdf, u, side="right")
        return np.asarray(self.values, float)[np.minimum(idx, len(self.values) - 1)]


Distribution = Annotated[
    Uniform | Normal | Beta | Triangular | Choice, Field(discriminator="dist")
]

"""What made a result: the package version, the model version and the random-number scheme.

Every output (``--json``, Parquet metadata, DuckDB experiments, the HTML report) carries
:func:`stamp`, and a sweep's experiment id includes it, so results from two model
versions are never mixed or mislabelled. Read these values only from here: the lead
changes :data:`MODEL_VERSION` and :data:`RNG_SCHEME` when the model or the random
numbers change (any change that alters a figure for the same scenario and seed).
"""

from __future__ import annotations

from importlib import metadata

from compellence import __version__


def _package_version() -> str:
    """The installed distribution's version (the source tree's when not installed)."""
    try:
        return metadata.version("compellence")
    except metadata.PackageNotFoundError:
        return __version__


#: The installed package version (from the package metadata).
PACKAGE_VERSION: str = _package_version()
#: The model's version: bump it whenever the equations or a default change a figure.
#: 5: the selectorate (F1), the leader breaking a deal (D1); 4: a coercer that decides,
#: deals that live (issue 12); 3: a world that behaves like one (issue 11).
MODEL_VERSION: str = "5"
#: The random-number scheme: bump it whenever the streams change (seed → numbers).
#: (compellence.model.random implements it and reads its name from here.)
RNG_SCHEME: str = "philox4x32-10/(seed;run,round|param-crc32,purpose)/u32"
#: The version of scenario and episode files this package reads.
SCENARIO_SCHEMA_VERSION: int = 1


def stamp() -> dict[str, str]:
    """The provenance of an output, as plain strings (JSON, Parquet and DuckDB ready)."""
    return {"package": f"compellence {PACKAGE_VERSION}", "package_version": PACKAGE_VERSION,
            "model_version": MODEL_VERSION, "rng_scheme": RNG_SCHEME}

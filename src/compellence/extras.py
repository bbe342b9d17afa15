"""Optional dependencies: which extra installs which module, and the error that says so.

The core install (``pip install compellence``) runs the simulator, the analyses and the
report; the page, distributed sweeps, Gambit, EMA Workbench, the data-set readers and the
out-of-sample regression are extras. A feature that needs a missing one raises
`MissingExtra`, naming the extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: module → the extra that installs it (see pyproject.toml's optional-dependencies).
EXTRA_OF: dict[str, str] = {
    "fastapi": "app", "uvicorn": "app", "plotly": "app",
    "dask": "distributed", "distributed": "distributed",
    "pygambit": "game",
    "ema_workbench": "ema",
    "xlrd": "data", "openpyxl": "data",
    "sklearn": "ml", "threadpoolctl": "ml",
}


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


def require(module: str, feature: str) -> ModuleType:
    """Import ``module`` or raise `MissingExtra` naming the extra that installs it.

    Examples:
        >>> require("numpy", "arrays").__name__
        'numpy'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        extra = EXTRA_OF.get(top, "all")
        raise MissingExtra(f"{feature} needs {top}, which is not installed: "
                           f"pip install 'compellence[{extra}]'") from exc

"""Provenance stored with every result: the versions of detente and of the libraries that
shape its numbers. It sits at the bottom of the package so any layer can record them."""

from __future__ import annotations

import platform
from contextlib import suppress

__all__ = ["__version__", "versions"]

__version__ = "0.1.0"  # keep equal to pyproject.toml's version


def versions(*extra: str) -> dict[str, str]:
    """Versions of detente and of the libraries that shape its numbers, stored with results;
    ``extra`` names further installed distributions to record (e.g. ``"SALib"``)."""
    from importlib.metadata import PackageNotFoundError, version

    import numpy as np
    import pydantic
    import scipy

    out = {"detente": __version__, "python": platform.python_version(),
           "numpy": np.__version__, "scipy": scipy.__version__,
           "pydantic": pydantic.__version__}
    for dist in extra:
        with suppress(PackageNotFoundError):
            out[dist] = version(dist)
    return out

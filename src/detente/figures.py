"""What every figure detente writes shares: the file formats it can write."""

from __future__ import annotations

from pathlib import Path

__all__ = ["PLOT_SUFFIXES", "plot_format"]

PLOT_SUFFIXES = (".png", ".svg")


def plot_format(path: Path, error: type[Exception] = ValueError) -> str:
    """``png`` or ``svg`` from a plot file's suffix; ``error`` with a clear message otherwise."""
    suffix = path.suffix.lower()
    if suffix not in PLOT_SUFFIXES:
        raise error(f"cannot tell the plot format from {path.name!r}; use a file ending in "
                    f"{' or '.join(PLOT_SUFFIXES)}")
    return suffix[1:]

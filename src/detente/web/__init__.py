"""``detente serve``: a local web app over the same API as the command line.

Pick a built-in scenario or upload one, edit any value beside its evidence (problems shown at
the field, as ``detente validate`` reports them), run the crisis analysis, the forecast, the
lever search, a sweep or the report with progress, compare stored runs and download the
report. See ``docs/web.md``.
"""

from __future__ import annotations

from detente.web.app import create_app

__all__ = ["create_app"]

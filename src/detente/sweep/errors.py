"""The error a sweep reports to its user (its own module so that the sweep's workers, which
raise it, need not import the run store and DuckDB)."""


class SweepError(Exception):
    """A problem the user can fix (unknown run, database in use, conflicting options).

    The command line shows the message and exits with status 2, without a traceback."""

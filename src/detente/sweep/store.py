"""Where sweeps live: one embedded DuckDB file holding every run and every draw.

Why DuckDB: a sweep of 100,000 draws of a scenario with a hundred uncertain inputs is tens of
millions of numbers. A single local file that needs no server, takes one chunk per
transaction, survives ``kill -9`` (committed chunks are in its write-ahead log) and answers SQL
or hands rows to pandas/Arrow is the right size of tool.

Layout (``SCHEMA_VERSION`` 1):

``runs``         one row per run: what was run (scenario id, the sha256 of its canonical
                 JSON and the scenario itself, evaluator and settings, seed, correlations,
                 draws requested, chunk size), library versions, status, timings.
``chunks``       one row per stored chunk ``[start, stop)`` of a run; written in the same
                 transaction as the chunk's draws, so it is the record of what is safely stored.
``draws_<run>``  one wide table per run: ``draw`` (the global draw index), then one DOUBLE
                 column per uncertain input (named by its field path, e.g.
                 ``actors[0].capability``), then one per evaluator output.

A table per run keeps each run's columns its own (scenarios differ in inputs, evaluators in
outputs) and makes export a plain ``SELECT``.

DuckDB lets one process write a database file at a time. A sweep holds the file for its whole
run, so ``detente runs`` from another terminal waits for it to finish; use separate ``--db``
files for sweeps that run at the same time.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import duckdb
import numpy as np
from pydantic import BaseModel, ConfigDict

from detente.models.base import FloatArray
from detente.sweep.errors import SweepError as SweepError  # its old home, still importable

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = 1
DEFAULT_DB = "detente-runs.duckdb"
ENV_DB = "DETENTE_DB"
# The writer's memory cap. DuckDB's default (80% of RAM) lets its page cache grow with the
# number of draws stored; a cap keeps a long sweep's memory bounded. A checkpoint (DuckDB
# writes one every 16 MB of log) needs about 1 MB per column, so the cap grows with the width
# of the run's table: too small a cap is a fatal error mid-sweep, not a slowdown.
WRITER_MEMORY = "256MB"
_WRITER_BASE_MB, _WRITER_PER_COLUMN_MB = 128, 1.5

Status = Literal["running", "interrupted", "failed", "complete"]


class RunInfo(BaseModel):
    """Everything stored about a run except its draws: enough to rerun it exactly."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    created: datetime
    updated: datetime
    status: Status
    scenario_id: str
    scenario_hash: str
    evaluator: str
    evaluator_settings: dict[str, Any]
    seed: int
    draws: int
    draws_done: int
    chunk_size: int
    correlation: list[tuple[str, str, float]]
    versions: dict[str, Any]
    inputs: list[str]
    outputs: list[str]
    seconds: float
    error: str | None = None

    @property
    def table(self) -> str:
        return draws_table(self.run_id)


def resolve_db(db: str | Path | None = None) -> Path:
    """The database path: ``db`` if given, else ``$DETENTE_DB``, else ``./detente-runs.duckdb``."""
    if db is not None and str(db) != "":
        return Path(db)
    env = os.environ.get(ENV_DB, "")
    return Path(env) if env else Path(DEFAULT_DB)


def draws_table(run_id: str) -> str:
    return f"draws_{run_id}"


def _q(name: str) -> str:
    """A quoted SQL identifier (column names are field paths with dots and brackets)."""
    return '"' + name.replace('"', '""') + '"'


def _now() -> datetime:
    """UTC without a zone: DuckDB's TIMESTAMP type; every timestamp stored is UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False, default=str)


_DDL = """
CREATE TABLE IF NOT EXISTS detente_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    created TIMESTAMP NOT NULL,
    updated TIMESTAMP NOT NULL,
    status VARCHAR NOT NULL,
    scenario_id VARCHAR NOT NULL,
    scenario_hash VARCHAR NOT NULL,
    scenario_json VARCHAR NOT NULL,
    evaluator VARCHAR NOT NULL,
    evaluator_settings VARCHAR NOT NULL,
    seed BIGINT NOT NULL,
    draws BIGINT NOT NULL,
    chunk_size BIGINT NOT NULL,
    correlation VARCHAR NOT NULL,
    versions VARCHAR NOT NULL,
    inputs VARCHAR NOT NULL,
    outputs VARCHAR NOT NULL,
    seconds DOUBLE NOT NULL,
    error VARCHAR
);
CREATE TABLE IF NOT EXISTS chunks (
    run_id VARCHAR NOT NULL,
    start BIGINT NOT NULL,
    stop BIGINT NOT NULL,
    stored TIMESTAMP NOT NULL,
    PRIMARY KEY (run_id, start)
);
"""

_RUN_COLUMNS = ("run_id", "created", "updated", "status", "scenario_id", "scenario_hash",
                "evaluator", "evaluator_settings", "seed", "draws", "chunk_size", "correlation",
                "versions", "inputs", "outputs", "seconds", "error")
_JSON_COLUMNS = {"evaluator_settings", "correlation", "versions", "inputs", "outputs"}


class Store:
    """A connection to a run database. Open with :meth:`open`; use as a context manager."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool):
        self.con = con
        self.path = path
        self.read_only = read_only

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, db: str | Path | None = None, *, read_only: bool = False) -> Store:
        """Open (for writing, creating it if needed) or read an existing database.

        Raises :class:`SweepError` when the file is missing (read-only), held by another
        process, not a DuckDB database, or written by a newer detente.
        """
        path = resolve_db(db)
        if read_only and not path.exists():
            raise SweepError(f"no run database at {path} (run `detente sweep` first, or pass "
                             f"--db / set {ENV_DB})")
        config: dict[str, str | bool | int | float | list[str]] = (
            {} if read_only else {"memory_limit": WRITER_MEMORY})
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.Error as exc:
            raise SweepError(_open_problem(path, exc)) from None
        store = cls(con, path, read_only)
        try:
            store._prepare()
        except BaseException:
            con.close()
            raise
        return store

    def _prepare(self) -> None:
        tables = {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        if tables and "detente_meta" not in tables:
            # another program's database: never add detente's tables to it
            shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
            raise SweepError(f"{self.path} is a DuckDB database of another program (tables: "
                             f"{shown}); detente keeps runs in a database of its own: pass "
                             "another --db")
        if self.read_only:
            if "runs" not in tables:
                raise SweepError(f"{self.path} is a DuckDB file but holds no detente runs")
        else:
            self.con.execute(_DDL)
            self.con.execute("INSERT OR IGNORE INTO detente_meta VALUES ('schema_version', ?)",
                             [str(SCHEMA_VERSION)])
        row = self._one("SELECT value FROM detente_meta WHERE key = 'schema_version'")
        version = int(row[0]) if row else SCHEMA_VERSION
        if version > SCHEMA_VERSION:
            raise SweepError(f"{self.path} was written by a newer detente (run store schema "
                             f"{version}; this version reads {SCHEMA_VERSION}); upgrade detente")

    def close(self) -> None:
        self.con.close()

    def _one(self, sql: str, params: list[Any] | None = None) -> tuple[Any, ...] | None:
        """The first row of a query. Fetches every row: DuckDB refuses new work on a
        connection whose last result was not read to the end."""
        rows = self.con.execute(sql, params or []).fetchall()
        return tuple(rows[0]) if rows else None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.con.begin()
        try:
            yield
        except BaseException:
            with suppress(duckdb.Error):  # an interrupt that landed after the commit itself
                self.con.rollback()
            raise
        self.con.commit()

    # -- writing ---------------------------------------------------------------------------

    def create_run(self, *, scenario_id: str, scenario_hash: str, scenario_json: str,
                   evaluator: str, evaluator_settings: dict[str, Any], seed: int, draws: int,
                   chunk_size: int, correlation: Sequence[tuple[str, str, float]],
                   versions: dict[str, Any], inputs: Sequence[str], outputs: Sequence[str]
                   ) -> str:
        """Record a new run (status ``running``) and create its draws table; its id."""
        columns = ["draw", *inputs, *outputs]
        seen: dict[str, str] = {}
        for name in columns:
            # DuckDB column names are case-insensitive: "Tariff" and "tariff" would collide
            other = seen.setdefault(name.lower(), name)
            if other != name or columns.count(name) > 1:
                raise SweepError(f"two columns of this sweep would share the name {name!r} "
                                 f"(inputs and outputs must differ, ignoring case)")
        run_id = self._new_id()
        now = _now()
        body = ", ".join(f"{_q(c)} DOUBLE" for c in columns[1:])
        with self._transaction():
            self.con.execute(
                f"INSERT INTO runs ({', '.join(_RUN_COLUMNS)}, scenario_json) VALUES "
                f"({', '.join('?' * (len(_RUN_COLUMNS) + 1))})",
                [run_id, now, now, "running", scenario_id, scenario_hash, evaluator,
                 _dumps(evaluator_settings), seed, draws, chunk_size,
                 _dumps([list(c) for c in correlation]), _dumps(versions), _dumps(list(inputs)),
                 _dumps(list(outputs)), 0.0, None, scenario_json])
            self.con.execute(f"CREATE TABLE {_q(draws_table(run_id))} (draw BIGINT NOT NULL"
                             f"{', ' if body else ''}{body})")
        return run_id

    def _new_id(self) -> str:
        while True:
            run_id = secrets.token_hex(4)
            if self._one("SELECT 1 FROM runs WHERE run_id = ?", [run_id]) is None:
                return run_id

    def write_chunk(self, info: RunInfo, start: int, stop: int, inputs: FloatArray,
                    outputs: FloatArray) -> None:
        """Store draws ``start..stop`` and mark the chunk stored, in one transaction: after a
        crash a chunk is either wholly present (and listed in ``chunks``) or absent."""
        import pyarrow as pa

        n = stop - start
        if inputs.shape != (n, len(info.inputs)) or outputs.shape != (n, len(info.outputs)):
            raise ValueError(f"chunk {start}..{stop} has shapes {inputs.shape}, "
                             f"{outputs.shape}; expected ({n}, {len(info.inputs)}), "
                             f"({n}, {len(info.outputs)})")
        arrays = [pa.array(np.arange(start, stop, dtype=np.int64))]
        arrays += [pa.array(np.ascontiguousarray(inputs[:, j]), type=pa.float64())
                   for j in range(inputs.shape[1])]
        arrays += [pa.array(np.ascontiguousarray(outputs[:, j]), type=pa.float64())
                   for j in range(outputs.shape[1])]
        names = ["draw", *(f"c{j}" for j in range(len(arrays) - 1))]  # positional insert
        table = pa.Table.from_arrays(arrays, names=names)
        with self._transaction():
            self.con.register("_detente_chunk", table)
            try:
                self.con.execute(f"INSERT INTO {_q(info.table)} SELECT * FROM _detente_chunk")
            finally:
                with suppress(duckdb.Error):
                    self.con.unregister("_detente_chunk")
            self.con.execute("INSERT INTO chunks VALUES (?, ?, ?, ?)",
                             [info.run_id, start, stop, _now()])
            self.con.execute("UPDATE runs SET updated = ? WHERE run_id = ?",
                             [_now(), info.run_id])

    def update_run(self, run_id: str, *, status: Status | None = None,
                   add_seconds: float = 0.0, error: str | None = None,
                   draws: int | None = None, chunk_size: int | None = None,
                   versions: dict[str, Any] | None = None) -> None:
        """Change a run's status and bookkeeping (``error`` is cleared unless given)."""
        sets, params = ["updated = ?", "seconds = seconds + ?"], [_now(), add_seconds]
        if status is not None:
            sets += ["status = ?", "error = ?"]
            params += [status, error]
        for column, value in (("draws", draws), ("chunk_size", chunk_size)):
            if value is not None:
                sets.append(f"{column} = ?")
                params.append(value)
        if versions is not None:
            sets.append("versions = ?")
            params.append(_dumps(versions))
        with self._transaction():
            self.con.execute(f"UPDATE runs SET {', '.join(sets)} WHERE run_id = ?",
                             [*params, run_id])

    def budget(self, columns: int) -> None:
        """Cap DuckDB's memory for writing a table of ``columns`` columns (see
        ``WRITER_MEMORY``)."""
        if not self.read_only:
            mb = max(256, int(_WRITER_BASE_MB + _WRITER_PER_COLUMN_MB * columns))
            self.con.execute(f"SET memory_limit = '{mb}MB'")

    # -- reading ---------------------------------------------------------------------------

    def resolve(self, run_id: str) -> str:
        """The full id of a run from its id or a unique prefix of it."""
        wanted = run_id.strip()
        rows = self.con.execute("SELECT run_id FROM runs WHERE starts_with(run_id, ?) "
                                "ORDER BY run_id", [wanted]).fetchall() if wanted else []
        ids = [r[0] for r in rows]
        if wanted in ids:
            return wanted
        if len(ids) == 1:
            return str(ids[0])
        if not ids:
            raise SweepError(f"no run {run_id!r} in {self.path} (`detente runs list` shows "
                             f"the runs stored there)")
        raise SweepError(f"run id {run_id!r} is ambiguous in {self.path}: it could be "
                         f"{', '.join(ids)}")

    def run(self, run_id: str) -> RunInfo:
        """A run's record (``run_id`` may be a unique prefix)."""
        full = self.resolve(run_id)
        infos = self._runs("WHERE r.run_id = ?", [full])
        return infos[0]

    def runs(self) -> list[RunInfo]:
        """Every run, newest first."""
        return self._runs("", [])

    def _runs(self, where: str, params: list[Any]) -> list[RunInfo]:
        cols = ", ".join(f"r.{c}" for c in _RUN_COLUMNS)
        rows = self.con.execute(
            f"SELECT {cols}, coalesce(sum(c.stop - c.start), 0) FROM runs r "
            f"LEFT JOIN chunks c USING (run_id) {where} "
            f"GROUP BY ALL ORDER BY r.created DESC, r.run_id", params).fetchall()
        out = []
        for row in rows:
            data = dict(zip(_RUN_COLUMNS, row[:-1], strict=True))
            for key in _JSON_COLUMNS:
                data[key] = json.loads(data[key])
            data["correlation"] = [tuple(c) for c in data["correlation"]]
            data["created"] = data["created"].replace(tzinfo=UTC)
            data["updated"] = data["updated"].replace(tzinfo=UTC)
            out.append(RunInfo(draws_done=int(row[-1]), **data))
        return out

    def scenario_json(self, run_id: str) -> str:
        row = self._one("SELECT scenario_json FROM runs WHERE run_id = ?", [run_id])
        if row is None:
            raise SweepError(f"no run {run_id!r} in {self.path}")
        return str(row[0])

    def stored_ranges(self, run_id: str) -> list[tuple[int, int]]:
        """The ``[start, stop)`` ranges of draws stored for a run, in order."""
        rows = self.con.execute("SELECT start, stop FROM chunks WHERE run_id = ? "
                                "ORDER BY start", [run_id]).fetchall()
        return [(int(a), int(b)) for a, b in rows]

    def _select(self, info: RunInfo, columns: Sequence[str] | None) -> str:
        names = ["draw", *(info.inputs + info.outputs if columns is None else columns)]
        known = {"draw", *info.inputs, *info.outputs}
        unknown = [c for c in names if c not in known]
        if unknown:
            raise SweepError(f"run {info.run_id} has no column {', '.join(map(repr, unknown))}")
        cols = ", ".join(_q(c) for c in dict.fromkeys(names))
        return f"SELECT {cols} FROM {_q(info.table)} ORDER BY draw"

    def frame(self, info: RunInfo, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """A run's draws in draw order as a pandas DataFrame (``draw`` plus ``columns``)."""
        frame: pd.DataFrame = self.con.sql(self._select(info, columns)).df()
        return frame

    def arrays(self, info: RunInfo, columns: Sequence[str]) -> dict[str, FloatArray]:
        """Columns of a run as float arrays in draw order (what summaries need)."""
        if not columns:
            return {}
        data = self.con.sql(self._select(info, columns)).fetchnumpy()
        return {c: np.asarray(data[c], dtype=float) for c in columns}

    def export(self, info: RunInfo, target: str | Path) -> Path:
        """Write a run's draws (in draw order) to Parquet or CSV, streaming through Arrow
        record batches so that memory stays flat whatever the number of draws. The Parquet
        file carries the run's record as ``detente.run`` metadata."""
        import pyarrow.csv as pcsv
        import pyarrow.parquet as pq

        path = Path(target)
        kind = _export_kind(path)
        reader = self.con.sql(self._select(info, None)).to_arrow_reader(65_536)
        tmp = path.with_name(path.name + ".partial")
        try:
            if kind == "parquet":
                meta = {b"detente.run": info.model_dump_json().encode()}
                schema = reader.schema.with_metadata(meta)
                with pq.ParquetWriter(tmp, schema) as pw:
                    for batch in reader:
                        pw.write_batch(batch)
            else:
                with pcsv.CSVWriter(tmp, reader.schema) as cw:
                    for batch in reader:
                        cw.write_batch(batch)
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise SweepError(f"cannot write {path}: {exc.strerror or exc}") from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return path


def _export_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".csv":
        return "csv"
    raise SweepError(f"cannot tell the format of {path.name!r}: use a .parquet or .csv name")


def _open_problem(path: Path, exc: duckdb.Error) -> str:
    text = str(exc)
    if "could not set lock" in text.lower() or "conflicting lock" in text.lower():
        return (f"{path} is in use by another process (is a sweep still running? DuckDB "
                f"allows one process at a time); wait for it, or use another --db")
    if "not a valid duckdb" in text.lower() or "invalid" in text.lower():
        return f"{path} is not a detente run database (DuckDB says: {text.splitlines()[0]})"
    return f"cannot open {path}: {text.splitlines()[0] if text else type(exc).__name__}"

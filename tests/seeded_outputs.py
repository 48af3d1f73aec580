"""Seeded outputs of the main commands, hashed: a refactoring must leave every byte alone.

Runs ``detente crisis``, ``forecast --model all`` (both built-in scenarios), ``sweep`` (into a
temporary run database, then ``runs export`` to CSV), ``sensitivity`` and ``whatif`` with
fixed seeds and small draws in JSON format, in this one process through the CLI itself, and
compares the SHA-256 of each output with ``tests/data/seeded_outputs.sha256``.

Only fields that legitimately vary between two runs of the same code are removed before
hashing:

* ``versions`` (every result's library versions): they describe the environment, not the
  answer; the manifest records them once in its header instead, and a check in a different
  environment is refused (floating-point results may differ across numpy/scipy builds);
* in ``sweep``'s output, ``run.run_id`` (random), ``run.created`` and ``run.updated``
  (timestamps), ``run.seconds`` (elapsed time) and ``db`` (the temporary database's path).

Everything else, every number to the last digit, is hashed as written.

Usage::

    python tests/seeded_outputs.py --check            # compare with the manifest (exit 1 if not)
    python tests/seeded_outputs.py --write            # record a new manifest
    python tests/seeded_outputs.py --check --keep DIR # also keep the normalised outputs to diff

``tests/test_seeded_outputs.py`` runs the check as part of the test suite.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

MANIFEST = Path(__file__).resolve().parent / "data" / "seeded_outputs.sha256"
ENVIRONMENT = ("python", "numpy", "scipy", "pandas", "SALib", "duckdb", "pyarrow")

# name -> (command line, how to normalise the file it writes)
SWEEP_VOLATILE = ("run_id", "created", "updated", "seconds")


def _drop_versions(doc: Any) -> Any:
    if isinstance(doc, dict):
        return {k: _drop_versions(v) for k, v in doc.items() if k != "versions"}
    if isinstance(doc, list):
        return [_drop_versions(v) for v in doc]
    return doc


def _json(text: str) -> str:
    return json.dumps(_drop_versions(json.loads(text)), indent=2, sort_keys=False)


def _sweep_json(text: str) -> str:
    doc = json.loads(text)
    doc.pop("db", None)
    for key in SWEEP_VOLATILE:
        doc["run"].pop(key, None)
    return json.dumps(_drop_versions(doc), indent=2)


def _same(text: str) -> str:
    return text


def _commands(tmp: Path) -> list[tuple[str, list[str], Callable[[str], str]]]:
    db = str(tmp / "runs.duckdb")
    return [
        ("crisis", ["crisis", "ukraine-2022", "--draws", "500", "--seed", "1"], _json),
        ("forecast-all", ["forecast", "ukraine-2022", "--model", "all", "--seed", "1"], _json),
        ("forecast-all-ec", ["forecast", "ec-emissions-1994", "--model", "all", "--seed", "2"],
         _json),
        ("sweep", ["sweep", "ukraine-2022", "--draws", "200", "--chunk-size", "80", "--seed",
                   "1", "--db", db, "--quiet"], _sweep_json),
        ("sensitivity", ["sensitivity", "ukraine-2022", "--samples", "16", "--seed", "1"], _json),
        ("whatif", ["whatif", "ukraine-2022", "--draws", "200", "--check-draws", "500",
                    "--effort", "0.2", "--seed", "1"], _json),
    ]


def _invoke(args: list[str]) -> None:
    from typer.testing import CliRunner

    from detente.cli import app

    result = CliRunner().invoke(app, args, catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"detente {' '.join(args)} exited {result.exit_code}:\n"
                           f"{result.output}")


def environment() -> dict[str, str]:
    """The versions that decide floating-point results, recorded in the manifest."""
    import platform
    from importlib.metadata import version

    out = {"python": platform.python_version()}
    for dist in ENVIRONMENT[1:]:
        out[dist] = version(dist)
    return out


def outputs(keep: Path | None = None) -> dict[str, str]:
    """Run every command; the normalised output of each, by name."""
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        out: dict[str, str] = {}
        for name, args, normalise in _commands(tmp):
            target = tmp / f"{name}.json"
            _invoke([*args, "--format", "json", "--output", str(target)])
            out[f"{name}.json"] = normalise(target.read_text())
            if name == "sweep":
                run_id = json.loads(target.read_text())["run"]["run_id"]
                csv = tmp / "sweep-draws.csv"
                _invoke(["runs", "export", run_id, "--db", str(tmp / "runs.duckdb"),
                         "--output", str(csv)])
                out["sweep-draws.csv"] = csv.read_text()
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            for fname, text in out.items():
                (keep / fname).write_text(text)
        return out


def digests(texts: dict[str, str]) -> dict[str, str]:
    return {name: hashlib.sha256(text.encode()).hexdigest() for name, text in texts.items()}


def read_manifest(path: Path = MANIFEST) -> tuple[dict[str, str], dict[str, str]]:
    """(environment, digests) recorded in the manifest."""
    env: dict[str, str] = {}
    sums: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.startswith("# env "):
            key, _, value = line[len("# env "):].partition("=")
            env[key] = value
        elif line and not line.startswith("#"):
            digest, name = line.split(maxsplit=1)
            sums[name] = digest
    return env, sums


def write_manifest(sums: dict[str, str], path: Path = MANIFEST) -> None:
    lines = ["# SHA-256 of seeded detente outputs (tests/seeded_outputs.py; `versions`, "
             "and the sweep's run id, timestamps, elapsed time and db path removed)"]
    lines += [f"# env {k}={v}" for k, v in environment().items()]
    lines += [f"{digest}  {name}" for name, digest in sorted(sums.items())]
    path.write_text("\n".join(lines) + "\n")


def compare(keep: Path | None = None) -> list[str]:
    """Names whose output differs from the manifest (empty when all are identical)."""
    _, expected = read_manifest()
    got = digests(outputs(keep))
    return sorted(n for n in expected.keys() | got.keys() if expected.get(n) != got.get(n))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="compare with the manifest")
    mode.add_argument("--write", action="store_true", help="record a new manifest")
    parser.add_argument("--keep", type=Path, help="keep the normalised outputs in this folder")
    args = parser.parse_args(argv)
    if args.write:
        write_manifest(digests(outputs(args.keep)))
        print(f"wrote {MANIFEST}")
        return 0
    env, _ = read_manifest()
    if env != environment():
        print(f"the manifest was made with {env}, this environment is {environment()}; "
              "the comparison is only meaningful in the same environment", file=sys.stderr)
        return 2
    bad = compare(args.keep)
    for name in bad:
        print(f"DIFFERS: {name}")
    print("all seeded outputs identical" if not bad else f"{len(bad)} output(s) differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

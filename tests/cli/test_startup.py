"""`detente --help` must answer fast (issue #11: under 0.5 s; measured by
benchmarks/bench_startup.py, never timed here): building the command line imports no numeric
library and no layer below the CLI. Also the lazy package API (PEP 562) and the names the
CLI writes out to stay lazy (detente/cli/choices.py) against their sources."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import detente
from detente.cli import choices

HEAVY = ("numpy", "scipy", "pandas", "pyarrow", "pydantic", "matplotlib", "plotly", "duckdb",
         "SALib", "fastapi", "numba")


def _modules_after(code: str) -> set[str]:
    """The modules loaded in a fresh interpreter after running ``code``."""
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys, json\n"
                          "print(json.dumps(sorted(sys.modules)))"],
                         check=True, capture_output=True, text=True).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_building_the_command_line_imports_nothing_heavy() -> None:
    loaded = _modules_after("import detente.cli")
    assert not {m.split(".")[0] for m in loaded} & set(HEAVY)
    below = {m for m in loaded if m.startswith("detente.") and not m.startswith("detente.cli")}
    assert below == {"detente.provenance"}


def test_help_runs_without_loading_the_analyses() -> None:
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom detente.cli import app\n"
            "r = CliRunner().invoke(app, ['crisis', '--help'])\nassert r.exit_code == 0, r.output")
    loaded = _modules_after(code)
    # typer itself imports pydantic (typer/_adapters.py) when it builds a command's options
    assert not {m.split(".")[0] for m in loaded} & (set(HEAVY) - {"pydantic"})
    assert not {m for m in loaded if m.startswith("detente.")
                and not m.startswith("detente.cli")} - {"detente.provenance"}


def test_numba_loads_only_when_smp_runs() -> None:
    """The SMP's compiled kernels (numba, ~0.4 s to import) wait for an SMP run: importing the
    package, the model registry and the SMP module itself, or running another model, does not
    load numba; running SMP does."""
    before = _modules_after("import detente, detente.api\nfrom detente.models import registry, "
                            "smp\ndetente.forecast('ukraine-2022', 'eum', seed=0)")
    assert "numba" not in before
    after = _modules_after("import detente\ndetente.forecast('ukraine-2022', 'smp', "
                           "seed=0)")
    assert {"numba", "detente.models._smp_kernels"} <= after


def test_a_command_still_loads_what_it_needs() -> None:
    # the check above can only fail if the import probe sees imports at all
    loaded = _modules_after("import detente\ndetente.load('ukraine-2022')")
    assert {"numpy", "pydantic", "detente.api"} <= loaded


@pytest.mark.parametrize("name", detente.__all__)
def test_every_api_name_imports(name: str) -> None:
    from detente import api

    value = getattr(detente, name)
    assert value is (detente.__version__ if name == "__version__" else getattr(api, name))


def test_api_functions_win_over_subpackages_of_the_same_name() -> None:
    # a subpackage imported first (as the CLI's commands do) must not shadow the function
    code = ("import detente\nfrom detente.whatif.result import plot_format\n"
            "import detente.simulate, detente.deals\n"
            "assert callable(detente.whatif) and detente.whatif is detente.api.whatif\n"
            "assert detente.simulate is detente.api.simulate\n"
            "assert detente.deals is detente.api.deals\n"
            "from detente import whatif\nassert whatif is detente.api.whatif")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = detente.nothing_here  # type: ignore[attr-defined]


def test_the_names_in_help_texts_match_their_sources() -> None:
    from detente import sensitivity, sweep
    from detente.evaluate import EVALUATORS
    from detente.models import registry
    from detente.sweep.runner import MAX_SEED

    assert list(choices.MODEL_NAMES) == registry.names()
    assert list(choices.EVALUATOR_NAMES) == list(EVALUATORS)
    assert choices.SENSITIVITY_SAMPLES == sensitivity.DEFAULT_SAMPLES
    assert (choices.SWEEP_DRAWS, choices.SWEEP_CHUNK, choices.SWEEP_ENV_DB,
            choices.SWEEP_MAX_SEED) == (sweep.DEFAULT_DRAWS, sweep.DEFAULT_CHUNK,
                                        sweep.ENV_DB, MAX_SEED)

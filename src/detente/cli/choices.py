"""What `--help` texts name from the layers below (model and evaluator names, sweep
defaults), written out here so that building the command line imports none of those layers:
importing the models alone takes about 1.5 s, and `detente --help` must answer in under
0.5 s (issue #11). Each value is checked against its source by tests/cli/test_startup.py,
which fails when a model or evaluator is added there and not here."""

from __future__ import annotations

# detente.models.registry.names(), in its order
MODEL_NAMES = ("compromise", "median", "mean", "nbs", "eum", "smp", "exchange")
# detente.evaluate.EVALUATORS
EVALUATOR_NAMES = ("forecast", "crisis", "all", "simulate")
# detente.sensitivity.DEFAULT_SAMPLES
SENSITIVITY_SAMPLES = {"sobol": 1024, "morris": 100}
# detente.sweep: DEFAULT_DRAWS, DEFAULT_CHUNK, ENV_DB; detente.sweep.runner.MAX_SEED
SWEEP_DRAWS = 10_000
SWEEP_CHUNK = 10_000
SWEEP_ENV_DB = "DETENTE_DB"
SWEEP_MAX_SEED = 2**63 - 1

"""The quality gate: nothing wrong gets published.

Great Expectations 1.x suites (kept as code in ``rules``) plus plain-pandas cross-dataset and
regression checks (``relational``), run together by ``run_gate``. Importing this package does not
import GX; the gate does, when it runs.
"""

from pipelines.quality.gate import run_gate, suite_names
from pipelines.quality.results import CheckResult, GateResult

__all__ = ["CheckResult", "GateResult", "run_gate", "suite_names"]

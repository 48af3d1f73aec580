"""What will it take? The cheapest bundles of concessions, sanctions, deterrents and
guarantees that bring the risk of war under a target, and the frontier of cost to the
defending side versus P(war). See ``docs/whatif.md``.

>>> from detente.whatif import whatif
>>> result = whatif("ukraine-2022", target=0.10, draws=2000, seed=0)  # doctest: +SKIP
>>> result.headline  # doctest: +SKIP
"""

from detente.whatif.core import Effort, whatif
from detente.whatif.result import Bundle, Dependence, LeverSetting, SearchRun, WhatIfResult
from detente.whatif.space import WhatIfError

__all__ = ["Bundle", "Dependence", "Effort", "LeverSetting", "SearchRun", "WhatIfError",
           "WhatIfResult", "whatif"]

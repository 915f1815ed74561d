"""Plans in the plans service's own shapes (``contract``, generated from its contract): the
dashboard takes a new plan's request and shows plans as that service defines them."""

from __future__ import annotations

from typing import Annotated

from runnerly_dashboard.plans import contract
from runnerly_dashboard.plans.contract import PlanList, PlanRead, PlanRebuild
from runnerly_kit.text import SingleLine

__all__ = ["PlanCreate", "PlanList", "PlanRead", "PlanRebuild"]


# The plans service's request, checked here against its contract (fields, bounds, nothing
# else) before it is sent. That a plan is for exactly one race is the plans service's rule,
# and its 422 reaches the runner as it is.
class PlanCreate(contract.PlanCreate):
    """A race from the races list (``race_id``), or one of the runner's own
    (``distance_m`` and ``date``, optionally ``name``)."""

    # A name the runner will see on every page: refused here with the kit's own reasons
    # (a line break, a bidirectional override), which a contract's length cannot carry.
    name: Annotated[str, SingleLine(max_length=200)] | None = None

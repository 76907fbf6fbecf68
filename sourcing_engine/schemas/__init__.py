"""The contract's JSON (docs/contract.md) to and from the engine's dataclasses.

Loading checks types and ranges field by field, then what only the whole
document can tell (duplicate codes and ids, stock at unknown sources);
every problem surfaces as an ``InputError`` naming its JSON path.
"""

from sourcing_engine.schemas.fields import error_paths, first_error
from sourcing_engine.schemas.inputs import NetworkSchema, OrderSchema, load_network, load_order
from sourcing_engine.schemas.plan import PlanSchema, load_plan, plan_to_dict

__all__ = [
    "NetworkSchema",
    "OrderSchema",
    "PlanSchema",
    "error_paths",
    "first_error",
    "load_network",
    "load_order",
    "load_plan",
    "plan_to_dict",
]

"""MOM's status and reason codes, and the transitions the state machines allow.

Statuses are MOM's (``mom-spec.md`` §1); where MOM is silent we add reason
codes of our own and document them in ``docs/oms.md``.  A transition not in
these tables is refused with ``IllegalTransition``.
"""

from __future__ import annotations

from enum import StrEnum

from oms.errors import IllegalTransition


class OrderStatus(StrEnum):
    NEW = "NEW"
    ONHOLD = "ONHOLD"
    APPROVED = "APPROVED"
    LOGISTICS = "LOGISTICS"
    LOGISTICSCOMPLETE = "LOGISTICSCOMPLETE"
    COMPLETE = "COMPLETE"
    CANCELLED = "CANCELLED"
    ERROR = "ERROR"


class LineStatus(StrEnum):
    NEW = "NEW"
    ALLOCATEDSHIP = "ALLOCATEDSHIP"
    RECEIVEDBYLOGISTICS = "RECEIVEDBYLOGISTICS"
    PICKCONFIRMED = "PICKCONFIRMED"
    SHIPPED = "SHIPPED"
    ITEM_PENDING_PICKING = "ITEM_PENDING_PICKING"
    PICKREADY = "PICKREADY"
    PICKDECLINED = "PICKDECLINED"
    RESOURCED = "RESOURCED"
    CANCELLED = "CANCELLED"
    PRESHIPPED = "PRESHIPPED"


class RequestStatus(StrEnum):
    NEW = "NEW"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    PICKING = "PICKING"
    PACKED = "PACKED"
    SHIPPED = "SHIPPED"
    READY = "READY"  # ISPU: ready for collection
    COLLECTED = "COLLECTED"  # ISPU: the customer took the goods
    CANCELLED = "CANCELLED"


class Method(StrEnum):
    HOME = "HOME"
    ISPU = "ISPU"
    STS = "STS"
    PRESHIPPED = "PRESHIPPED"
    VIRTUAL = "VIRTUAL"


class Reason:
    """Reason codes: MOM's where it has one, ours (marked) where it is silent."""

    # order
    NEWFRONTEND = "NEWFRONTEND"
    SYSAPPROVED = "SYSAPPROVED"
    RULEHOLD = "RULEHOLD"  # ours: a sourcing rule put the order on hold
    READYTOSHIP = "READYTOSHIP"
    PENDING_FIRST_SHIPMENT = "PENDING_FIRST_SHIPMENT"
    PARTIALLYSHIPPED = "PARTIALLYSHIPPED"
    FULLYSHIPPED = "FULLYSHIPPED"
    FULLYCANCELLED = "FULLYCANCELLED"
    # line
    INITIALORDER = "INITIALORDER"
    BACKORDERED = "BACKORDERED"  # ours: waiting for stock
    BUNDLE_WAITING = "BUNDLE_WAITING"  # ours: soft allocated until one source holds the whole bundle
    WAITING_COMPLETE = "WAITING_COMPLETE"  # ours: `partial hold` keeps the order until it can ship complete
    SHIPMENT_LIMIT = "SHIPMENT_LIMIT"  # ours: stock exists, but not within the allowed number of shipments
    ONHOLD = "ONHOLD"
    SHIPMENTCREATED = "SHIPMENTCREATED"
    OSREPORTREC = "OSREPORTREC"
    OSREPORT = "OSREPORT"
    PICKED = "PICKED"
    PENDING_ARRIVAL = "PENDING_ARRIVAL"
    ARRIVED = "ARRIVED"
    COLLECTED = "COLLECTED"
    VIRTUAL = "VIRTUAL"
    PRESHIPPED = "PRESHIPPED"
    DECLINED = "DECLINED"
    RESOURCING = "RESOURCING"
    OUTOFSTOCK = "OUTOFSTOCK"
    NOSOURCE = "NOSOURCE"  # ours: no enabled source can serve the line's delivery
    EXCLUDEDBYRULE = "EXCLUDEDBYRULE"  # ours: the rules left the line no source
    CUSTOMERREQ = "CUSTOMERREQ"
    ASSOCIATEDITEMCANCELLED = "ASSOCIATEDITEMCANCELLED"
    RETURNREJECTED = "RETURNREJECTED"  # ours: an exchange's units whose return came back damaged or was rejected
    RETURNCANCELLED = "RETURNCANCELLED"  # ours: an exchange's units whose return was cancelled


WAITING_REASONS = frozenset(
    {Reason.INITIALORDER, Reason.BACKORDERED, Reason.BUNDLE_WAITING, Reason.WAITING_COMPLETE, Reason.SHIPMENT_LIMIT}
)

S = OrderStatus
ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.NEW: frozenset({S.ONHOLD, S.APPROVED, S.LOGISTICS, S.CANCELLED, S.ERROR}),
    S.ONHOLD: frozenset({S.ONHOLD, S.APPROVED, S.LOGISTICS, S.CANCELLED}),
    S.APPROVED: frozenset({S.APPROVED, S.ONHOLD, S.LOGISTICS, S.CANCELLED}),
    S.LOGISTICS: frozenset({S.LOGISTICS, S.LOGISTICSCOMPLETE, S.ONHOLD}),  # ONHOLD: a manual hold, NEW requests only
    S.LOGISTICSCOMPLETE: frozenset({S.COMPLETE}),
    S.COMPLETE: frozenset(),
    S.CANCELLED: frozenset(),
    S.ERROR: frozenset({S.CANCELLED}),
}

L = LineStatus
_LOGISTICS_OUT = {L.SHIPPED, L.PICKDECLINED, L.ITEM_PENDING_PICKING}  # ITEM_PENDING_PICKING: ship-to-store sent
LINE_TRANSITIONS: dict[LineStatus, frozenset[LineStatus]] = {
    L.NEW: frozenset({L.NEW, L.ALLOCATEDSHIP, L.ITEM_PENDING_PICKING, L.SHIPPED, L.PRESHIPPED, L.CANCELLED}),
    # NEW: a manual hold takes units back from a request their source has not acknowledged yet
    L.ALLOCATEDSHIP: frozenset({L.NEW, L.RECEIVEDBYLOGISTICS, L.PICKCONFIRMED, L.CANCELLED, *_LOGISTICS_OUT}),
    L.RECEIVEDBYLOGISTICS: frozenset({L.PICKCONFIRMED, *_LOGISTICS_OUT}),
    L.PICKCONFIRMED: frozenset(_LOGISTICS_OUT),
    L.ITEM_PENDING_PICKING: frozenset({L.NEW, L.ITEM_PENDING_PICKING, L.PICKREADY, L.PICKDECLINED, L.CANCELLED}),
    L.PICKREADY: frozenset({L.SHIPPED, L.PICKDECLINED}),
    L.PICKDECLINED: frozenset({L.RESOURCED}),
    L.RESOURCED: frozenset({L.NEW, L.ALLOCATEDSHIP, L.ITEM_PENDING_PICKING, L.CANCELLED}),
    L.SHIPPED: frozenset(),
    L.CANCELLED: frozenset(),
    L.PRESHIPPED: frozenset(),
}
FINAL_LINE_STATUSES = frozenset({L.SHIPPED, L.CANCELLED, L.PRESHIPPED})
HANDED_OVER = frozenset({L.SHIPPED, L.PRESHIPPED})

R = RequestStatus
REQUEST_TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    R.NEW: frozenset({R.ACKNOWLEDGED, R.PICKING, R.SHIPPED, R.READY, R.CANCELLED}),
    R.ACKNOWLEDGED: frozenset({R.PICKING, R.SHIPPED, R.READY, R.CANCELLED}),
    R.PICKING: frozenset({R.PACKED, R.SHIPPED, R.CANCELLED}),
    R.PACKED: frozenset({R.SHIPPED, R.CANCELLED}),
    R.READY: frozenset({R.COLLECTED, R.CANCELLED}),
    R.SHIPPED: frozenset(),
    R.COLLECTED: frozenset(),
    R.CANCELLED: frozenset(),
}
OPEN_REQUEST_STATUSES = frozenset({R.NEW, R.ACKNOWLEDGED, R.PICKING, R.PACKED, R.READY})


def check_order_transition(order_id: str, current: OrderStatus, target: OrderStatus) -> None:
    if target not in ORDER_TRANSITIONS[current]:
        raise IllegalTransition(f"order {order_id} is {current}; it cannot go to {target}", str(current))


def check_line_transition(line_id: str, current: LineStatus, target: LineStatus) -> None:
    if target not in LINE_TRANSITIONS[current]:
        raise IllegalTransition(f"line {line_id} is {current}; it cannot go to {target}", str(current))


def check_request_transition(request_id: int, current: RequestStatus, target: RequestStatus) -> None:
    if target not in REQUEST_TRANSITIONS[current]:
        raise IllegalTransition(f"shipment request {request_id} is {current}; it cannot go to {target}", str(current))

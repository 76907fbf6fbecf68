"""SVG maps of the network and of plans, drawn from coordinates alone (the service has no internet: no tiles).

``render_map`` is a pure function: places (sources, the customer or the
pickup store) and routes (one per shipment, from its source to its
destination) in, one ``<svg>`` element out, with a ``<title>``, a
``<desc>`` that says in words what the picture shows, and a legend.

The projection is equirectangular, its horizontal scale the cosine of the
middle latitude (distances look right at the scale of a country), fitted to
the viewport with padding and centred.  Every place lands inside the padded
viewport whatever its coordinates: latitudes and longitudes are clamped to
their ranges, non-finite ones are drawn at the centre, and a map of one
place (or of places a few metres apart) is zoomed to a minimum span instead
of dividing by zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

MIN_SPAN_DEGREES = 0.5  # a map never zooms closer than about 50 km across
CHAR_WIDTH, LABEL_HEIGHT = 7.8, 14  # room a label takes, in viewport units (12 px text)
DESTINATIONS = ("customer", "pickup")
MARKERS = {
    "warehouse": "Warehouse",
    "store": "Store",
    "dropship": "Drop-shipper",
    "customer": "Customer",
    "pickup": "Pickup store",
}
PLANS = {
    "with": ("#1f4e99", "", "Shipment with these rules"),  # colour, dash pattern, legend text
    "without": ("#a34700", "6 4", "Shipment without rules"),
    "plan": ("#1f4e99", "", "Shipment"),
}


Box = tuple[float, float, float, float]  # left, top, right, bottom


@dataclass(frozen=True, slots=True)
class Viewport:
    width: float = 640
    height: float = 400
    padding: float = 36

    def inside(self, x: float, y: float) -> bool:
        p = self.padding
        return p <= x <= self.width - p and p <= y <= self.height - p


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    label: str
    lat: float
    lon: float
    kind: str  # a key of MARKERS


@dataclass(frozen=True, slots=True)
class Route:
    source: str  # a place's code
    destination: str  # a place's code
    plan: str  # a key of PLANS
    label: str  # what the route carries, in words ("2 units, 7.25")


class Projection:
    """Latitude and longitude to viewport coordinates, fitted to a set of points."""

    def __init__(self, points: Iterable[tuple[float, float]], viewport: Viewport) -> None:
        self.viewport = viewport
        coords = [_clamped(lat, lon) for lat, lon in points] or [(0.0, 0.0)]
        lats = [lat for lat, _ in coords]
        self.cos = max(math.cos(math.radians((min(lats) + max(lats)) / 2)), 0.05)
        xs = [lon * self.cos for _, lon in coords]
        ys = [-lat for lat in lats]
        self.mid_x, self.mid_y = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        span_x = max(max(xs) - min(xs), MIN_SPAN_DEGREES)
        span_y = max(max(ys) - min(ys), MIN_SPAN_DEGREES)
        inner_w = viewport.width - 2 * viewport.padding
        inner_h = viewport.height - 2 * viewport.padding
        self.scale = min(inner_w / span_x, inner_h / span_y)

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        lat, lon = _clamped(lat, lon)
        v = self.viewport
        x = v.width / 2 + (lon * self.cos - self.mid_x) * self.scale
        y = v.height / 2 + (-lat - self.mid_y) * self.scale
        # rounding may push a point on the edge a hair outside: keep it in
        return _within(x, v.padding, v.width - v.padding), _within(y, v.padding, v.height - v.padding)


def render_map(
    places: Sequence[Place],
    routes: Sequence[Route] = (),
    title: str = "Map",
    viewport: Viewport = Viewport(),
    dom_id: str = "map",
) -> Markup:
    """The map as an accessible ``<svg>``: markers, one line per route, labels and a legend below the map."""
    project = Projection(((p.lat, p.lon) for p in places), viewport)
    at = {p.code: project(p.lat, p.lon) for p in places}
    legend = _legend(places, routes)
    height = viewport.height + 22 * len(legend) + 12
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" viewBox="0 0 {viewport.width:g} {height:g}"'
        f' aria-labelledby="{escape(dom_id)}-title {escape(dom_id)}-desc">',
        f'<title id="{escape(dom_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(dom_id)}-desc">{escape(describe(places, routes))}</desc>',
        f'<rect class="map-sea" x="0" y="0" width="{viewport.width:g}" height="{viewport.height:g}"'
        ' fill="#f4f7fb" stroke="#5b6b7f"/>',
    ]
    parts += [_route(r, at, i) for i, r in enumerate(routes) if r.source in at and r.destination in at]
    taken: list[Box] = [(x - 8, y - 8, x + 8, y + 8) for x, y in at.values()]  # labels leave markers visible
    for place in sorted(places, key=lambda p: p.kind in DESTINATIONS):  # the customer or the store on top
        parts.append(_marker(place, *at[place.code], viewport, taken))
    parts += _legend_rows(legend, viewport.height + 8)
    parts.append("</svg>")
    return Markup("\n".join(parts))


def describe(places: Sequence[Place], routes: Sequence[Route]) -> str:
    """What the map shows, in words, for readers who do not see it."""
    names = {p.code: p.label or p.code for p in places}
    text = f"{len(places)} place{'' if len(places) == 1 else 's'}: " + "; ".join(
        f"{MARKERS.get(p.kind, p.kind)} {names[p.code]}" for p in places
    )
    for r in routes:
        plan = PLANS.get(r.plan, PLANS["plan"])[2]
        text += f". {plan} from {names.get(r.source, r.source)} to {names.get(r.destination, r.destination)}"
        text += f" ({r.label})" if r.label else ""
    return text + "."


def _clamped(lat: float, lon: float) -> tuple[float, float]:
    lat = lat if math.isfinite(lat) else 0.0
    lon = lon if math.isfinite(lon) else 0.0
    return max(-90.0, min(90.0, lat)), max(-180.0, min(180.0, lon))


def _within(value: float, low: float, high: float) -> float:
    return max(low, min(high, value)) if math.isfinite(value) else (low + high) / 2


def _route(route: Route, at: dict[str, tuple[float, float]], index: int) -> str:
    colour, dash, _ = PLANS.get(route.plan, PLANS["plan"])
    (x1, y1), (x2, y2) = at[route.source], at[route.destination]
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    label = escape(f"{route.source} to {route.destination}: {route.label}")
    if (x1, y1) == (x2, y2):  # collected where it is (pickup in store): a ring around the store
        return (
            f'<circle class="route route-{route.plan}" cx="{x1:.1f}" cy="{y1:.1f}" r="{11 + 3 * (index % 3)}"'
            f' fill="none" stroke="{colour}" stroke-width="2.5"{dashes}><title>{label}</title></circle>'
        )
    # the plan without rules bends the other way, so that equal shipments of both plans stay visible
    bend = 0.12 if route.plan == "without" else -0.12
    cx, cy = (x1 + x2) / 2 - (y2 - y1) * bend, (y1 + y2) / 2 + (x2 - x1) * bend
    return (
        f'<path class="route route-{route.plan}" d="M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}"'
        f' fill="none" stroke="{colour}" stroke-width="2.5"{dashes}><title>{label}</title></path>'
    )


def _marker(place: Place, x: float, y: float, viewport: Viewport, taken: list[Box]) -> str:
    name = "Customer" if place.kind == "customer" else place.code
    label = _label_box(name, x, y, viewport, taken)
    text = ""
    if label is not None:  # no room beside the marker: the label is left out (its title and the description name it)
        left, top, _, _ = label
        text = (
            f'<text x="{left:.1f}" y="{top + LABEL_HEIGHT - 3:.1f}" font-size="12" fill="#1b1f24">{escape(name)}</text>'
        )
    return (
        f'<g class="place place-{escape(place.kind)}">{_shape(place.kind, x, y)}{text}'
        f"<title>{escape(MARKERS.get(place.kind, place.kind))}: {escape(place.label or place.code)}</title></g>"
    )


def _label_box(name: str, x: float, y: float, viewport: Viewport, taken: list[Box]) -> Box | None:
    """Where a label fits beside its marker (right, left, below, above) clear of the labels already placed."""
    width = CHAR_WIDTH * len(name) + 2
    for left, top in ((x + 10, y - 8), (x - 10 - width, y - 8), (x - width / 2, y + 9), (x - width / 2, y - 23)):
        box = (left, top, left + width, top + LABEL_HEIGHT)
        inside = box[0] >= 0 and box[2] <= viewport.width and box[1] >= 0 and box[3] <= viewport.height
        if inside and not any(_overlap(box, other) for other in taken):
            taken.append(box)
            return box
    return None


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _shape(kind: str, x: float, y: float) -> str:
    if kind == "warehouse":
        return f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="#2d3e50"/>'
    if kind == "store":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#2f6f3e"/>'
    if kind == "dropship":
        return f'<path d="M{x:.1f},{y - 7:.1f} L{x + 7:.1f},{y + 6:.1f} L{x - 7:.1f},{y + 6:.1f} Z" fill="#6b3d91"/>'
    if kind == "pickup":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#ffffff" stroke="#b3001b" stroke-width="3"/>'
    # the customer: a diamond
    diamond = f"M{x:.1f},{y - 8:.1f} L{x + 8:.1f},{y:.1f} L{x:.1f},{y + 8:.1f} L{x - 8:.1f},{y:.1f} Z"
    return f'<path d="{diamond}" fill="#b3001b"/>'


def _legend(places: Sequence[Place], routes: Sequence[Route]) -> list[tuple[str, str]]:
    """(kind of entry, key) for what the map shows, in a stable order."""
    kinds = {p.kind for p in places}
    plans = {r.plan for r in routes}
    return [("place", k) for k in MARKERS if k in kinds] + [("route", k) for k in PLANS if k in plans]


def _legend_rows(legend: list[tuple[str, str]], top: float) -> list[str]:
    rows = [f'<g class="legend" transform="translate(12,{top:g})">']
    for i, (entry, key) in enumerate(legend):
        y = 22 * i + 10
        if entry == "place":
            rows.append(_shape(key, 10, y) + _legend_text(MARKERS[key], y))
        else:
            colour, dash, text = PLANS[key]
            dashes = f' stroke-dasharray="{dash}"' if dash else ""
            rows.append(f'<line x1="0" y1="{y}" x2="22" y2="{y}" stroke="{colour}" stroke-width="2.5"{dashes}/>')
            rows.append(_legend_text(text, y))
    rows.append("</g>")
    return rows


def _legend_text(text: str, y: float) -> str:
    return f'<text x="30" y="{y + 4}" font-size="12" fill="#1b1f24">{escape(text)}</text>'

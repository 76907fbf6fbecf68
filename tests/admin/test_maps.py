"""The SVG maps: every place inside the viewport whatever its coordinates, one line per shipment, a legend."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.admin.maps import Place, Projection, Route, Viewport, render_map

SVG = "{http://www.w3.org/2000/svg}"
EXTREMES = [0.0, -0.0, 1e-7, -1e-7, 90.0, -90.0, 180.0, -180.0, 1e308, -1e308, 2.0**31, -(2.0**63), math.nan, math.inf]
coordinate = st.one_of(st.sampled_from(EXTREMES), st.floats(allow_nan=True, allow_infinity=True))
points = st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=12)
viewports = st.builds(Viewport, st.floats(100, 4000), st.floats(100, 4000), st.floats(0, 40))


@settings(max_examples=300)
@given(points, viewports)
def test_every_point_lands_inside_the_padded_viewport(coords: list[tuple[float, float]], viewport: Viewport) -> None:
    project = Projection(coords, viewport)
    for lat, lon in coords:
        x, y = project(lat, lon)
        assert viewport.inside(x, y), (lat, lon, x, y)


@settings(max_examples=100)
@given(st.lists(st.tuples(st.floats(-90, 90), st.floats(-180, 180)), min_size=2, max_size=8, unique=True))
def test_the_projection_keeps_north_up_and_east_right(coords: list[tuple[float, float]]) -> None:
    project = Projection(coords, Viewport())
    for (lat1, lon1), (lat2, lon2) in itertools.pairwise(coords):
        (x1, y1), (x2, y2) = project(lat1, lon1), project(lat2, lon2)
        if lat1 > lat2:
            assert y1 <= y2
        if lon1 > lon2:
            assert x1 >= x2


def test_one_place_alone_is_drawn_in_the_middle() -> None:
    viewport = Viewport(600, 400, 30)
    assert Projection([(48.1, 11.6)], viewport)(48.1, 11.6) == (300, 200)


def test_the_network_fills_the_viewport_along_its_longer_side() -> None:
    viewport = Viewport(640, 400, 36)
    project = Projection([(52.52, 13.40), (48.14, 11.58)], viewport)  # Berlin, Munich: north-south
    ys = sorted(project(lat, lon)[1] for lat, lon in [(52.52, 13.40), (48.14, 11.58)])
    assert ys == [36, pytest.approx(364)]


def sample_map() -> str:
    places = [
        Place("WH-BER", "Berlin DC", 52.52, 13.40, "warehouse"),
        Place("ST-MUC", "Munich store", 48.14, 11.58, "store"),
        Place("customer", "Customer in Hamburg", 53.55, 9.99, "customer"),
    ]
    routes = [
        Route("WH-BER", "customer", "with", "2 units, 5.30"),
        Route("ST-MUC", "customer", "without", "1 unit, 7.10"),
    ]
    return str(render_map(places, routes, title="Order ORD-1 with and without the rules", dom_id="try"))


def test_a_plan_map_draws_one_line_per_shipment_and_a_legend_for_what_it_shows() -> None:
    svg = ET.fromstring(sample_map())
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "try-title try-desc"
    assert svg.find(f"{SVG}title").text == "Order ORD-1 with and without the rules"
    routes = svg.findall(f".//{SVG}path[@class='route route-with']") + svg.findall(
        f".//{SVG}path[@class='route route-without']"
    )
    assert len(routes) == 2 and routes[1].get("stroke-dasharray")
    legend = [t.text for t in svg.find(f"{SVG}g[@class='legend']").iter(f"{SVG}text")]
    assert legend == ["Warehouse", "Store", "Customer", "Shipment with these rules", "Shipment without rules"]


def test_the_description_says_in_words_what_the_map_shows() -> None:
    desc = ET.fromstring(sample_map()).find(f"{SVG}desc").text
    assert "Warehouse Berlin DC" in desc
    assert "Shipment with these rules from Berlin DC to Customer in Hamburg (2 units, 5.30)" in desc
    assert "Shipment without rules from Munich store to Customer in Hamburg (1 unit, 7.10)" in desc


def test_a_pickup_in_the_store_itself_is_a_ring_around_the_store() -> None:
    places = [Place("ST-MUC", "Munich store", 48.14, 11.58, "pickup")]
    svg = ET.fromstring(str(render_map(places, [Route("ST-MUC", "ST-MUC", "with", "1 unit")])))
    assert svg.find(f".//{SVG}circle[@class='route route-with']") is not None


def test_names_are_escaped_not_markup() -> None:
    places = [Place("<X>", 'A "store" & <b>', 50, 10, "store")]
    text = str(render_map(places, title="<script>alert(1)</script>"))
    assert "<script>" not in text and "&lt;script&gt;" in text
    ET.fromstring(text)  # still well-formed


def test_coordinates_in_the_svg_are_all_inside_the_map() -> None:
    numbers = re.findall(r' c[xy]="([-\d.]+)"', sample_map())
    assert numbers and all(0 <= float(n) <= 640 for n in numbers)


@settings(max_examples=50)
@given(st.lists(st.tuples(st.floats(47, 55), st.floats(5, 17)), min_size=1, max_size=40))
def test_labels_never_overlap_each_other_or_hide_a_marker(coords: list[tuple[float, float]]) -> None:
    places = [Place(f"S-{i:02}", f"Source {i}", lat, lon, "warehouse") for i, (lat, lon) in enumerate(coords)]
    svg = ET.fromstring(str(render_map(places)))
    boxes = [
        (float(t.get("x")), float(t.get("y")) - 11, float(t.get("x")) + 7.8 * len(t.text) + 2, float(t.get("y")) + 3)
        for t in svg.iter(f"{SVG}text")
        if t.text.startswith("S-")
    ]
    markers = [
        (float(r.get("x")), float(r.get("y")), float(r.get("x")) + 12, float(r.get("y")) + 12)
        for r in svg.findall(f"{SVG}g[@class='place place-warehouse']/{SVG}rect")
    ]
    overlap = lambda a, b: a[0] < b[2] - 0.01 and b[0] < a[2] - 0.01 and a[1] < b[3] - 0.01 and b[1] < a[3] - 0.01  # noqa: E731
    assert not any(overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert not any(overlap(a, m) for a in boxes for m in markers)

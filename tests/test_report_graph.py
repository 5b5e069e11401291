"""The dependency graph's layout: columns by depth, edges between drawn claims, the rest listed apart."""

from __future__ import annotations

from report.graph import depths, layout


def test_depth_is_the_longest_chain_of_uses_below_a_claim() -> None:
    uses = {"a": (), "b": ("a",), "c": ("a", "b"), "d": ("c", "absent")}
    assert depths(uses) == {"a": 0, "b": 1, "c": 2, "d": 3}


def test_a_cycle_does_not_hang_the_layout() -> None:
    found = depths({"a": ("b",), "b": ("a",)})
    assert set(found) == {"a", "b"}
    assert sorted(found.values()) == [0, 1]


def test_columns_follow_depth_and_isolated_claims_are_left_out() -> None:
    g = layout(
        [("a", "proved", ()), ("b", "proved", ("a",)), ("lone", "refuted", ()), ("c", "failed", ("b", "x"))]
    )
    x = {n.id: n.x for n in g.nodes}
    assert x["a"] < x["b"] < x["c"]
    assert g.isolated == ("lone",)
    assert [(e.user, e.used) for e in g.edges] == [("b", "a"), ("c", "b")]
    assert g.rows[3] == ("c", ("b", "x"), ())
    assert g.rows[0] == ("a", (), ("b",))
    right_edge = max(n.x + n.width for n in g.nodes)
    assert right_edge < g.width
    assert max(n.y for n in g.nodes) < g.height


def test_an_edge_runs_from_the_users_left_side_to_the_useds_right_side() -> None:
    g = layout([("a", "proved", ()), ("b", "proved", ("a",))])
    a, b = g.nodes
    start, end = g.edges[0].path.split()[0], g.edges[0].path.split()[-1]
    assert start == f"M{b.x:.1f},{b.y + 11:.1f}"
    assert end == f"{a.x + a.width:.1f},{a.y + 11:.1f}"


def test_no_uses_gives_an_empty_drawing() -> None:
    g = layout([("a", "proved", ()), ("b", "refuted", ())])
    assert g.nodes == ()
    assert g.isolated == ("a", "b")

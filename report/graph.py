"""What rests on what: the ledger's ``uses`` graph, laid out here for an inline SVG (no script, no library).

Each claim is placed in a column by its depth, the longest chain of ``uses`` below it: claims that use
nothing are in column 0, a claim that uses a claim of column k is in column k + 1 or further right. Within a
column, claims are ordered by the mean height of what they use, which keeps most edges short. Claims that
use nothing and that nothing uses are listed apart rather than drawn. Ids that a claim uses but that are
not in the document are kept in the table, marked absent, and not drawn.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

#: Geometry of the drawing, in px: a character of the 12 px monospace font, a node's height, the gaps.
CHAR, NODE_H, ROW, GAP, PAD = 7.3, 22.0, 30.0, 56.0, 8.0


@dataclasses.dataclass(frozen=True)
class Node:
    """A claim drawn at (x, y), the top-left corner, ``width`` wide; ``status`` colours it."""

    id: str
    status: str
    x: float
    y: float
    width: float


@dataclasses.dataclass(frozen=True)
class Edge:
    """``user`` rests on ``used``; ``path`` is the SVG path from the user's left side to the used's right."""

    user: str
    used: str
    path: str


@dataclasses.dataclass(frozen=True)
class Graph:
    """The drawing (nodes, edges, size), the claims left out of it, and one table row per claim:
    (id, what it uses, what uses it)."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    width: float
    height: float
    isolated: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]


def depths(uses: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """The longest chain of ``uses`` below each id (0: uses nothing known). An edge that closes a cycle
    (the ledger refuses cycles; a hand-edited document may have one) is not followed."""
    found: dict[str, int] = {}

    def depth(node: str, path: frozenset[str]) -> int:
        if node not in found:
            below = [depth(u, path | {node}) for u in uses[node] if u in uses and u not in path | {node}]
            found[node] = 1 + max(below) if below else 0
        return found[node]

    for node in uses:
        depth(node, frozenset())
    return found


def layout(claims: Sequence[tuple[str, str, Sequence[str]]]) -> Graph:
    """The graph of (id, status, uses) triples, in ledger order."""
    uses = {cid: tuple(u) for cid, _, u in claims}
    status = {cid: s for cid, s, _ in claims}
    used_by = {cid: tuple(o for o, _, u in claims if cid in u) for cid in uses}
    rows = tuple((cid, uses[cid], used_by[cid]) for cid in uses)
    drawn = [cid for cid in uses if used_by[cid] or any(u in uses for u in uses[cid])]
    level = depths({cid: uses[cid] for cid in drawn})
    columns: list[list[str]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    y: dict[str, float] = {}
    for k, column in enumerate(columns):
        column += [cid for cid in drawn if level[cid] == k]
        if k:
            column.sort(key=lambda c: sum(y[u] for u in uses[c] if u in y) / max(1, len(uses[c])))
        y.update({cid: PAD + i * ROW for i, cid in enumerate(column)})
    nodes, x, right = [], PAD, {}
    for column in columns:
        width = max(2 * PAD + CHAR * len(cid) for cid in column)
        nodes += [Node(cid, status[cid], x, y[cid], width) for cid in column]
        right.update({cid: (x, x + width) for cid in column})
        x += width + GAP
    edges = []
    for node in nodes:
        for used in (u for u in uses[node.id] if u in right):
            x1, y1 = node.x, node.y + NODE_H / 2
            x2, y2 = right[used][1], y[used] + NODE_H / 2
            mid = (x1 + x2) / 2
            path = f"M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
            edges.append(Edge(node.id, used, path))
    height = PAD + ROW * max((len(c) for c in columns), default=0)
    isolated = tuple(cid for cid in uses if cid not in level)
    return Graph(tuple(nodes), tuple(edges), max(0.0, x - GAP + PAD), height, isolated, rows)

"""The report's benchmark tables, from the pytest-benchmark JSON (``--benchmark-json``) that
``benchmarks/`` saves under ``benchmarks/results/``. Figures are shown as recorded, never recomputed: the
time is the minimum per call over rounds, the ratio is ``extra_info["ratio_to_floor"]``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from report.parts import Table, scalars


def _seconds(t: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if t >= scale:
            return f"{t / scale:.3g} {unit}"
    return f"{t / 1e-9:.3g} ns"


#: The ``extra_info`` keys that name a benchmark case in ``benchmarks/conftest.py``.
CASE = ("kernel", "mode", "shape", "device", "dtype")


def _ratio_table(title: str, runs: list[dict[str, Any]]) -> Table:
    """Cases x implementations: min time per call (its ``ratio_to_floor`` as recorded), and the floor."""
    impls = list(dict.fromkeys(str(r["extra_info"]["impl"]) for r in runs))
    cells, floors = {}, {}
    for r in runs:
        info = r["extra_info"]
        case = tuple(str(info[k]) for k in CASE)
        cells[case, str(info["impl"])] = f"{_seconds(r['stats']['min'])} ({info['ratio_to_floor']:.2f}×)"
        floors[case] = _seconds(info["floor_s"])
    rows = tuple(
        (*case, floor, *(cells.get((case, i), "–") for i in impls)) for case, floor in floors.items()
    )
    return Table(title, (*CASE, "floor", *impls), rows)


#: Where results are looked for, relative to the project root: the committed ones, then the last local
#: ``nox -s bench`` run (``build/bench-default.json``, ``build/bench-tuned.json``).
SOURCES = (("benchmarks/results", "*.json"), ("build", "bench-*.json"))


def benchmarks(root: Path, notes: dict[str, str]) -> tuple[Table, ...]:
    """One table per pytest-benchmark JSON (``--benchmark-json``) found in ``SOURCES``: time / floor per case
    and implementation when ``extra_info`` names them, else name, min time and every ``extra_info`` figure."""
    tables = []
    for path in [p for folder, pattern in SOURCES for p in sorted((root / folder).glob(pattern))]:
        data = json.loads(path.read_text(encoding="utf-8"))
        runs = data.get("benchmarks") if isinstance(data, dict) else None
        if not runs:
            continue
        env = data.get("machine_info", {}).get("vae_bench", {})
        name = path.relative_to(root).as_posix()
        title = f"{name}: " + ", ".join(f"{k} {v}" for k, v in env.items()) if env else name
        if any(r.get("extra_info", {}).get("planted_slowdown") for r in runs):
            title += " (PLANTED SLOWDOWN: not a real measurement)"
        needed = {*CASE, "impl", "ratio_to_floor", "floor_s"}
        if all(needed <= set(r.get("extra_info", {})) for r in runs):
            tables.append(_ratio_table(title, runs))
            continue
        extra = list(dict.fromkeys(k for r in runs for k, _ in scalars(r.get("extra_info", {}))))
        rows = tuple(
            (
                str(r.get("name", "")),
                _seconds(r["stats"]["min"]),
                *(dict(scalars(r.get("extra_info", {}))).get(k, "") for k in extra),
            )
            for r in runs
        )
        tables.append(Table(title, ("benchmark", "min per call", *extra), rows))
    if not tables:
        notes["benchmarks"] = (
            "No benchmark results yet (no pytest-benchmark JSON in benchmarks/results/ or build/)."
        )
    return tuple(tables)

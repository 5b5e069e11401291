"""The figure: relative error of each KL against logvar, log-log, at mu = 0 and 1e-3, float32 and float64.

The collapse regime is the left of each panel (logvar -> 0, KL ~ logvar^2 / 4 + mu^2 / 2): a formula that
cancels climbs to relative error 1 there. Errors of exactly 0 are drawn at the floor (1e-18); the dashed line
is the bound the audit holds every target to. Written with matplotlib's Agg backend, atomically.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from audit.kl import FIGURE_MU
from audit.publish import atomic_write, machine
from audit.result import RTOL, Audit, dtype_name

FLOOR = 1e-18
CEILING = 1e3
MARKERS = "o^sDv*"


def groups(audits: Sequence[Audit]) -> list[tuple[str, Audit]]:
    """One (label, audit) per distinct set of curves: targets whose errors are identical share a line."""
    seen: dict[str, list[Audit]] = {}
    for a in audits:
        if a.curves:
            seen.setdefault(repr(sorted(a.curves.items())), []).append(a)
    label = lambda a: a.target + (" (transcribed)" if a.source.startswith("transcribed") else "")  # noqa: E731
    return [(" = ".join(label(a) for a in same), same[0]) for same in seen.values()]


def draw(audits: Sequence[Audit], path: str | Path) -> None:
    """Write the figure for the audits that have curves (skipped and unrecognised targets have none)."""
    shown = groups(audits)
    fig, axes = plt.subplots(2, 2, figsize=(13, 9), sharex=True, sharey=True, constrained_layout=True)
    cmap = plt.get_cmap("tab10")
    for row, dtype in enumerate(RTOL):
        for col, mu in enumerate(FIGURE_MU):
            ax = axes[row][col]
            for i, (label, a) in enumerate(shown):
                points = a.curves.get(dtype_name(dtype), {}).get(f"{mu:g}", [])
                if not points:
                    continue
                v, err = zip(*points, strict=True)
                err = tuple(min(max(e, FLOOR), CEILING) for e in err)
                style = "--" if a.source.startswith("transcribed") else "-"
                ax.loglog(v, err, style, color=cmap(i % 10), label=label, lw=1.5, marker=MARKERS[i % 6], ms=3)
            ax.axhline(RTOL[dtype], color="k", ls=":", lw=1)
            ax.set_title(f"{dtype_name(dtype)}, mu = {mu:g}")
            ax.set_ylim(FLOOR / 3, CEILING * 3)
            ax.grid(True, which="major", alpha=0.3)
            if row == 1:
                ax.set_xlabel("logvar (> 0)")
            if col == 0:
                ax.set_ylabel("relative error of +KL")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", fontsize=8, ncols=2)
    title = (
        "Relative error of KL(N(mu, e^logvar) || N(0, 1)) against 50-digit mpmath (dotted: the audit's bound)"
    )
    fig.suptitle(f"{title}\nmeasured on {machine()}", fontsize=10)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    atomic_write(path, buf.getvalue())

"""Time against elements, 1e4 to 1e8, for reparameterize_kl forward + backward, per implementation.

    python benchmarks/scaling.py [--max-elements 1e8] [--budget 1.0] [--out benchmarks/results]

Shapes (B, 512), B = elements / 512, float32 on the CPU; the same calls, inputs and floor (normal noise
into an existing buffer plus a copy of the bytes moved) as ``pytest benchmarks``, minimum over rounds.
Writes ``scaling-<allocator>.csv`` (one row per implementation and size), ``.png`` (time and ns per
element against elements, log-log) and ``.txt`` (environment, ns per element at each size, and a
least-squares fit t = a + b n over n >= 1e7, where every (B, 512) tensor is above glibc's largest mmap
threshold, 32 MiB: b is the cost per element once per-call overhead a no longer matters).
Below ~1e7 elements the tensors fit in the 32 MiB L3 cache and in glibc's reused heap, so the cost per
element there is lower; the fit is over the regime that grows without bound. A size is skipped when 24
float32 tensors of its size (peak RSS measured at 3.2e7 elements: about 17) would not fit in 60% of the
available memory.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path

import cases
import cli
import floor
import matplotlib
import numpy as np
import summary
import torch
import vae_kernels

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from derivations.outputs import UsageError, fail, output_dir, output_file, write_atomically

D = 512
TENSORS_PER_CALL = 24  # upper bound on live (B, D) tensors; about 17 measured (peak RSS, 3.2e7)


def available_bytes() -> int:
    """MemAvailable from /proc/meminfo (Linux); effectively unbounded elsewhere."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 1 << 62


def seconds(impl: str, B: int, budget: float) -> float:
    """Minimum seconds of one reparameterize_kl forward + backward call at (B, D), float32, CPU."""
    mu, logvar = cases.latents(B, D, "cpu", torch.float32, grad=True)
    step = cases.make_step(vae_kernels.kernel("reparameterize_kl", impl, "cpu"), (mu, logvar),
                           cases.upstream(B, D, "cpu", torch.float32))  # fmt: skip
    return floor.min_time(step, "cpu", budget_s=budget, min_rounds=3)


def fit(n: np.ndarray, t: np.ndarray) -> tuple[float, float]:
    """Least squares t = a + b n over n >= 1e7: (a seconds per call, b seconds per element)."""
    big = n >= 1e7
    b, a = np.polyfit(n[big], t[big], 1) if big.sum() >= 2 else (np.nan, np.nan)
    return float(a), float(b)


def outputs(out: Path) -> Path:
    """The stem ``out/scaling-<allocator>`` of the three outputs; UsageError if one cannot be written."""
    output_dir(out, "--out")
    allocator = "default" if summary.environment()["allocator"] == "default glibc" else "tuned"
    stem = out / f"scaling-{allocator}"
    for suffix in (".csv", ".png", ".txt"):
        output_file(stem.with_suffix(suffix), "--out")
    return stem


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.parser("scaling", __doc__)
    parser.add_argument("--max-elements", type=cli.positive_float, default=1e8, help="at least 1e4")
    parser.add_argument(
        "--budget", type=cli.positive_float, default=1.0, help="seconds of timed rounds per point"
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args(argv)
    try:
        if args.max_elements < 1e4:
            raise UsageError(f"--max-elements {args.max_elements:g}: the sweep starts at 1e4 elements")
        stem = outputs(args.out)
    except UsageError as exc:
        fail(parser.prog, str(exc))
    sizes = sorted({max(1, round(n / D)) for n in np.logspace(4, np.log10(args.max_elements), 9)})
    if TENSORS_PER_CALL * sizes[0] * D * 4 > 0.6 * available_bytes():
        fail(parser.prog, f"not enough free memory for {sizes[0] * D:.0e} elements")
    rows: list[dict[str, object]] = []
    for B in sizes:
        n = B * D
        if TENSORS_PER_CALL * n * 4 > 0.6 * available_bytes():
            print(f"skip {n:.2e} elements: not enough free memory")
            continue
        t = floor.traffic("reparameterize_kl", "fwdbwd", B, D)
        floor_s = floor.copy_s(t.bytes_moved, "cpu") + floor.normal_s(t.noise, torch.float32, "cpu")
        for impl in ("floor", *vae_kernels.VARIANTS["reparameterize_kl"]):
            s = floor_s if impl == "floor" else seconds(impl, B, args.budget)
            rows.append({"impl": impl, "B": B, "D": D, "elements": n, "seconds": s,
                         "ns_per_element": s / n * 1e9, "ratio_to_floor": s / floor_s})  # fmt: skip
            print(
                f"{impl:14} {n:>11} elements  {summary.fmt_s(s):>10}  {s / floor_s:6.2f}x floor", flush=True
            )
    table = io.StringIO(newline="")
    writer = csv.DictWriter(table, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    lines = ["reparameterize_kl fwd+bwd, (B, 512) float32 CPU; " + str(summary.environment())]
    fig, (ax_t, ax_n) = plt.subplots(1, 2, figsize=(11, 4.2))
    for impl in ("floor", *vae_kernels.VARIANTS["reparameterize_kl"]):
        n = np.array([r["elements"] for r in rows if r["impl"] == impl], dtype=float)
        secs = np.array([r["seconds"] for r in rows if r["impl"] == impl], dtype=float)
        a, b = fit(n, secs)
        per = "  ".join(f"{x:.0e}: {y / x * 1e9:.2f}" for x, y in zip(n, secs, strict=True))
        lines.append(f"{impl:14} t = {a * 1e3:8.2f} ms + {b * 1e9:6.2f} ns x n (n >= 1e7); ns/element {per}")
        style = {"color": "black", "linestyle": "--"} if impl == "floor" else {"marker": "o"}
        ax_t.loglog(n, secs, label=impl, **style)
        ax_n.loglog(n, secs / n * 1e9, label=impl, **style)
    ax_t.set(xlabel="elements (B x 512)", ylabel="seconds per call (min)", title="time")
    ax_n.set(xlabel="elements (B x 512)", ylabel="ns per element", title="cost per element")
    ax_t.legend()
    fig.suptitle(
        "reparameterize_kl forward + backward, float32, CPU (" + summary.environment()["allocator"] + ")"
    )
    fig.tight_layout()
    for ax in (ax_t, ax_n):
        ax.axvline(32 * 2**20 / 4, color="grey", linewidth=0.8)  # one (B, 512) float32 tensor = 32 MiB
    ax_n.text(32 * 2**20 / 4, ax_n.get_ylim()[0], " 32 MiB per tensor", color="grey", va="bottom")
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=120)
    write_atomically(stem.with_suffix(".csv"), table.getvalue())
    write_atomically(stem.with_suffix(".png"), png.getvalue())
    write_atomically(stem.with_suffix(".txt"), "\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

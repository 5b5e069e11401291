"""The summary of a benchmark run: time / floor per case, and the speed targets, met or missed by how much.

Printed at the end of ``pytest benchmarks`` (conftest's ``pytest_terminal_summary``) and by
``python benchmarks/summary.py RESULT.json [--tuned TUNED.json] [--out PATH]`` from a saved
``--benchmark-json``. Every ratio uses the minimum over rounds of both sides (noise on a shared machine
only adds time).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import cli
import torch
from vae_kernels import IMPLS, SLOWDOWN_ENV

from derivations.outputs import UsageError, fail, output_file, write_atomically

Record = dict[str, Any]


def environment() -> dict[str, str]:
    """What decides the timings besides the code: torch, threads, allocator, OpenMP, planted slowdown."""
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    return {
        "torch": torch.__version__,
        "threads": str(torch.get_num_threads()),
        "allocator": "tuned glibc (" + tunables + ")" if "mmap_max=0" in tunables else "default glibc",
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "(unset)"),
        "cuda": torch.cuda.get_device_name() if torch.cuda.is_available() else "none",
        "planted_slowdown": os.environ.get(SLOWDOWN_ENV, "none"),
    }


def fmt_s(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


Key = tuple[str, str, str, str, str]  # (kernel, mode, shape, device, dtype)


def key(r: Record) -> Key:
    return (r["kernel"], r["mode"], r["shape"], r["device"], r["dtype"])


def index(records: Sequence[Record]) -> dict[tuple[Key, str], Record]:
    """Each record by (case, implementation)."""
    return {(key(r), r["impl"]): r for r in records}


def table(records: Sequence[Record]) -> list[str]:
    by = index(records)
    cases = list(dict.fromkeys(key(r) for r in records))
    lines = [
        f"{'kernel':18}{'mode':7}{'shape':11}{'target':14}{'floor':>10}" + "".join(f"{i:>22}" for i in IMPLS)
    ]
    for case in cases:
        hits = [by.get((case, impl)) for impl in IMPLS]
        cells = [f"{fmt_s(h['min_s'])} ({h['ratio_to_floor']:.2f}x)" if h else "-" for h in hits]
        floor_s = next(h for h in hits if h)["floor_s"]
        kernel, mode, shape, device, dtype = case
        lines.append(
            f"{kernel:18}{mode:7}{shape:11}{device + '-' + dtype:14}{fmt_s(floor_s):>10}"
            + "".join(f"{c:>22}" for c in cells)
        )
    return lines


def verdict(
    name: str, value: float | None, bound: float, ok: Callable[[float, float], bool], why: str
) -> str:
    if value is None:
        return f"{name}: not measured in this run"
    if ok(value, bound):
        return f"{name}: met ({value:.2f})"
    return f"{name}: MISSED by {abs(value / bound - 1):.0%} ({value:.2f} against {bound}); {why}"


def record(records: Sequence[Record], kernel: str, shape: str, impl: str) -> Record | None:
    """The CPU float32 record of ``kernel`` (forward + backward, or the step) at ``shape`` by ``impl``."""
    mode = "step" if kernel == "train_step" else "fwdbwd"
    return index(records).get(((kernel, mode, shape, "cpu", "float32"), impl))


def headline(records: Sequence[Record], shape: str, impl: str) -> Record | None:
    """The record of reparameterize_kl forward + backward, CPU float32, at ``shape`` by ``impl``."""
    return record(records, "reparameterize_kl", shape, impl)


def speedup(
    records: Sequence[Record], shape: str, other: str, kernel: str = "reparameterize_kl"
) -> float | None:
    """``other``'s time / impl's time for ``kernel`` at ``shape`` (None if either is missing)."""
    mine, theirs = record(records, kernel, shape, "impl"), record(records, kernel, shape, other)
    return theirs["min_s"] / mine["min_s"] if mine and theirs else None


def why(
    records: Sequence[Record], shape: str, tuned: Sequence[Record], kernel: str = "reparameterize_kl"
) -> str:
    """The measured facts behind a missed CPU target: the times, the floor's parts, the tuned allocator."""
    hits = {impl: record(records, kernel, shape, impl) for impl in IMPLS}
    mine = hits["impl"]
    if mine is None:
        return ""
    times = ", ".join(f"{impl} {fmt_s(r['min_s'])}" for impl, r in hits.items() if r)
    parts = f"floor {fmt_s(mine['floor_s'])} = noise {fmt_s(mine['floor_normal_s'])}"
    parts += f" + copy {fmt_s(mine['floor_copy_s'])}"
    other = record(tuned, kernel, shape, "impl")
    alloc = f"; impl with the tuned allocator {fmt_s(other['min_s'])}" if other else ""
    return f"{times}; {parts}{alloc}"


def elements(shape: str) -> int:
    b, d = (int(v) for v in shape.split("x"))
    return b * d


def targets(records: Sequence[Record], tuned: Sequence[Record] = ()) -> list[str]:
    """The speed targets on this CPU (and the CUDA bandwidth one), each met or missed by how much, with the
    figures that say why (``tuned``: records of a tuned-allocator run, for comparison)."""
    le, ge = (lambda v, b: v <= b), (lambda v, b: v >= b)
    rkl = "reparameterize_kl fwdbwd"
    shapes = sorted({r["shape"] for r in records if r["kernel"] == "reparameterize_kl"}, key=elements)
    lines, bound = [], 0.0
    for shape in shapes:
        bound = 3 if elements(shape) <= 4096 else 2
        for other in ("eager", "distributions"):
            lines.append(verdict(f"{rkl} {shape}: {other} / impl >= {bound}", speedup(records, shape, other),
                                 bound, ge, why(records, shape, tuned)))  # fmt: skip
        rivals = [v for o in ("eager", "distributions", "compiled") if (v := speedup(records, shape, o))]
        lines.append(verdict(f"{rkl} {shape}: no rival faster (min rival / impl >= 1)",
                             min(rivals, default=None), 1, ge, why(records, shape, tuned)))  # fmt: skip
    big = record(records, "reparameterize_kl", "65536x512", "impl")
    rng = f"torch-RNG floor (normal_ alone) {fmt_s(big['floor_normal_s'])}" if big else ""
    lines.append(verdict(f"{rkl} 65536x512: time / floor <= 1.5", big["ratio_to_floor"] if big else None,
                         1.5, le, why(records, "65536x512", tuned) + "; " + rng))  # fmt: skip
    for shape in ("128x784", "1024x784"):
        for other, bound in (("eager", 3), ("bce_logits", 1.5)):
            lines.append(verdict(f"neg_elbo fwdbwd {shape}: {other} / impl >= {bound}",
                                 speedup(records, shape, other, "neg_elbo"), bound, ge,
                                 why(records, shape, tuned, "neg_elbo")))  # fmt: skip
    step = speedup(records, "128x784", "bce_logits", "train_step")
    step_why = why(records, "128x784", tuned, "train_step")
    lines.append(
        verdict("train_step 128x784: bce_logits / impl > 1", step, 1.0, lambda v, b: v > b, step_why)
    )
    cuda = [r for r in records if r["device"] == "cuda" and r["impl"] == "impl"
            and r["kernel"] == "reparameterize_kl" and r["elements"] >= 16_000_000]  # fmt: skip
    worst = min((r["effective_gbps"] / r["copy_gbps"] for r in cuda), default=None)
    lines.append(verdict("CUDA impl reparameterize_kl, >= 16M elements: GB/s / copy GB/s >= 0.8", worst, 0.8,
                         ge, "more bytes or kernel launches than the traffic model"))  # fmt: skip
    return lines


def render(records: Sequence[Record], env: dict[str, str], tuned: Sequence[Record] = ()) -> str:
    """The whole summary: environment, the table of time (time / floor), and the targets."""
    lines = [
        "VAE kernel benchmarks: min time per call (time / floor); "
        + ", ".join(f"{k} {v}" for k, v in env.items())
    ]
    lines += [*table(records), "", "Targets, CPU figures from this run:", *targets(records, tuned)]
    if env.get("planted_slowdown", "none") != "none":
        lines.append(
            f"WARNING: planted slowdown active for {env['planted_slowdown']}: not a real measurement"
        )
    return "\n".join(lines) + "\n"


def from_json(path: Path, what: str = "results") -> tuple[list[Record], dict[str, str]]:
    """Records and environment from a ``--benchmark-json`` file of this suite; UsageError if it is not one."""
    data = cli.read_json(path, what)
    try:
        records = [
            {**b["extra_info"], "min_s": b["stats"]["min"], "median_s": b["stats"]["median"]}
            for b in data["benchmarks"]
        ]
        render(records, {}, [])  # reads every field the summary needs
        return records, data["machine_info"].get("vae_bench", {})
    except (KeyError, TypeError, ValueError, AttributeError, StopIteration) as exc:
        raise UsageError(f"{what} {path}: not a run of this suite ({type(exc).__name__}: {exc})") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.parser("summary", __doc__)
    parser.add_argument("json", type=Path, help="a --benchmark-json file from pytest benchmarks")
    parser.add_argument("--tuned", type=Path, help="a tuned-allocator run's JSON, quoted where targets miss")
    parser.add_argument("--out", type=Path, help="also write the summary here")
    args = parser.parse_args(argv)
    try:
        if args.out:
            output_file(args.out, "--out")
        tuned = from_json(args.tuned, "--tuned")[0] if args.tuned else []
        text = render(*from_json(args.json), tuned)
    except UsageError as exc:
        fail(parser.prog, str(exc))
    print(text, end="")
    if args.out:
        write_atomically(args.out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The regression gate: time a base and a change on the same machine in one job, fail on a slowdown.

As Pyro's ``scripts/perf_test.sh`` does: run the benchmarks of the base revision and save them, then run
the change with ``--benchmark-compare`` and ``--benchmark-compare-fail=min:25%``; pytest-benchmark's exit
status is the verdict. The subset is ``-m gate`` (impl only, small CPU shapes, see ``cases.GATE``), on one
thread (``OMP_NUM_THREADS=1``: a busy second core then cannot stall an op) with the minimum over many
rounds, the statistic least moved by other processes on a shared machine.

    python benchmarks/gate.py                  # base = HEAD, change = the working tree
    python benchmarks/gate.py --base origin/main
    python benchmarks/gate.py --selftest       # same code twice must pass; a planted 1.5x slowdown must fail

``--base REF`` checks REF out into a temporary git worktree and imports its ``impl/`` (PYTHONPATH first).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import cli
from vae_kernels import SLOWDOWN_ENV

from derivations.outputs import UsageError, fail, output_file, write_atomically

ROOT = Path(__file__).resolve().parents[1]
PLANTED = "reparameterize_kl"  # the kernel the self-test slows down
# pytest-benchmark prints this (the planted run records its slowdown in machine_info); as a warning it
# would be an error under the project's filterwarnings = error, raised before any benchmark runs.
MACHINE_INFO_WARNING = (
    "ignore:Benchmark machine_info is different:pytest_benchmark.logger.PytestBenchmarkWarning"
)


def pytest_run(tree: Path, storage: Path, name: str, args: Sequence[str], planted: bool = False) -> int:
    """Run the gate subset of ``tree``'s benchmarks; write ``storage/<name>.json``; return pytest's status."""
    env = {k: v for k, v in os.environ.items() if k != SLOWDOWN_ENV}
    env.update(OMP_NUM_THREADS="1", OMP_WAIT_POLICY=env.get("OMP_WAIT_POLICY", "PASSIVE"))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(tree), env.get("PYTHONPATH", "")) if p)
    if planted:
        env[SLOWDOWN_ENV] = PLANTED
    command = [sys.executable, "-m", "pytest", "benchmarks", "-m", "gate", "-q", "-p", "no:cacheprovider",
               f"--benchmark-storage=file://{storage}", f"--benchmark-json={storage / name}.json",
               "--benchmark-columns=min,median,rounds", "-W", MACHINE_INFO_WARNING, *args]  # fmt: skip
    print(f"$ {' '.join(command[1:])}   # in {tree}, {name}", flush=True)
    return subprocess.run(command, cwd=tree, env=env, check=False).returncode


def ratios(storage: Path, base: str, change: str) -> dict[str, float]:
    """min(change) / min(base) per benchmark, from the two runs' JSON files."""

    def mins(name: str) -> dict[str, float]:
        data = json.loads((storage / f"{name}.json").read_text())
        return {b["fullname"]: b["stats"]["min"] for b in data["benchmarks"]}

    before, after = mins(base), mins(change)
    return {name: after[name] / before[name] for name in sorted(before) if name in after}


def compare(storage: Path, name: str, args: list[str], threshold: int, planted: bool) -> int:
    """Run the working tree against the saved base; non-zero if some min slowed by more than threshold %."""
    fail = ["--benchmark-compare=0001", f"--benchmark-compare-fail=min:{threshold}%"]
    return pytest_run(ROOT, storage, name, [*args, *fail], planted)


def report(storage: Path, name: str, status: int, threshold: int) -> tuple[list[str], set[str]]:
    """Lines with each case's min ratio against the base, and the set of cases over the threshold."""
    lines, flagged = [f"{name}: pytest exit status {status}"], set[str]()
    if not (storage / f"{name}.json").exists():
        return [*lines, "  no results written"], flagged
    for case, ratio in ratios(storage, "base", name).items():
        over = ratio > 1 + threshold / 100
        flagged |= {case} if over else set()
        lines.append(f"  {ratio:6.3f}  {'REGRESSED' if over else 'ok':9}  {case.split('::')[-1]}")
    return lines, flagged


def revision(ref: str) -> str:
    """The commit ``ref`` names in this repository; UsageError if it names none."""
    command = ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise UsageError(f"--base {ref}: not a git revision of {ROOT}")
    return done.stdout.strip()


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.parser("gate", __doc__)
    parser.add_argument("--base", help="git revision to compare against (default: the working tree itself)")
    parser.add_argument(
        "--threshold", type=cli.percent, default=25, help="percent slowdown of min that fails"
    )
    parser.add_argument(
        "--budget", type=cli.positive_float, default=0.5, help="seconds of timed rounds per case"
    )
    parser.add_argument("--selftest", action="store_true", help="same code twice, then a planted slowdown")
    parser.add_argument("--out", type=Path, help="write the report here too")
    parser.add_argument("pytest_args", nargs="*", help="passed on to every pytest run (after --)")
    args = parser.parse_args(argv)
    try:
        if args.out:
            output_file(args.out, "--out")
        if args.base:
            revision(args.base)
    except UsageError as exc:
        fail(parser.prog, str(exc))
    storage = ROOT / "build" / "bench-gate"
    shutil.rmtree(storage, ignore_errors=True)
    storage.mkdir(parents=True)
    budget = [f"--bench-budget={args.budget}", *args.pytest_args]
    base_tree = ROOT
    if args.base:
        base_tree = storage / "base-tree"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base_tree), args.base], cwd=ROOT, check=True
        )
    try:
        status = pytest_run(base_tree, storage, "base", [*budget, "--benchmark-save=base"])
    finally:
        if args.base:
            subprocess.run(["git", "worktree", "remove", "--force", str(base_tree)], cwd=ROOT, check=False)
    if status != 0:
        print("gate: the base run failed", file=sys.stderr)
        return status
    runs = [("same" if args.selftest else "change", False)] + ([("planted", True)] if args.selftest else [])
    lines, verdict = [], 0
    for name, planted in runs:
        code = compare(storage, name, budget, args.threshold, planted)
        text, flagged = report(storage, name, code, args.threshold)
        lines += text
        if args.selftest:
            slowed = {c for c in ratios(storage, "base", name) if f"test_{PLANTED}[" in c}
            good = (code != 0 and flagged == slowed != set()) if planted else (code == 0 and not flagged)
            lines.append(f"  self-test {name}: {'as expected' if good else 'UNEXPECTED'}")
            verdict |= 0 if good else 1
        else:
            verdict = code
    print("\n".join(lines))
    if args.out:
        write_atomically(args.out, "\n".join(lines) + "\n")
    return verdict


if __name__ == "__main__":
    sys.exit(main())

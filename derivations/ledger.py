"""The ledger: run every claim, print a table, write JSON; exit non-zero if any claim failed.

    python -m derivations                 # every claim
    python -m derivations --only kl-identity elbo-bound
    python -m derivations --json ledger.json

Claim ids read from the command line are matched against the registry as plain strings: nothing read
from the command line or a file is ever passed to ``sympify`` or ``eval``.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sympy as sp

from derivations.check import ClaimResult, StepResult, check_claim
from derivations.registry import select
from experiments.evidence import empirical_evidence


def step_evidence(r: StepResult) -> dict[str, Any]:
    """One step's result as JSON: both sides in LaTeX, so a failed step shows exactly what differs."""
    kind = {"proved": "symbolic", "checked-numerically": "numeric", "refuted": "counterexample"}
    return {
        "kind": kind.get(r.status, "failure"),
        "step": r.step.name,
        "rule": r.step.rule,
        "relation": r.step.relation,
        "holds": r.step.holds,
        "lhs": sp.latex(r.step.lhs),
        "rhs": sp.latex(r.step.rhs),
        "assumptions": [sp.latex(a) for a in r.step.assumptions],
        "status": r.status,
        "method": r.method,
        "detail": r.detail,
        "seconds": round(r.seconds, 4),
    }


def claim_record(r: ClaimResult) -> dict[str, Any]:
    """The JSON record of one claim (the schema of issue 2, plus references and impl)."""
    evidence = [step_evidence(s) for s in r.steps]
    # Empirical evidence (committed ablation and PPCA runs) sits beside the proof; it never changes status.
    evidence.extend(empirical_evidence(r.claim.id))
    return {
        "id": r.claim.id,
        "title": r.claim.title,
        "statement": r.claim.statement,
        "lecture_times": list(r.claim.lecture_times),
        "method": r.method,
        "status": r.status,
        "evidence": evidence,
        "seconds": round(r.seconds, 4),
        "references": list(r.claim.references),
        "impl": list(r.claim.impl),
    }


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


def environment() -> dict[str, str]:
    """Versions and commit, so a reader knows what produced the ledger."""
    import mpmath
    import torch

    return {
        "python": platform.python_version(),
        "sympy": sp.__version__,
        "mpmath": mpmath.__version__,
        "torch": torch.__version__,
        "platform": platform.platform(),
        "commit": _commit(),
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def run(ids: Sequence[str] | None = None, *, progress: bool = False) -> list[ClaimResult]:
    """Check the chosen claims (all by default) in ledger order."""
    results = []
    for claim in select(list(ids) if ids else None):
        result = check_claim(claim)
        if progress:
            print(f"  {result.status:<20} {result.seconds:7.2f} s  {claim.id}", file=sys.stderr, flush=True)
        results.append(result)
    return results


def table(results: Sequence[ClaimResult]) -> str:
    """The ledger as a fixed-width text table: id, status, method, seconds."""
    width = max([len("id"), *(len(r.claim.id) for r in results)])
    lines = [f"{'id':<{width}}  {'status':<19}  {'seconds':>7}  method", "-" * (width + 90)]
    for r in results:
        lines.append(f"{r.claim.id:<{width}}  {r.status:<19}  {r.seconds:7.2f}  {r.method[:80]}")
        for s in r.steps:
            if s.status == "failed":
                lines.append(f"{'':<{width}}    step {s.step.name} failed: {s.detail[:200]}")
    counts = {
        k: sum(r.status == k for r in results) for k in ("proved", "checked-numerically", "refuted", "failed")
    }
    total = sum(r.seconds for r in results)
    lines.append("-" * (width + 90))
    lines.append(
        ", ".join(f"{v} {k}" for k, v in counts.items()) + f"; {len(results)} claims in {total:.1f} s"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m derivations", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="ID", help="run only these claim ids")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the ledger as JSON to PATH")
    parser.add_argument("--list", action="store_true", help="list claim ids and titles, run nothing")
    parser.add_argument("--quiet", action="store_true", help="no per-claim progress on stderr")
    parser.add_argument("--report", type=Path, metavar="DIR", help="write the reviewer's report to DIR")
    args = parser.parse_args(argv)
    try:
        if args.list:
            for claim in select(None):
                print(f"{claim.id:<34} {claim.title}")
            return 0
        start = time.perf_counter()
        results = run(args.only, progress=not args.quiet)
    except ValueError as exc:
        parser.error(str(exc))
    print(table(results))
    print(f"wall time {time.perf_counter() - start:.1f} s")
    if args.json is not None or args.report is not None:
        document = {"environment": environment(), "claims": [claim_record(r) for r in results]}
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {args.json}")
    if args.report is not None:
        from derivations.report import write_site

        print(f"wrote {write_site(document, args.report)}")
    return 1 if any(r.status == "failed" for r in results) else 0

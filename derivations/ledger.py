"""The ledger: run every claim, print a table, write JSON; exit non-zero if any claim failed.

    python -m derivations                 # every claim
    python -m derivations --only kl-identity elbo-bound
    python -m derivations --json ledger.json

Claim ids read from the command line are matched against the registry as plain strings: nothing read
from the command line or a file is ever passed to ``sympify`` or ``eval``.
"""

from __future__ import annotations

import json
import platform
import subprocess
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sympy as sp

from derivations import registry
from derivations.chains import ClaimResult, ConclusionResult
from derivations.check import StepResult
from derivations.display import conclusion_latex, domains, latex, statement
from derivations.outputs import ArgumentParser, UsageError, fail, output_dir, output_file, write_atomically
from experiments.evidence import empirical_evidence


def step_evidence(r: StepResult) -> dict[str, Any]:
    """One step's result as JSON: both sides in LaTeX, so a failed step shows exactly what differs."""
    kind = {"proved": "symbolic", "checked-numerically": "numeric", "refuted": "counterexample"}
    role = "definition" if r.step.definition else "lemma" if r.step.lemma else "chain"
    return {
        "kind": kind.get(r.status, "definition" if r.status == "definition" else "failure"),
        "step": r.step.name,
        "role": role,
        "by": r.step.by,
        "cites": list(r.step.cites),
        "hypotheses": list(r.step.hypotheses),
        "rule": r.step.rule,
        "relation": r.step.relation,
        "holds": r.step.holds,
        "lhs": latex(r.step.lhs),
        "rhs": latex(r.step.rhs),
        "assumptions": [latex(a) for a in r.step.assumptions],
        "status": r.status,
        "method": r.method,
        "detail": r.detail,
        "seconds": round(r.seconds, 4),
    }


def conclusion_record(c: ConclusionResult) -> dict[str, Any]:
    """One conclusion as JSON: its LaTeX, relation, chain and status."""
    return {
        "name": c.conclusion.name,
        "latex": conclusion_latex(c.conclusion),
        "relation": c.conclusion.relation,
        "holds": c.conclusion.holds,
        "chain": list(c.conclusion.chain),
        "status": c.status,
        "detail": c.detail,
    }


def claim_record(r: ClaimResult) -> dict[str, Any]:
    """The JSON record of one claim: the statement generated from its conclusions, and the evidence."""
    evidence = [step_evidence(s) for s in r.steps]
    # Empirical evidence (committed ablation and PPCA runs) sits beside the proof; it never changes status.
    evidence.extend(empirical_evidence(r.claim.id))
    return {
        "id": r.claim.id,
        "title": r.claim.title,
        "statement": statement(r.claim),
        "conclusions": [conclusion_record(c) for c in r.conclusions],
        "hypotheses": [{"name": h.name, "latex": latex(h.fact), "kind": h.kind} for h in r.claim.hypotheses],
        "domains": domains(r.claim),
        "uses": list(r.claim.uses),
        "special_case": r.claim.special_case,
        "problems": list(r.problems),
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
    """Check the chosen claims (all by default) and what they rest on; results in ledger order."""
    return in_ledger_order(registry.run(registry.select(list(ids) if ids else None), progress=progress))


def in_ledger_order(done: dict[str, ClaimResult]) -> list[ClaimResult]:
    """The results in the order the registry lists their claims."""
    order = {c.id: i for i, c in enumerate(registry.all_claims())}
    return sorted(done.values(), key=lambda r: order.get(r.claim.id, -1))


def table(results: Sequence[ClaimResult]) -> str:
    """The ledger as a fixed-width text table: id, status, method, seconds."""
    width = max([len("id"), *(len(r.claim.id) for r in results)])
    lines = [f"{'id':<{width}}  {'status':<19}  {'seconds':>7}  method", "-" * (width + 90)]
    for r in results:
        lines.append(f"{r.claim.id:<{width}}  {r.status:<19}  {r.seconds:7.2f}  {r.method[:80]}")
        if r.claim.special_case:
            lines.append(f"{'':<{width}}    special case: {r.claim.special_case}")
        if r.status == "failed":
            lines.append(f"{'':<{width}}    why: {r.detail[:200]}")
        for s in r.steps:
            if s.status == "failed":
                lines.append(f"{'':<{width}}    step {s.step.name} failed: {s.detail[:200]}")
    statuses = ("proved", "definition", "checked-numerically", "refuted", "failed")
    counts = {k: sum(r.status == k for r in results) for k in statuses}
    total = sum(r.seconds for r in results)
    lines.append("-" * (width + 90))
    lines.append(
        ", ".join(f"{v} {k}" for k, v in counts.items()) + f"; {len(results)} claims in {total:.1f} s"
    )
    return "\n".join(lines)


def _report_writer() -> Callable[[dict[str, Any], Path], Path]:
    """``report.write_site``, imported before anything runs; UsageError if the package is not there."""
    try:
        from report import write_site
    except ImportError as exc:
        raise UsageError(f"--report needs the report package, which cannot be imported: {exc}") from exc
    return write_site


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ledger; bad input (unknown id or option, an output path under a file or at a directory,
    a report that cannot be written) is one line on stderr and exit 2, and leaves no file behind."""
    parser = ArgumentParser(prog="python -m derivations", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="ID", help="run only these claim ids")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the ledger as JSON to PATH")
    parser.add_argument("--list", action="store_true", help="list claim ids and titles, run nothing")
    parser.add_argument("--quiet", action="store_true", help="no per-claim progress on stderr")
    parser.add_argument("--report", type=Path, metavar="DIR", help="write the reviewer's report to DIR")
    args = parser.parse_args(argv)
    prog = parser.prog
    try:
        if args.json is not None:
            output_file(args.json, "--json")
        write_site = None
        if args.report is not None:
            output_dir(args.report, "--report")
            write_site = _report_writer()
        if args.list:
            for claim in registry.all_claims():
                print(f"{claim.id:<34} {claim.title}")
            return 0
        chosen = registry.select(list(args.only) if args.only else None)
    except (ValueError, UsageError) as exc:  # select: ValueError names the unknown ids
        fail(prog, str(exc))
    start = time.perf_counter()
    results = in_ledger_order(registry.run(chosen, progress=not args.quiet))
    print(table(results))
    print(f"wall time {time.perf_counter() - start:.1f} s")
    if args.json is not None or write_site is not None:
        document = {"environment": environment(), "claims": [claim_record(r) for r in results]}
        try:
            if write_site is not None:
                print(f"wrote {write_site(document, args.report)}")
            if args.json is not None:
                write_atomically(args.json, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
                print(f"wrote {args.json}")
        except (ValueError, UsageError, OSError) as exc:
            fail(prog, f"{type(exc).__name__}: {exc}" if isinstance(exc, OSError) else str(exc))
    return 1 if any(r.status == "failed" for r in results) else 0

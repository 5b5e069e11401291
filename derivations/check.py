"""The checker, the trusted part of the ledger: it alone turns statements into statuses.

Statuses of a step, strongest first:

- ``proved``: SymPy reduced lhs - rhs to zero (or proved its sign) using only the symbols' assumptions and
  the hypotheses the step names, or a kernel rule (monotone, induction) closed it from proved lemmas.
- ``definition``: both sides are the same expression when built (``Step(definition=True)``): shown,
  never counted as a proof.
- ``checked-numerically``: SymPy could not close it; mpmath at 50 digits found no violation at random
  points and at the special points inside the hypotheses. Never reported as proved.
- ``refuted``: a statement meant false (``holds=False``) shown false by a counterexample inside the
  hypotheses and domains.
- ``failed``: anything else, with the reason; an exception inside a step is a failure, never a crash.

A claim's status comes from its conclusions' chains (see ``chains.py``).
"""

from __future__ import annotations

import dataclasses
import signal
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

import sympy as sp

from derivations import numeric
from derivations.core import Claim, Hypothesis, Status, Step
from derivations.symbolic import context, domain_problem, singularities, symbolic
from derivations.tactics import canonical

#: Old private name, still monkeypatched by a claim module's tests (claims-elbo); the kernel calls
#: ``symbolic.singularities``. Remove once no test patches it.
_singularities = singularities

__all__ = ["StepResult", "StepTimeout", "check_claim", "check_step", "context", "time_limit"]

if TYPE_CHECKING:
    from derivations.chains import ClaimResult

RELATIONS = ("==", ">=", ">", "<=", "<")
#: Seconds the 50-digit fallback may take (a divergent integral can keep mpmath's quadrature busy).
NUMERIC_TIMEOUT = 10.0


class StepTimeout(Exception):
    """A check ran past its time limit."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``StepTimeout`` after ``seconds`` of wall time, and every 0.25 s after that until the block
    ends (main thread only; SymPy is pure Python, so the signal interrupts it between bytecodes)."""

    def _raise(signum: int, frame: object) -> None:
        raise StepTimeout(f"exceeded {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)  # re-fires, in case SymPy swallows the first
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclasses.dataclass(frozen=True)
class StepResult:
    """The outcome of checking one step; ``method`` says how, ``detail`` what was found."""

    step: Step
    status: Status
    method: str
    detail: str
    seconds: float


def _sets_differ(step: Step) -> bool:
    """True when an element of one side is known to lie outside the other (a set refutation's witness)."""
    lhs = step.lhs.doit() if hasattr(step.lhs, "doit") else step.lhs
    rhs = step.rhs.doit() if hasattr(step.rhs, "doit") else step.rhs
    return any(sp.Complement(a, b).is_empty is False for a, b in ((lhs, rhs), (rhs, lhs)))


def check_step(step: Step, hypotheses: Mapping[str, Hypothesis] | None = None, lemmas: tuple[Step, ...] = (),
               *, quantified: frozenset[sp.Basic] | None = None) -> StepResult:  # fmt: skip
    """Check one step by its tactics: assumptions, symbolic tactics, then numeric fallback or counterexample.

    ``hypotheses`` maps the claim's hypothesis names to hypotheses; a name the step uses that is missing
    there fails the step. Kernel rules other than "tactics" need the claim: see ``chains.check_claim``.
    """
    start = time.perf_counter()

    def result(status: Status, method: str, detail: str) -> StepResult:
        return StepResult(step, status, method, detail, time.perf_counter() - start)

    try:
        return _check(step, hypotheses or {}, lemmas, quantified, result)
    except Exception as exc:  # the run always finishes: a crash inside a step is that step's failure
        return result("failed", "exception", f"{type(exc).__name__}: {str(exc)[:300]}")


def _check(step: Step, hypotheses: Mapping[str, Hypothesis], lemmas: tuple[Step, ...],  # type: ignore[no-untyped-def]
           quantified: frozenset[sp.Basic] | None, result) -> StepResult:  # fmt: skip
    if step.relation not in RELATIONS:
        return result("failed", "relation", f"relation {step.relation!r} is none of {RELATIONS}")
    missing = [n for n in step.hypotheses if n not in hypotheses]
    if missing:
        return result("failed", "hypotheses", f"uses hypotheses the claim does not display: {missing}")
    for assumption in step.assumptions:
        if sp.ask(assumption) is not True:
            return result(
                "failed", "assumptions", f"stated assumption {assumption} is not carried by the symbols"
            )
    same = canonical(step.lhs) == canonical(step.rhs)
    if step.definition:
        if same:
            return result("definition", "definition", "both sides are the same expression when built")
        return result(
            "failed", "definition", "declared a definition, but the sides differ: state it as a step"
        )
    if same and step.relation in ("==", ">=", "<="):
        return result("failed", "by construction", "both sides are the same expression when built: "
                      "declare it a definition, or state it so that the checker does the work")  # fmt: skip
    if step.by != "tactics":
        return result("failed", step.by, f"rule {step.by!r} needs the claim's lemmas (check_claim)")
    ctx = context(step, hypotheses, lemmas, quantified)
    problem = domain_problem(step, ctx)
    if problem is not None:
        return result("failed", "domain", problem)
    try:
        with time_limit(step.timeout):
            trail: list[sp.Basic] = []
            closed, method, how = symbolic(step, ctx, trail)
            if closed and step.relation == "==":
                singular = singularities(step, ctx, trail)
                if singular is not None:
                    return result("failed", method + " > singular points", singular)
    except StepTimeout as exc:
        closed, method, how = False, "sympy", f"the symbolic check {exc}"
    if closed:
        if step.holds:
            return result("proved", method, how)
        return result("failed", method, f"a statement meant false was proved true ({how})")
    if not step.holds:
        try:
            with time_limit(step.timeout):
                exact = numeric.exact_counterexample(step, ctx)
        except StepTimeout:
            exact = None
        if exact is not None:
            return result("refuted", "sympy: exact counterexample", exact)
    if isinstance(step.lhs, sp.Set) or isinstance(step.rhs, sp.Set):
        if not step.holds and step.relation == "==" and _sets_differ(step):
            return result("refuted", "sympy: set difference", f"{how}; an element lies in one set only")
        return result("failed", method, how)
    try:
        with time_limit(NUMERIC_TIMEOUT):
            ok, detail = numeric.numeric_check(step, ctx, strict=not step.holds)
    except StepTimeout as exc:
        ok, detail = None, f"the numeric check {exc}"
    digits = f"mpmath: {numeric.NUMERIC_DPS}-digit"
    if ok is None:
        return result("failed", f"{digits} check", f"{how}; {detail}")
    if step.holds:
        return result("checked-numerically" if ok else "failed", f"{digits} check", f"{how}; {detail}")
    if not ok:
        return result("refuted", f"{digits} counterexample", detail)
    return result("failed", f"{digits} check", f"no counterexample found inside the hypotheses; {detail}")


def check_claim(claim: Claim, used: Mapping[str, ClaimResult] | None = None) -> ClaimResult:
    """Check a claim: its steps, chains, lemmas and uses (``chains.check_claim``, the stable entry point)."""
    from derivations.chains import check_claim as _check_claim

    return _check_claim(claim, used)

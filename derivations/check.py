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
from sympy.calculus.util import function_range

from derivations import numeric, points
from derivations.core import Claim, Hypothesis, Status, Step, oriented
from derivations.tactics import TACTICS, Context, canonical, with_sign_facts

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


def _is_zero(expr: sp.Basic) -> bool:
    return bool(expr == 0 or (isinstance(expr, sp.Expr) and expr.is_zero is True))


def _run_tactics(
    diff: sp.Basic, step: Step, ctx: Context, relation: str, trail: list[sp.Basic]
) -> tuple[bool, sp.Basic, list[str]]:
    """Apply the step's tactics in order, each form reached appended to ``trail``."""
    tactics = list(step.tactics)
    if ctx.of_kind("equality") and "hypotheses" not in tactics:
        tactics.insert(0, "hypotheses")
    done: list[str] = []
    for name in tactics:
        diff = TACTICS[name](diff, ctx)
        trail.append(diff)
        done.append(name)
        if relation == "==" and _is_zero(diff):
            return True, diff, done
    return False, diff, done


def _range_bound_ok(rng: sp.Set, relation: str) -> bool:
    if not isinstance(rng, sp.Interval):
        return False
    ok = rng.inf > 0 or (rng.inf == 0 and rng.left_open) if relation == ">" else rng.inf >= 0
    return ok is sp.true or ok is True


def _domain_problem(step: Step, ctx: Context) -> str | None:
    """Why the step's ``domain`` is not implied by what it displays (None if it is): a step proved on an
    interval holds on it only, so the interval must contain every value its variable may take."""
    if step.domain is None:
        return None
    var, interval = step.domain
    if not isinstance(var, sp.Symbol) or not isinstance(interval, sp.Set):
        return f"domain must be (symbol, set), not {step.domain}"
    allowed = points.domains([var], ctx.hypotheses)[var]
    if allowed.is_subset(interval) is not True:
        return (f"domain {var} in {interval} is not implied by {var}'s assumptions and the step's hypotheses "
                f"({var} may be anywhere in {allowed}): state it as a hypothesis")  # fmt: skip
    return None


def _function_range(shown: sp.Basic, step: Step, ctx: Context, relation: str) -> tuple[bool, str]:
    """The range of lhs - rhs over the step's interval, when its variable is the only free symbol; the
    bound is confirmed at the special and critical points (SymPy's range is trusted, not blindly)."""
    assert step.domain is not None
    var, interval = step.domain
    others = shown.free_symbols - {var}
    if others:
        return False, f"function_range needs {var} as the only free symbol; also free: {others}"
    rng = function_range(shown, var, interval)
    if not _range_bound_ok(rng, relation):
        return False, f"range of lhs - rhs over {var} in {interval} is {rng}: not {relation} 0"
    confirmed, detail = numeric.numeric_check(step, ctx, sampled=2)
    if confirmed is not True:
        return False, f"function_range gave {rng}, but the points disagree: {detail}"
    return True, f"range of lhs - rhs over {var} in {interval}: {rng}"


def _symbolic(step: Step, ctx: Context, trail: list[sp.Basic] | None = None) -> tuple[bool, str, str]:
    """Apply the step's tactics to lhs - rhs; return (closed?, method, detail); the forms of lhs - rhs
    the tactics reached go to ``trail`` (where ``_singularities`` looks for undefined points)."""
    lhs, rhs, relation = oriented(step)
    if isinstance(lhs, sp.Set) or isinstance(rhs, sp.Set):
        if relation != "==":
            return False, "sets", f"sets are compared with ==, not {relation}"
        value = lhs.doit() if hasattr(lhs, "doit") else lhs
        return bool(value == rhs), "sympy: set equality", f"lhs evaluates to {sp.sstr(value)[:200]}"
    diff, back = with_sign_facts(lhs - rhs, ctx)
    reached: list[sp.Basic] = []
    closed, diff, done = _run_tactics(diff, step, ctx, relation, reached)
    if trail is not None:
        trail.extend(e.xreplace(back) if back else e for e in reached)
    method = "sympy: " + (" > ".join(done) if done else "none")
    shown = diff.xreplace(back) if back else diff
    if relation == "==":
        return closed, method, "lhs - rhs reduces to 0" if closed else f"residual {sp.sstr(shown)[:200]}"
    if (diff.is_positive if relation == ">" else diff.is_nonnegative) is True:
        word = "positive" if relation == ">" else "nonnegative"
        return True, method + " > sign query", f"lhs - rhs = {sp.sstr(shown)[:120]} is {word}"
    if step.domain is not None:
        ok, how = _function_range(shown, step, ctx, relation)
        return ok, method + " > function_range", how
    return False, method, f"sign of {sp.sstr(shown)[:200]} not decided"


def _singularities(step: Step, ctx: Context, trail: list[sp.Basic]) -> str | None:
    """Re-check an equality where a side, or a form the tactics reached (the closed form SymPy evaluated),
    is undefined (a denominator vanishes: b = 0 in (eᵇ - 1)/b); None if each such point inside the
    hypotheses holds there, shown by the tactics on the sides evaluated at that point."""
    diff = step.lhs - step.rhs
    inside = numeric.where(step, sorted(diff.free_symbols, key=str), ctx)
    for point in points.singular_points(sp.Tuple(diff, *trail), inside):
        if not points.satisfies(point, ctx.hypotheses):
            continue
        at = dataclasses.replace(step, lhs=step.lhs.subs(point), rhs=step.rhs.subs(point))
        closed, _, how = _symbolic(at, ctx)
        if not closed:
            where = ", ".join(f"{k} = {v}" for k, v in point.items())
            return (
                f"at {where}, where a side or its evaluated closed form is undefined, it is not shown: {how}"
            )
    return None


def _sets_differ(step: Step) -> bool:
    """True when an element of one side is known to lie outside the other (a set refutation's witness)."""
    lhs = step.lhs.doit() if hasattr(step.lhs, "doit") else step.lhs
    rhs = step.rhs.doit() if hasattr(step.rhs, "doit") else step.rhs
    return any(sp.Complement(a, b).is_empty is False for a, b in ((lhs, rhs), (rhs, lhs)))


def context(step: Step, hypotheses: Mapping[str, Hypothesis] | None = None,
            lemmas: tuple[Step, ...] = ()) -> Context:  # fmt: skip
    """What ``step`` may use: the named hypotheses, its own ``assuming``, and its cited proved lemmas as
    facts (an equality lemma as a substitution, ``a >= 0``-shaped lemmas as sign facts); larger
    expressions first, so a compound fact is found before its parts are replaced."""
    named = tuple((hypotheses or {})[n] for n in step.hypotheses if n in (hypotheses or {}))
    facts = []
    for lemma in lemmas:
        lhs, rhs, relation = oriented(lemma)
        if relation == "==":
            facts.append(Hypothesis(f"lemma {lemma.name}", sp.Eq(lhs, rhs, evaluate=False)))
        elif rhs == 0:
            facts.append(Hypothesis(f"lemma {lemma.name}", sp.Rel(lhs, 0, relation, evaluate=False)))
    ordered = sorted(named + step.assuming + tuple(facts), key=lambda h: -sp.count_ops(h.fact))
    return Context(hypotheses=tuple(ordered))


def check_step(step: Step, hypotheses: Mapping[str, Hypothesis] | None = None,
               lemmas: tuple[Step, ...] = ()) -> StepResult:  # fmt: skip
    """Check one step by its tactics: assumptions, symbolic tactics, then numeric fallback or counterexample.

    ``hypotheses`` maps the claim's hypothesis names to hypotheses; a name the step uses that is missing
    there fails the step. Kernel rules other than "tactics" need the claim: see ``chains.check_claim``.
    """
    start = time.perf_counter()

    def result(status: Status, method: str, detail: str) -> StepResult:
        return StepResult(step, status, method, detail, time.perf_counter() - start)

    try:
        return _check(step, hypotheses or {}, lemmas, result)
    except Exception as exc:  # the run always finishes: a crash inside a step is that step's failure
        return result("failed", "exception", f"{type(exc).__name__}: {str(exc)[:300]}")


def _check(step: Step, hypotheses: Mapping[str, Hypothesis], lemmas: tuple[Step, ...], result) -> StepResult:  # type: ignore[no-untyped-def]
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
    ctx = context(step, hypotheses, lemmas)
    problem = _domain_problem(step, ctx)
    if problem is not None:
        return result("failed", "domain", problem)
    try:
        with time_limit(step.timeout):
            trail: list[sp.Basic] = []
            closed, method, how = _symbolic(step, ctx, trail)
            if closed and step.relation == "==":
                singular = _singularities(step, ctx, trail)
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

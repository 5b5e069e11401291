"""The checker: proves a ``Step`` with SymPy, or checks it at 50 digits, or refutes it.

Statuses, strongest first:

- ``proved``: SymPy reduced ``lhs - rhs`` to zero (or proved its sign) under the symbols' assumptions.
- ``checked-numerically``: SymPy could not close the step within its timeout, and mpmath at
  ``NUMERIC_DPS`` digits found ``|lhs - rhs| < 10**-NUMERIC_TOL_DIGITS`` (relative) at ``NUMERIC_POINTS``
  random points drawn inside the assumptions. Never reported as proved.
- ``refuted``: a ``holds=False`` step, shown false by a counterexample (exact when SymPy can evaluate it,
  else at 50 digits).
- ``failed``: anything else: a true-by-intent step that could not be shown, or a wrong-by-intent step that
  turned out true.
"""

from __future__ import annotations

import dataclasses
import random
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import mpmath
import sympy as sp
from sympy.calculus.util import function_range

from derivations.core import Claim, Status, Step

NUMERIC_DPS = 50
NUMERIC_POINTS = 12
NUMERIC_TOL_DIGITS = 35
#: Exact rational points tried first when looking for a counterexample.
_EXACT_POSITIVE = (sp.Rational(3, 2), sp.Rational(2, 5), sp.Integer(3))
_EXACT_REAL = (sp.Rational(7, 10), sp.Rational(-4, 3), sp.Integer(2))


class StepTimeout(Exception):
    """The symbolic tactics ran past the step's timeout."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``StepTimeout`` after ``seconds`` of wall time (main thread only; SymPy is pure Python)."""

    def _raise(signum: int, frame: object) -> None:
        raise StepTimeout(f"symbolic check exceeded {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def merge_integrals(expr: sp.Basic) -> sp.Basic:
    """Combine ``c1*Integral(f, L) + c2*Integral(g, L)`` into ``Integral(c1*f + c2*g, L)`` (linearity)."""
    if not isinstance(expr, sp.Add):
        return expr
    groups: dict[tuple[sp.Basic, ...], sp.Basic] = {}
    rest: list[sp.Basic] = []
    for term in expr.args:
        coeff, factors = term.as_coeff_mul()
        integrals = [f for f in factors if isinstance(f, sp.Integral)]
        if len(integrals) != 1 or any(
            f.has(*integrals[0].variables) for f in factors if f is not integrals[0]
        ):
            rest.append(term)
            continue
        integral = integrals[0]
        outside = coeff * sp.Mul(*[f for f in factors if f is not integral])
        groups[integral.limits] = groups.get(integral.limits, sp.S.Zero) + outside * integral.function
    merged = [sp.Integral(sp.simplify(f), *limits) for limits, f in groups.items()]
    return sp.Add(*merged, *rest)


TACTICS: dict[str, Callable[[sp.Basic], sp.Basic]] = {
    "doit": lambda e: e.doit(),
    "simplify": sp.simplify,
    "expand": sp.expand,
    "expand_log": lambda e: sp.expand(sp.expand_log(e)),  # no force=True: assumptions must license it
    "merge_integrals": merge_integrals,
    "rewrite_erf": lambda e: e.rewrite(sp.erf),
    "together": sp.together,
    "factor": sp.factor,
}


@dataclasses.dataclass(frozen=True)
class StepResult:
    """The outcome of checking one step; ``method`` says how, ``detail`` what was found."""

    step: Step
    status: Status
    method: str
    detail: str
    seconds: float


@dataclasses.dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    status: Status
    steps: tuple[StepResult, ...]
    seconds: float

    @property
    def method(self) -> str:
        """The distinct methods of the steps, in order of first use."""
        return "; ".join(dict.fromkeys(r.method for r in self.steps))


def _is_zero(expr: sp.Basic) -> bool:
    return bool(expr == 0 or (isinstance(expr, sp.Expr) and expr.is_zero is True))


def _symbolic(step: Step) -> tuple[bool, str, str]:
    """Apply the step's tactics to lhs - rhs; return (closed?, method, detail)."""
    if isinstance(step.lhs, sp.Set) or isinstance(step.rhs, sp.Set):
        lhs = step.lhs.doit() if hasattr(step.lhs, "doit") else step.lhs
        return bool(lhs == step.rhs), "sympy: set equality", f"lhs evaluates to {sp.sstr(lhs)[:200]}"
    diff = step.lhs - step.rhs
    done: list[str] = []
    for name in step.tactics:
        diff = TACTICS[name](diff)
        done.append(name)
        if step.relation == "==" and _is_zero(diff):
            return True, "sympy: " + " > ".join(done), "lhs - rhs reduces to 0"
    method = "sympy: " + " > ".join(done) if done else "sympy: none"
    if step.relation == "==":
        return False, method, f"residual {sp.sstr(diff)[:200]}"
    sign_ok = diff.is_positive if step.relation == ">" else diff.is_nonnegative
    if sign_ok:
        word = "positive" if step.relation == ">" else "nonnegative"
        return True, method + " > sign query", f"lhs - rhs = {sp.sstr(diff)[:120]} is {word}"
    if step.domain is not None:
        var, interval = step.domain
        rng = function_range(diff, var, interval)
        if isinstance(rng, sp.Interval):
            bound_ok = (
                rng.inf > 0 or (rng.inf == 0 and rng.left_open) if step.relation == ">" else rng.inf >= 0
            )
            if bound_ok is sp.true or bound_ok is True:
                return (
                    True,
                    method + " > function_range",
                    f"range of lhs - rhs over {var} in {interval}: {rng}",
                )
    return False, method, f"sign of {sp.sstr(diff)[:200]} not decided"


def _sample(symbols: list[sp.Symbol], rng: random.Random) -> dict[sp.Symbol, mpmath.mpf]:
    point = {}
    for sym in symbols:
        if sym.is_integer:
            point[sym] = mpmath.mpf(rng.randint(1, 4))
        elif sym.is_positive:
            point[sym] = mpmath.mpf(rng.uniform(0.3, 2.5))
        else:
            point[sym] = mpmath.mpf(rng.choice((-1, 1)) * rng.uniform(0.2, 2.0))
    return point


def _free(step: Step) -> list[sp.Symbol]:
    return sorted((step.lhs.free_symbols | step.rhs.free_symbols), key=lambda s: s.name)


def _violates(gap: sp.Basic | mpmath.mpf, relation: str, tol: mpmath.mpf | int = 0) -> bool:
    """True when ``lhs - rhs = gap`` contradicts ``lhs <relation> rhs`` (beyond ``tol``)."""
    if relation == "==":
        return bool(abs(gap) > tol)
    return bool(gap < -tol) if relation == ">=" else bool(gap <= tol)


def _evaluate(expr: sp.Basic, subs: dict[sp.Symbol, sp.Float]) -> mpmath.mpf:
    """expr at a point, to NUMERIC_DPS digits; derivatives and limits are evaluated before substituting."""
    value = sp.N(expr.doit().subs(subs), NUMERIC_DPS)
    if not value.is_real or not value.is_finite:
        raise ValueError(f"{sp.sstr(expr)[:80]} does not evaluate to a finite real number there ({value})")
    return mpmath.mpf(value)


def _numeric(step: Step) -> tuple[bool | None, str]:
    """Evaluate both sides at random points at NUMERIC_DPS digits.

    Returns (True, detail) if the relation held within tolerance everywhere, (False, detail) at the first
    violation, (None, detail) if a side could not be evaluated numerically.
    """
    rng = random.Random(f"{step.name}:{sp.srepr(step.lhs)}")
    worst = mpmath.mpf(0)
    tol = mpmath.mpf(10) ** -NUMERIC_TOL_DIGITS
    points = NUMERIC_POINTS if _free(step) else 1  # a closed number needs one evaluation
    with mpmath.workdps(NUMERIC_DPS):
        for _ in range(points):
            point = _sample(_free(step), rng)
            subs = {k: sp.Float(v, NUMERIC_DPS) for k, v in point.items()}
            where = ", ".join(f"{k}={mpmath.nstr(v, 6)}" for k, v in point.items()) or "(no free symbols)"
            try:
                lhs, rhs = _evaluate(step.lhs, subs), _evaluate(step.rhs, subs)
            except (TypeError, ValueError, AttributeError) as exc:
                return None, f"could not evaluate numerically at {where}: {exc}"
            gap = lhs - rhs
            scale = max(mpmath.mpf(1), abs(lhs), abs(rhs))
            worst = max(worst, abs(gap) / scale)
            if _violates(gap / scale, step.relation, tol):
                return False, f"at {where}: lhs - rhs = {mpmath.nstr(gap, 6)} ({NUMERIC_DPS} digits)"
    return True, f"{points} random point(s), max relative gap {mpmath.nstr(worst, 3)}"


def _exact_counterexample(step: Step) -> str | None:
    """A rational point where lhs - rhs evaluates exactly to a number contradicting the relation."""
    if isinstance(step.lhs, sp.Set):
        return None
    symbols = _free(step)
    for i in range(3):
        point = {
            sym: (
                sp.Integer(2 + i)
                if sym.is_integer
                else (_EXACT_POSITIVE if sym.is_positive else _EXACT_REAL)[i]
            )
            for sym in symbols
        }
        gap = sp.simplify((step.lhs - step.rhs).subs(point).doit())
        if gap.is_number and gap.is_extended_real and _violates(gap, step.relation):
            where = ", ".join(f"{k}={v}" for k, v in point.items()) or "(no free symbols)"
            return f"exact counterexample at {where}: lhs - rhs = {sp.sstr(gap)} (= {sp.N(gap, 6)})"
    return None


def check_step(step: Step) -> StepResult:
    """Check one step: assumptions, then symbolic tactics, then numeric fallback or counterexample."""
    start = time.perf_counter()

    def result(status: Status, method: str, detail: str) -> StepResult:
        return StepResult(step, status, method, detail, time.perf_counter() - start)

    for assumption in step.assumptions:
        if sp.ask(assumption) is not True:
            return result(
                "failed", "assumptions", f"stated assumption {assumption} is not carried by the symbols"
            )
    try:
        with time_limit(step.timeout):
            closed, method, how = _symbolic(step)
    except StepTimeout as exc:
        closed, method, how = False, "sympy", str(exc)
    if closed:
        if step.holds:
            return result("proved", method, how)
        return result("failed", method, f"a step stated as wrong was proved true ({how})")
    if not step.holds:
        try:
            with time_limit(step.timeout):
                exact = _exact_counterexample(step)
        except StepTimeout:
            exact = None
        if exact is not None:
            return result("refuted", "sympy: exact counterexample", exact)
    if isinstance(step.lhs, sp.Set):
        return result("refuted" if not step.holds else "failed", method, how)
    ok, detail = _numeric(step)
    if ok is None:
        return result("failed", f"mpmath: {NUMERIC_DPS}-digit check", f"{how}; {detail}")
    if step.holds and ok:
        return result("checked-numerically", f"mpmath: {NUMERIC_DPS}-digit check", f"{how}; {detail}")
    if not step.holds and not ok:
        return result("refuted", f"mpmath: {NUMERIC_DPS}-digit counterexample", detail)
    if step.holds:
        return result("failed", f"mpmath: {NUMERIC_DPS}-digit check", f"{how}; {detail}")
    return result("failed", f"mpmath: {NUMERIC_DPS}-digit check", f"no counterexample found; {detail}")


def claim_status(claim: Claim, steps: tuple[StepResult, ...]) -> Status:
    """Proved only if every step is proved; refuted if its wrong steps are refuted and the rest stand."""
    statuses = [r.status for r in steps]
    if not statuses or "failed" in statuses:
        return "failed"
    true_steps = [r.status for r in steps if r.step.holds]
    if claim.refutes:
        return "refuted" if all(s in ("proved", "checked-numerically") for s in true_steps) else "failed"
    return "proved" if all(s == "proved" for s in statuses) else "checked-numerically"


def check_claim(claim: Claim) -> ClaimResult:
    """Check every step of a claim in order (a failed step does not stop the rest: all are reported)."""
    start = time.perf_counter()
    steps = tuple(check_step(step) for step in claim.steps)
    return ClaimResult(claim, claim_status(claim, steps), steps, time.perf_counter() - start)

"""The 50-digit check that stands in for a proof, and the search for counterexamples.

``numeric_check`` evaluates lhs - rhs at points inside the hypotheses (``points``): for an inequality the
exact special and critical points first, for an equality the points where a side is undefined first, then
random points. A point where the statement cannot be evaluated is a failure, not a skipped point; a check
that found no point inside the hypotheses checked nothing and says so. ``exact_counterexample`` looks for a
rational point inside every hypothesis (strictly: hypotheses that mention the point must hold there) at
which lhs - rhs is a number that breaks the relation.
"""

from __future__ import annotations

import random
from typing import Any

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from derivations import points
from derivations.core import Step, oriented
from derivations.facts import Context, subs_free
from derivations.points import NUMERIC_DPS

NUMERIC_POINTS = 12
#: A numeric check must evaluate the statement at this many points inside the hypotheses to count.
NUMERIC_MIN_POINTS = 3
NUMERIC_TOL_DIGITS = 35
#: A numeric counterexample must break the relation by more than 1e-10 (relative): quadrature noise at
#: 50 digits is far below, and a gap of exactly 0 (e^r - 1 - r > 0 at r = 0) is for the exact search.
REFUTE_TOL_DIGITS = 10


def where(step: Step, symbols: list[sp.Symbol], ctx: Context) -> dict[sp.Symbol, sp.Set]:
    """Each symbol's set: assumptions, domain hypotheses and bounds, and the step's own ``domain``."""
    found = points.domains(symbols, ctx.hypotheses)
    if step.domain is not None and step.domain[0] in found:
        found[step.domain[0]] = found[step.domain[0]].intersect(step.domain[1])
    return found


def evaluate(expr: sp.Basic, subs: dict) -> mpmath.mpf:
    """expr at a point, to NUMERIC_DPS digits (evaluate derivatives and limits first: ``evaluated``)."""
    value = sp.N(subs_free(expr, subs), NUMERIC_DPS)
    if not value.is_real or not value.is_finite:
        raise ValueError(f"{sp.sstr(expr)[:80]} does not evaluate to a finite real number there ({value})")
    return mpmath.mpf(value)


def abstract(*exprs: sp.Basic) -> bool:
    """True if an undefined function (q(z), KL_D(D)) occurs: no point gives it a value, so the numeric
    check and the counterexample search skip it at once (evaluating SymPy's unevaluated integrals of it
    took seconds a point)."""
    return any(isinstance(e, sp.Basic) and e.atoms(AppliedUndef) for e in exprs)


def evaluated(expr: sp.Basic) -> sp.Basic:
    """``expr`` with derivatives, limits and sums evaluated once; integrals SymPy can evaluate too
    (those it cannot stay, for mpmath's quadrature at each point)."""
    return expr.doit() if isinstance(expr, sp.Basic) else expr


def violates(gap: Any, relation: str, tol: Any = 0) -> bool:
    """True when ``lhs - rhs = gap`` (an mpf or a SymPy number) contradicts ``lhs <relation> rhs``."""
    if relation == "==":
        return bool(abs(gap) > tol)
    return bool(gap < -tol) if relation == ">=" else bool(gap <= tol)


def refutes(gap: Any, relation: str, tol: Any) -> bool:
    """True when ``gap`` is clearly on the wrong side: |gap| > tol for ==, gap < -tol for >= and >."""
    return bool(abs(gap) > tol) if relation == "==" else bool(gap < -tol)


def _candidates(step: Step, ctx: Context, sampled: int) -> list[dict]:
    lhs, rhs, relation = oriented(step)
    symbols = sorted(lhs.free_symbols | rhs.free_symbols, key=lambda s: s.name)
    inside = where(step, symbols, ctx)
    rng = random.Random(f"{step.name}:{sp.srepr(lhs)}")
    found: list[dict] = []
    if relation != "==":
        found += list(points.exact_points(symbols, inside))
        if len(symbols) == 1:
            (sym,) = symbols
            found += [{sym: c} for c in points.critical_points(lhs - rhs, sym, inside[sym])]
            found += [{sym: v} for v in points.special_values(sym, inside[sym])]
    else:
        found += points.singular_points(lhs - rhs, inside)
    found += [points.random_point(symbols, inside, rng) for _ in range(sampled if symbols else 1)]
    return found


def numeric_check(
    step: Step, ctx: Context, strict: bool = False, sampled: int = NUMERIC_POINTS
) -> tuple[bool | None, str]:
    """(True, detail): no violation at 50 digits; (False, detail): the first violation; (None, detail):
    not evaluable at a point inside the hypotheses, or too few points inside them to say anything.
    ``strict`` (for a refutation): only points known to satisfy every hypothesis that mentions them;
    ``sampled``: how many random points follow the special ones."""
    lhs, rhs, relation = oriented(step)
    if abstract(lhs, rhs):
        return None, "an undefined function (an abstract density) has no value at a point: nothing to check"
    left_form, right_form = evaluated(lhs), evaluated(rhs)
    worst, tol = mpmath.mpf(0), mpmath.mpf(10) ** -(REFUTE_TOL_DIGITS if strict else NUMERIC_TOL_DIGITS)
    tried, needed = 0, 1 if not (lhs.free_symbols | rhs.free_symbols) else NUMERIC_MIN_POINTS
    with mpmath.workdps(NUMERIC_DPS):
        for point in _candidates(step, ctx, sampled):
            if not points.satisfies(point, ctx.hypotheses, strict):
                continue
            at = ", ".join(f"{k}={sp.N(v, 6)}" for k, v in point.items()) or "(no free symbols)"
            try:
                left, right = evaluate(left_form, point), evaluate(right_form, point)
            except (TypeError, ValueError, AttributeError, ZeroDivisionError) as exc:
                return None, f"could not evaluate numerically at {at}: {exc}"
            tried += 1
            gap, scale = left - right, max(mpmath.mpf(1), abs(left), abs(right))
            worst = max(worst, abs(gap) / scale)
            if (refutes if strict else violates)(gap / scale, relation, tol):
                return False, f"at {at}: lhs - rhs = {mpmath.nstr(gap, 6)} ({NUMERIC_DPS} digits)"
    if tried < needed:
        return None, f"only {tried} point(s) found inside the hypotheses: nothing was checked"
    return True, f"{tried} point(s) inside the hypotheses, max relative gap {mpmath.nstr(worst, 3)}"


def exact_counterexample(step: Step, ctx: Context) -> str | None:
    """A rational point inside every hypothesis where lhs - rhs is exactly a number breaking the relation."""
    lhs, rhs, relation = oriented(step)
    if isinstance(lhs, sp.Set) or abstract(lhs, rhs):
        return None
    symbols = sorted(lhs.free_symbols | rhs.free_symbols, key=lambda s: s.name)
    for point in points.exact_points(symbols, where(step, symbols, ctx)):
        if not points.satisfies(point, ctx.hypotheses, strict=True):
            continue
        gap = sp.simplify(subs_free(lhs - rhs, point).doit())
        if gap.is_number and gap.is_extended_real and violates(gap, relation):
            at = ", ".join(f"{k}={v}" for k, v in point.items()) or "(no free symbols)"
            return f"exact counterexample at {at}: lhs - rhs = {sp.sstr(gap)} (= {sp.N(gap, 6)})"
    return None

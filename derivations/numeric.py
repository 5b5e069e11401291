"""Points inside the hypotheses: the 50-digit check that stands in for a proof, and counterexamples.

Both respect what the claim displays: a symbol's SymPy assumptions (σ > 0), its domain hypothesis
(x ∈ [0, 1]) and its sign hypotheses; a point that breaks any of them is never used. An inequality is
also tried where counterexamples hide: 0, ±1, the ends of stated intervals and the critical points of
lhs - rhs that SymPy finds, so "eʳ - 1 - r > 0 for real r" meets r = 0.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import mpmath
import sympy as sp

from derivations.core import Hypothesis

NUMERIC_DPS = 50
NUMERIC_POINTS = 12
NUMERIC_TOL_DIGITS = 35
_EXACT_POSITIVE = (sp.Rational(3, 2), sp.Rational(2, 5), sp.Integer(3))
_EXACT_REAL = (sp.Rational(7, 10), sp.Rational(-4, 3), sp.Integer(2))


def domains(symbols: list[sp.Symbol], hypotheses: tuple[Hypothesis, ...]) -> dict[sp.Symbol, sp.Set]:
    """The set each symbol ranges over: its assumptions, narrowed by any domain hypothesis."""
    out: dict[sp.Symbol, sp.Set] = {}
    for sym in symbols:
        if sym.is_integer:
            base: sp.Set = sp.Naturals if sym.is_positive else sp.Naturals0 if sym.is_nonnegative else sp.Integers
        elif sym.is_positive:
            base = sp.Interval.open(0, sp.oo)
        elif sym.is_negative:
            base = sp.Interval.open(-sp.oo, 0)
        elif sym.is_nonnegative:
            base = sp.Interval(0, sp.oo)
        else:
            base = sp.Reals
        if sym.is_nonzero and not sym.is_integer:
            base = base - sp.FiniteSet(0)
        out[sym] = base
    for h in hypotheses:
        if h.kind == "domain" and h.fact.args[0] in out:
            out[h.fact.args[0]] = out[h.fact.args[0]].intersect(h.fact.args[1])
    return out


def satisfies(point: dict[sp.Symbol, sp.Basic], hypotheses: tuple[Hypothesis, ...]) -> bool:
    """True unless the point is known to break a sign or domain hypothesis."""
    for h in hypotheses:
        if h.kind not in ("sign", "domain"):
            continue
        try:
            value = h.fact.subs(point)
        except (TypeError, ValueError):
            return False
        if value is sp.false or value is False:
            return False
    return True


def special_values(sym: sp.Symbol, where: sp.Set) -> list[sp.Basic]:
    """0, ±1 and the finite ends of ``where``, those inside it (exact)."""
    ends: list[sp.Basic] = []
    if isinstance(where, sp.Interval):
        ends = [e for e in (where.inf, where.sup) if e.is_finite]
    return [v for v in (sp.Integer(0), sp.Integer(1), sp.Integer(-1), *ends) if where.contains(v) is sp.true]


def exact_points(symbols: list[sp.Symbol], where: dict[sp.Symbol, sp.Set]) -> Iterator[dict]:
    """A few rational points inside the domains, special values first."""
    for i in range(3):
        point = {}
        for sym in symbols:
            choices = [
                *special_values(sym, where[sym]),
                *(range(2, 6) if sym.is_integer else _EXACT_POSITIVE if sym.is_positive else _EXACT_REAL),
                sp.Rational(1, 3),
                sp.Rational(1, 2),
            ]
            inside = [sp.Integer(c) if isinstance(c, int) else c for c in choices]
            inside = [c for c in inside if where[sym].contains(c) is sp.true]
            if not inside:
                break
            point[sym] = inside[(i * (1 + len(point))) % len(inside)]
        else:
            yield point


def random_point(symbols: list[sp.Symbol], where: dict[sp.Symbol, sp.Set], rng: random.Random) -> dict:
    """A random point inside the domains (bounded intervals sampled uniformly, others in 0.2..2.5)."""
    point = {}
    for sym in symbols:
        dom = where[sym]
        if sym.is_integer:
            point[sym] = sp.Integer(rng.randint(1, 4))
            continue
        if isinstance(dom, sp.Interval) and dom.inf.is_finite and dom.sup.is_finite:
            value = rng.uniform(float(dom.inf), float(dom.sup))
        elif isinstance(dom, sp.Interval) and dom.inf.is_finite:
            value = float(dom.inf) + rng.uniform(0.2, 2.5)
        elif isinstance(dom, sp.Interval) and dom.sup.is_finite:
            value = float(dom.sup) - rng.uniform(0.2, 2.5)
        else:
            value = rng.choice((-1, 1)) * rng.uniform(0.2, 2.0)
        point[sym] = sp.Float(value, NUMERIC_DPS)
    return point


def critical_points(gap: sp.Expr, sym: sp.Symbol, where: sp.Set) -> list[sp.Basic]:
    """Real stationary points of ``gap`` in ``sym`` inside ``where`` (one free symbol only)."""
    if gap.free_symbols != {sym}:
        return []
    try:
        found = sp.solve(sp.diff(gap, sym), sym)
    except (NotImplementedError, TypeError, ValueError):
        return []
    return [c for c in found if c.is_real and where.contains(c) is sp.true]


def evaluate(expr: sp.Basic, subs: dict) -> mpmath.mpf:
    """expr at a point, to NUMERIC_DPS digits; derivatives and limits are evaluated before substituting."""
    value = sp.N(expr.doit().subs(subs), NUMERIC_DPS)
    if not value.is_real or not value.is_finite:
        raise ValueError(f"{sp.sstr(expr)[:80]} does not evaluate to a finite real number there ({value})")
    return mpmath.mpf(value)


def violates(gap: object, relation: str, tol: object = 0) -> bool:
    """True when ``lhs - rhs = gap`` contradicts ``lhs <relation> rhs`` (beyond ``tol``)."""
    if relation == "==":
        return bool(abs(gap) > tol)  # type: ignore[arg-type, operator]
    return bool(gap < -tol) if relation == ">=" else bool(gap <= tol)  # type: ignore[operator]

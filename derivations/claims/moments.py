"""Expectations of polynomials under a Gaussian, by the moments of N(0, 1), which are proved here.

E_{z ~ N(m, s^2)}[f(z)] for a polynomial f: write z = m + s u with u ~ N(0, 1), expand in u, and replace
u^n by E[u^n] = (n - 1)!! for even n, 0 for odd n. SymPy's ``integrate`` takes seconds per expectation
where this takes milliseconds (measured in ``../shared/SYMPY_NOTES.md``); the claim ``gaussian-moments``
proves the moment table from its defining integral, so the shortcut rests on a proved fact.
"""

from __future__ import annotations

import sympy as sp

from derivations.core import Claim, Step
from derivations.symbols import m, s, u

#: Highest moment proved by ``gaussian-moments``; ``gaussian_expectation`` refuses higher degrees.
MAX_MOMENT = 6


def standard_normal_pdf(var: sp.Symbol) -> sp.Expr:
    """The N(0, 1) density, exp(-var^2 / 2) / sqrt(2 pi)."""
    return sp.exp(-(var**2) / 2) / sp.sqrt(2 * sp.pi)


def normal_pdf(var: sp.Symbol, mean: sp.Expr, std: sp.Expr) -> sp.Expr:
    """The N(mean, std^2) density (Bishop 2006, eq. 1.46)."""
    return sp.exp(-((var - mean) ** 2) / (2 * std**2)) / sp.sqrt(2 * sp.pi * std**2)


def standard_normal_moment(order: int) -> sp.Integer:
    """E[u^order] for u ~ N(0, 1): (order - 1)!! if order is even, else 0."""
    return sp.Integer(0) if order % 2 else sp.factorial2(order - 1)


def gaussian_expectation(expr: sp.Expr, var: sp.Symbol, mean: sp.Expr, std: sp.Expr) -> sp.Expr:
    """E_{var ~ N(mean, std^2)}[expr] for expr polynomial in ``var`` (degree <= MAX_MOMENT).

    Raises ValueError if ``expr`` is not a polynomial in ``var`` of degree at most MAX_MOMENT.
    """
    substituted = sp.expand(expr.subs(var, mean + std * u))
    if not substituted.is_polynomial(u) or sp.degree(substituted, u) > MAX_MOMENT:
        raise ValueError(f"expr must be a polynomial of degree <= {MAX_MOMENT} in {var}, got {expr}")
    poly = sp.Poly(substituted, u)
    return sp.expand(sum(c * standard_normal_moment(k) for (k,), c in poly.terms()))


def claims() -> tuple[Claim, ...]:
    steps = tuple(
        Step(
            name=f"moment-{k}",
            lhs=sp.Integral(u**k * standard_normal_pdf(u), (u, -sp.oo, sp.oo)),
            rhs=standard_normal_moment(k),
            rule="E[u^n] = ∫ u^n φ(u) du = (n - 1)!! for even n, 0 for odd n (Gaussian integral)",
        )
        for k in range(MAX_MOMENT + 1)
    )
    location_scale = Step(
        name="location-scale",
        lhs=sp.Integral(sp.expand((m + s * u) ** 2) * standard_normal_pdf(u), (u, -sp.oo, sp.oo)),
        rhs=gaussian_expectation(sp.Symbol("z", real=True) ** 2, sp.Symbol("z", real=True), m, s),
        rule="E[(m + s u)^2] by the integral agrees with the moment shortcut: m^2 + s^2",
    )
    return (
        Claim(
            id="gaussian-moments",
            title="Moments of N(0, 1), which every Gaussian expectation of a polynomial here rests on",
            statement=(
                r"\mathbb{E}_{u \sim \mathcal{N}(0,1)}[u^n] = (n-1)!!\ (n \text{ even}),\ 0\ (n \text{ odd})"
            ),
            lecture_times=(),
            steps=(*steps, location_scale),
            references=(
                "Bishop (2006), Pattern Recognition and Machine Learning, §2.3 and eq. (1.49)-(1.50)",
            ),
        ),
    )

"""Moments of N(0, 1) of every order, and the Gaussian expectations of polynomials that rest on them.

E[u^{2n}] = (2n)! / (2^n n!) and E[u^{2n+1}] = 0 for every integer n >= 0, each from its defining integral
∫ u^k φ(u) du with n a symbol (SymPy returns 2^n Γ(n + 1/2)/√π; ``gammasimp`` closes the gap). Then
E_{z ~ N(m, s^2)}[f(z)] for a polynomial f: write z = m + s u, expand in u, replace u^k by its moment. That
takes milliseconds where ``integrate`` takes seconds (``../shared/SYMPY_NOTES.md``); the change of variables
and linearity behind it are checked on a worked instance, E[(m + s u)^2] = m^2 + s^2, against the integral.
Bishop (2006), PRML §2.3, eqs. (1.49)-(1.50); every order: Johnson, Kotz & Balakrishnan (1994), ch. 13.
"""

from __future__ import annotations

import sympy as sp

from derivations.core import Claim, Conclusion, Step, rests_on
from derivations.symbols import m, n, s, u

BISHOP = "Bishop (2006), Pattern Recognition and Machine Learning, §2.3 and eqs. (1.49)-(1.50)"
JKB = "Johnson, Kotz & Balakrishnan (1994), Continuous Univariate Distributions, vol. 1, ch. 13 (moments)"
REAL_LINE = (-sp.oo, sp.oo)


def standard_normal_pdf(var: sp.Symbol) -> sp.Expr:
    """The N(0, 1) density φ(var) = exp(-var^2 / 2) / sqrt(2 pi) (a definition)."""
    return sp.exp(-(var**2) / 2) / sp.sqrt(2 * sp.pi)


def normal_pdf(var: sp.Symbol, mean: sp.Expr, std: sp.Expr) -> sp.Expr:
    """The N(mean, std^2) density (Bishop 2006, eq. 1.46; a definition)."""
    return sp.exp(-((var - mean) ** 2) / (2 * std**2)) / sp.sqrt(2 * sp.pi * std**2)


def even_moment(order: sp.Expr) -> sp.Expr:
    """(2n)! / (2^n n!) with n = order / 2: the closed form that ``gaussian-moments`` proves for every n."""
    half = order / 2
    return sp.factorial(order) / (2**half * sp.factorial(half))


def moment_integral(order: sp.Expr) -> sp.Integral:
    """E[u^order] for u ~ N(0, 1) as its defining integral, unevaluated."""
    return sp.Integral(u**order * standard_normal_pdf(u), (u, *REAL_LINE))


def _moment(order: int) -> sp.Expr:
    return sp.Integer(0) if order % 2 else even_moment(sp.Integer(order))


def _expectation(expr: sp.Expr, var: sp.Symbol, mean: sp.Expr, std: sp.Expr) -> sp.Expr:
    substituted = sp.expand(expr.subs(var, mean + std * u))
    if not substituted.is_polynomial(u):
        raise ValueError(f"expr must be a polynomial in {var}, got {expr}")
    poly = sp.Poly(substituted, u)
    return sp.expand(sum(c * _moment(k) for (k,), c in poly.terms()))


@rests_on("gaussian-moments")
def standard_normal_moment(order: int) -> sp.Expr:
    """E[u^order] for u ~ N(0, 1): (2n)!/(2^n n!) for order = 2n, 0 for odd orders (dimensionless)."""
    return _moment(order)


@rests_on("gaussian-moments")
def gaussian_expectation(expr: sp.Expr, var: sp.Symbol, mean: sp.Expr, std: sp.Expr) -> sp.Expr:
    """E_{var ~ N(mean, std^2)}[expr] for ``expr`` a polynomial in ``var`` of any degree.

    By z = mean + std u and the moments of every order proved by ``gaussian-moments``; ValueError if
    ``expr`` is not a polynomial in ``var``.
    """
    return _expectation(expr, var, mean, std)


def claims() -> tuple[Claim, ...]:
    even, odd = moment_integral(2 * n), moment_integral(2 * n + 1)
    gamma_form = 2**n * sp.gamma(n + sp.Rational(1, 2)) / sp.sqrt(sp.pi)
    standardised = sp.Integral((m + s * u) ** 2 * standard_normal_pdf(u), (u, *REAL_LINE))
    steps = (
        Step("even-moment", even, gamma_form,
             "∫ u^{2n} φ(u) du = 2^n Γ(n + 1/2)/√π (a Gaussian integral of every even order)"),
        Step("duplication", gamma_form, even_moment(2 * n),
             "Γ(n + 1/2) = (2n)! √π / (4^n n!) (Legendre's duplication formula)", tactics=("gammasimp",)),
        Step("odd-moment", odd, sp.Integer(0), "u^{2n+1} φ(u) is odd, so its integral over the line is 0"),
        Step("moment-shortcut", standardised, _expectation(u**2, u, m, s),
             "expand (m + s u)^2 and replace u^k by E[u^k]: m^2 E[1] + 2 m s E[u] + s^2 E[u^2]"),
    )  # fmt: skip
    return (
        Claim(
            id="gaussian-moments",
            title="Moments of N(0, 1) of every order, which every Gaussian expectation of a polynomial uses",
            conclusions=(
                Conclusion(
                    even, even_moment(2 * n), chain=("even-moment", "duplication"), name="even moments"
                ),
                Conclusion(odd, sp.Integer(0), chain=("odd-moment",), name="odd moments"),
                Conclusion(
                    standardised,
                    m**2 + s**2,
                    chain=("moment-shortcut",),
                    name="worked instance of the shortcut: E[(m + s u)^2] = m^2 + s^2",
                ),
            ),
            steps=steps,
            references=(BISHOP, JKB),
        ),
    )

"""gaussian-moments: every order proved; planted wrong moment formulas rejected; the helper vs quadrature."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.integrate
import scipy.stats
import sympy as sp

from derivations import registry
from derivations.check import check_claim, check_step
from derivations.claims import moments
from derivations.claims.moments import (
    even_moment,
    gaussian_expectation,
    moment_integral,
    standard_normal_moment,
)
from derivations.core import Claim
from derivations.symbols import m, n, s, u, z


def claim() -> Claim:
    (built,) = registry.build(moments)
    return built


def test_moments_of_every_order_are_proved_and_need_nothing_else() -> None:
    built = claim()
    assert built.uses == ()
    assert built.special_case == ""
    assert n in built.conclusions[0].lhs.free_symbols  # the order is a symbol, not a table
    assert check_claim(built, {}).status == "proved"


WRONG_EVEN = {
    "(2n)!/n!": sp.factorial(2 * n) / sp.factorial(n),
    "(2n)!/2^n": sp.factorial(2 * n) / 2**n,
    "n!": sp.factorial(n),
    "(2n - 1)!/(2^n n!)": sp.factorial(2 * n - 1) / (2**n * sp.factorial(n)),
    "2^n n!": 2**n * sp.factorial(n),
}


@pytest.mark.parametrize("wrong", sorted(WRONG_EVEN))
def test_a_wrong_even_moment_formula_is_rejected(wrong: str) -> None:
    step = claim().step("duplication")
    assert check_step(step.with_rhs(WRONG_EVEN[wrong])).status == "failed"


@pytest.mark.parametrize("wrong", [sp.Integer(1), n, sp.factorial(2 * n + 1)], ids=["one", "n", "(2n+1)!"])
def test_a_nonzero_odd_moment_is_rejected(wrong: sp.Expr) -> None:
    assert check_step(claim().step("odd-moment").with_rhs(wrong)).status == "failed"


def test_the_gamma_form_planted_wrong_is_rejected() -> None:
    step = claim().step("even-moment")
    assert check_step(step.with_rhs(2 * step.rhs)).status == "failed"
    assert check_step(step.with_rhs(step.rhs.subs(n, n + 1))).status == "failed"


def test_the_shortcut_planted_wrong_is_rejected() -> None:
    step = claim().step("moment-shortcut")
    for wrong in (m**2, m**2 + s, m**2 + 2 * s**2):
        assert check_step(step.with_rhs(wrong)).status == "failed"


@pytest.mark.parametrize("order", range(9))
def test_moment_closed_form_matches_quadrature(order: int) -> None:
    expected, _ = scipy.integrate.quad(lambda x: x**order * scipy.stats.norm.pdf(x), -40, 40)
    assert float(standard_normal_moment(order)) == pytest.approx(expected, abs=1e-9)
    if order % 2 == 0:
        assert even_moment(sp.Integer(order)) == math.prod(range(order - 1, 0, -2))  # (order - 1)!!


def test_the_proved_integral_is_the_helper_at_every_order() -> None:
    for order in range(0, 12, 2):
        assert moment_integral(sp.Integer(order)).doit() == standard_normal_moment(order)


def test_expectation_of_a_high_degree_polynomial_matches_quadrature() -> None:
    # Degree 10: beyond the old n <= 6 table; the helper now rests on moments of every order.
    mean, std = 0.3, 1.7
    expr = z**10 - 3 * z**7 + z**2
    actual = float(gaussian_expectation(expr, z, sp.Float(mean), sp.Float(std)))
    f = sp.lambdify(z, expr, "numpy")
    expected, _ = scipy.integrate.quad(lambda x: f(x) * scipy.stats.norm.pdf(x, mean, std), -60, 60)
    np.testing.assert_allclose(actual, expected, rtol=1e-9)


def test_the_helpers_say_what_they_rest_on() -> None:
    assert gaussian_expectation.rests_on == ("gaussian-moments",)  # type: ignore[attr-defined]
    assert standard_normal_moment.rests_on == ("gaussian-moments",)  # type: ignore[attr-defined]


def test_a_non_polynomial_is_refused() -> None:
    with pytest.raises(ValueError, match="polynomial"):
        gaussian_expectation(sp.exp(z), z, m, s)
    with pytest.raises(ValueError, match="polynomial"):
        gaussian_expectation(u ** sp.Rational(1, 2), u, m, s)

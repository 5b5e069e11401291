"""Every symbol of the ledger, declared once with the assumptions that its proofs need.

Assumptions decide what SymPy can prove (see SymPy's own ``sympy/stats/tests``): a location must be
``real=True`` and a scale ``positive=True``, or Gaussian integrals come back as ``Piecewise`` with
``Abs(arg(sigma))`` conditions; a log-variance must be ``real=True`` for ``log(exp(v)) = v``.

Names follow the lecture and Kingma & Welling (2013): ``x`` data, ``z`` latent code, ``mu``/``sigma`` the
encoder's q_phi(z|x) = N(mu, sigma^2), ``v`` its log-variance, ``eps`` the standard-normal noise of the
reparameterisation, ``w``/``b``/``s`` the linear-Gaussian decoder p_theta(x|z) = N(w z + b, s^2).
"""

from __future__ import annotations

import sympy as sp

# Coordinates integrated over: data, latent codes, standard-normal noise.
x, x1, x2, x3 = sp.symbols("x x_1 x_2 x_3", real=True)
z, z1, z2 = sp.symbols("z z_1 z_2", real=True)
eps, u = sp.symbols("epsilon u", real=True)

# Encoder q_phi(z|x) = N(mu, sigma^2): locations real, scales positive; v = log sigma^2 is real.
mu, mu1, mu2 = sp.symbols("mu mu_1 mu_2", real=True)
sigma, sigma1, sigma2 = sp.symbols("sigma sigma_1 sigma_2", positive=True)
v, v1, v2 = sp.symbols("v v_1 v_2", real=True)

# Generic Gaussian N(m, s^2) and a second one N(m2, s2^2).
m, m2 = sp.symbols("m m_2", real=True)
s, s2 = sp.symbols("s s_2", positive=True)

# Linear-Gaussian decoder p_theta(x|z) = N(w z + b, s^2): w is nonzero, or z would not enter the model.
w = sp.Symbol("w", real=True, nonzero=True)
b = sp.Symbol("b", real=True)

# Bernoulli decoder: a logit l = logit(p) (any real) and a target x in [0, 1] (handled per claim).
l = sp.Symbol("l", real=True)

# Ratio variable of Gibbs' inequality, t = p/q > 0; probabilities of a discrete distribution.
t = sp.Symbol("t", positive=True)
p1, p2, q1, q2 = sp.symbols("p_1 p_2 q_1 q_2", positive=True)

# Dimensions and sample counts.
D, K = sp.symbols("D K", positive=True, integer=True)
n = sp.Symbol("n", nonnegative=True, integer=True)

# Generic parameters: theta of the decoder (generator), phi of the encoder (recognition network).
theta, phi = sp.symbols("theta phi", real=True)

# Likelihoods and reparameterisation: a 3-D mean (m_1, m_2, m_3) with m_2 above; a radius of integration;
# a logit known to be positive or negative (the stable BCE form splits on its sign); polynomial coefficients.
m1, m3 = sp.symbols("m_1 m_3", real=True)
R = sp.Symbol("R", positive=True)
l_pos = sp.Symbol("l", positive=True)
l_neg = sp.Symbol("l", negative=True)
c0, c1, c2, c3, c4 = sp.symbols("c_0:5", real=True)

# Linear-Gaussian posterior N(m, tau^2), kept atomic inside integrals and substituted afterwards; values of
# densities at one z (positive numbers), for the identities that hold pointwise for every q and every model.
tau = sp.Symbol("tau", positive=True)
q_zx, p_xgz, p_z, p_x = (sp.Symbol(name, positive=True) for name in ("q(z|x)", "p(x|z)", "p(z)", "p(x)"))

# Two bivariate Gaussians N(m_a, L_a L_a^T), N(m_b, L_b L_b^T) for the full-covariance KL: a lower-triangular
# L with positive diagonal is the Cholesky factor of exactly one SPD matrix, so these entries cover every SPD
# pair; x = m_a + L_a (u_1, u_2) with u_1, u_2 independent N(0, 1).
ma1, ma2, mb1, mb2 = sp.symbols("m_a1 m_a2 m_b1 m_b2", real=True)
la11, la22, lb11, lb22 = sp.symbols("l_a11 l_a22 l_b11 l_b22", positive=True)
la21, lb21 = sp.symbols("l_a21 l_b21", real=True)
u1, u2 = sp.symbols("u_1 u_2", real=True)

#: LaTeX for symbols whose names are not valid LaTeX (``q(z|x)``); the ledger's statements use these.
LATEX_NAMES: dict[sp.Basic, str] = {
    q_zx: r"q(z \mid x)",
    p_xgz: r"p(x \mid z)",
    p_z: "p(z)",
    p_x: "p(x)",
}

# -- kl: Gaussian KL for every dimension, Gibbs' inequality for abstract densities, moments of every order --
# Per-dimension encoder outputs mu_j, sigma_j (IndexedBase over j = 1..D; labels distinct from mu, sigma so
# that substituting a point never touches the base); i indexes the outcomes 1..N of a discrete distribution.
j, i = sp.symbols("j i", integer=True, positive=True)
N = sp.Symbol("N", integer=True, positive=True)
mu_j = sp.IndexedBase(sp.Symbol("mu_vec", real=True))
sigma_j = sp.IndexedBase(sp.Symbol("sigma_vec", positive=True))
q_i = sp.IndexedBase(sp.Symbol("q_vec", positive=True))
p_i = sp.IndexedBase(sp.Symbol("p_vec", positive=True))
# Abstract densities (plain undefined functions: positivity and normalisation are displayed hypotheses), and
# two independent blocks q_a(z_a) q_b(z_b) against p_a(z_a) p_b(z_b).
q_fn, p_fn = sp.Function("q"), sp.Function("p")
q_a, q_b, p_a, p_b = (sp.Function(name) for name in ("q_a", "q_b", "p_a", "p_b"))
z_a, z_b = sp.symbols("z_a z_b", real=True)
#: KL(D) = KL(N(mu_{1:D}, diag sigma_{1:D}^2) || N(0, I_D)), the D-dimensional divergence as a function of D.
KL_D = sp.Function("KL")
# Two diagonal Gaussians in k dimensions, N(m_1j, s_1j^2) and N(m_2j, s_2j^2) for j = 1..k.
k = sp.Symbol("k", integer=True, positive=True)
m1_j, m2_j = (sp.IndexedBase(sp.Symbol(name, real=True)) for name in ("m1_vec", "m2_vec"))
s1_j, s2_j = (sp.IndexedBase(sp.Symbol(name, positive=True)) for name in ("s1_vec", "s2_vec"))
# Points on either side of t = 1 (Gibbs' f > 0 there) and a nonzero mean: each gets a displayed domain.
t_lo, t_hi, sigma_lo, sigma_hi = sp.symbols("t_lo t_hi sigma_lo sigma_hi", positive=True)
mu_nz = sp.Symbol("mu_nz", real=True, nonzero=True)
LATEX_NAMES.update(
    {
        mu_j.label: r"\boldsymbol{\mu}",
        sigma_j.label: r"\boldsymbol{\sigma}",
        q_i.label: r"\boldsymbol{q}",
        p_i.label: r"\boldsymbol{p}",
        t_lo: r"t_{<}",
        t_hi: r"t_{>}",
        sigma_lo: r"\sigma_{<}",
        sigma_hi: r"\sigma_{>}",
        mu_nz: r"\mu_{\ne 0}",
        m1_j.label: r"\boldsymbol{m}_1",
        m2_j.label: r"\boldsymbol{m}_2",
        s1_j.label: r"\boldsymbol{s}_1",
        s2_j.label: r"\boldsymbol{s}_2",
    }
)

# -- elbo: abstract densities at one observed x (kl-identity, elbo-decomposition, elbo-bound, Jensen) --
# Undefined functions with no assumptions: positivity, normalisation and integrability are displayed
# hypotheses of each claim that uses them. Applied as q_phi(z, x), p_theta(x, z), p_prior(z), p_post(z, x),
# they print with the conditioning bar: q_φ(z | x), p_θ(x | z), p(z), p(z | x).
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402


def _conditional(head: str) -> Callable[[sp.Basic, Any], str]:
    """LaTeX ``head(a | b)`` for a density applied to (a, b); SymPy's printer calls it as ``_latex``."""

    def _latex(self: sp.Basic, printer: Any) -> str:
        out, given = (printer._print(arg) for arg in self.args)
        return rf"{head}\left({out} \mid {given}\right)"

    return _latex


q_phi = sp.Function("q_phi", _latex=_conditional(r"q_{\phi}"))  # encoder q_phi(z|x)
p_theta = sp.Function("p_theta", _latex=_conditional(r"p_{\theta}"))  # decoder p_theta(x|z)
p_prior = sp.Function("p")  # prior p(z)
p_post = sp.Function("p_post", _latex=_conditional("p"))  # exact posterior p(z|x)
# Linear-Gaussian worked instance: an encoder relative to the posterior N(m, tau^2), mu = m + delta with
# delta != 0, or sigma = rho tau with rho != 1 (the two ways q can differ from the posterior).
delta = sp.Symbol("delta", real=True, nonzero=True)
rho = sp.Symbol("rho", positive=True)
# The residual r = x - b of the linear-Gaussian model: p(x) is first integrated at b = 0 as a function of r.
r_resid = sp.Symbol("r", real=True)

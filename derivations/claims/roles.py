"""Which parameters play which role in the loss: theta generates (prior and decoder), phi recognises.

Kingma & Welling (2013), §2.1, write the generative model as p_theta(z) p_theta(x|z): theta is every
parameter of the model of the data, the prior's included; phi parameterises the recognition model q_phi(z|x).
So that the result is not the model's definition restated, the prior here has its own parameter and theta
and phi could reach every term: p_theta(z) = N(theta_p, 1), p_theta(x|z) = N(theta_w z + b, s^2), and the
encoder q_phi(z|x) has mean mu(phi) = phi x and log-variance phi (sigma = exp(phi/2), the output of 26:19).
Both terms of the loss are expectations under q_phi, computed from the log-densities (``gaussian-likelihood``)
through z = mu + sigma eps (``reparameterisation-distribution``) and the moments of N(0, 1)
(``gaussian-moments``). Loss: -ELBO = reconstruction + regulariser, nats. The evidence log p_theta(x) is
``marginal-likelihood``'s, for the model shifted by z = theta_p + z', z' ~ N(0, 1): p_theta(x) =
N(x; theta_w theta_p + b, theta_w^2 + s^2).
"""

from __future__ import annotations

import sympy as sp

from derivations.claims.elbo import ELBO, EXPECTED_LOG_LIKELIHOOD, KL_TO_POSTERIOR, KL_TO_PRIOR
from derivations.claims.likelihoods import gaussian_log_density
from derivations.claims.linear_gaussian import LOG_MARGINAL
from derivations.claims.moments import gaussian_expectation
from derivations.core import Claim, Conclusion, Step, TacticName
from derivations.symbols import b, phi, s, sigma, theta_p, theta_w, w, x, z

_REFERENCES = (
    "Kingma & Welling (2013), Auto-Encoding Variational Bayes, §2.1 (p_theta(z) p_theta(x|z)), §2.2-2.3,"
    " eq. (3): q_phi recognition model, p_theta generative model",
    "Blei, Kucukelbir & McAuliffe (2017), Variational Inference: A Review for Statisticians, §2.2",
)
USES = ("gaussian-likelihood", "gaussian-moments", "reparameterisation-distribution", "marginal-likelihood")
EL: tuple[TacticName, ...] = ("doit", "expand_log", "simplify")
_MEAN, _STD = phi * x, sp.exp(phi / 2)


def expect(g: sp.Expr) -> sp.Expr:
    """E_{q_phi}[g(z)] for g polynomial in z, by the moments of N(0, 1) (``gaussian-moments``)."""
    return gaussian_expectation(g, z, _MEAN, _STD)


def _terms() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(reconstruction, regulariser, evidence) of the model with a learned prior, in nats."""
    log_q, log_prior = gaussian_log_density(z, _MEAN, _STD), gaussian_log_density(z, theta_p, 1)
    reconstruction = -expect(gaussian_log_density(x, theta_w * z + b, s))  # -E_q[log p_theta(x|z)]
    regulariser = expect(log_q - log_prior)  # KL(q_phi(z|x) || p_theta(z))
    evidence = LOG_MARGINAL.subs({w: theta_w, b: b + theta_w * theta_p}, simultaneous=True)  # log p_theta(x)
    return reconstruction, regulariser, evidence


def _gradient(
    name: str, term: sp.Expr, param: sp.Symbol, value: sp.Expr, rule: str
) -> tuple[Conclusion, Step]:
    lhs = sp.Derivative(term, param)
    return Conclusion(lhs, value, chain=(name,), name=name), Step(name, lhs, value, rule, tactics=EL)


def _parameter_roles() -> Claim:
    rec, reg, evidence = _terms()
    theta_w_grad = (theta_w * (phi**2 * x**2 + sp.exp(phi)) - (x - b) * phi * x) / s**2
    phi_rec = (theta_w**2 * sp.exp(phi) / 2 - theta_w * x * (x - theta_w * phi * x - b)) / s**2
    phi_reg = phi * x**2 - theta_p * x + (sp.exp(phi) - 1) / 2
    evidence_grad = theta_w * (x - b - theta_w * theta_p) / (theta_w**2 + s**2)
    pairs = (
        _gradient("prior-from-regulariser", reg, theta_p, theta_p - phi * x,
                  "dKL/dtheta_p = theta_p - mu: the KL term pulls the prior's mean towards the code's"),
        _gradient("prior-not-from-reconstruction", rec, theta_p, sp.Integer(0),
                  "the decoder's likelihood has no theta_p: reconstruction does not train the prior"),
        _gradient("decoder-not-from-regulariser", reg, theta_w, sp.Integer(0),
                  "KL(q_phi || p_theta(z)) has no theta_w: the regulariser does not train the decoder"),
        _gradient("decoder-from-reconstruction", rec, theta_w, theta_w_grad,
                  "dL/dtheta_w = (theta_w E_q[z^2] - (x - b) E_q[z]) / s^2"),
        _gradient("encoder-from-regulariser", reg, phi, phi_reg,
                  "dKL/dphi = (mu - theta_p) dmu/dphi + (sigma^2 - 1)/2 dlog(sigma^2)/dphi"),
        _gradient("encoder-from-reconstruction", rec, phi, phi_rec,
                  "the data term reaches phi through the samples z = mu(phi) + sigma(phi) eps"),
        _gradient("evidence-free-of-phi", evidence, phi, sp.Integer(0),
                  "p_theta(x) = ∫ p_theta(x|z) p_theta(z) dz has no phi: the encoder cannot change it"),
        _gradient("evidence-depends-on-prior", evidence, theta_p, evidence_grad,
                  "the prior's parameter moves p_theta(x): it belongs to the generative model, theta"),
    )  # fmt: skip
    return Claim(
        id="parameter-roles",
        title="On a linear-Gaussian VAE with a learned prior: theta (prior and decoder) generates, phi"
        " recognises; each term trains its own parameters, the prior by the KL term alone; the evidence moves"
        " with theta, never with phi",
        special_case="p_theta(z) = N(theta_p, 1), p_theta(x|z) = N(theta_w z + b, s²), q_phi(z|x) = N(phi x,"
        " e^phi)",
        conclusions=tuple(c for c, _ in pairs),
        steps=tuple(st for _, st in pairs),
        uses=USES,
        lecture_times=("13:09", "26:44"),
        references=_REFERENCES,
        impl=("impl.neg_elbo", "impl.VAE"),
    )


def _slides() -> tuple[Claim, ...]:
    _, reg, evidence = _terms()
    free_of_phi = _gradient("evidence-free-of-phi", evidence, phi, sp.Integer(0), "p_theta(x) has no phi")
    positive = (sp.Q.positive(sigma), sp.Q.positive(s), sp.Q.nonzero(w))
    loss = (-ELBO, -LOG_MARGINAL + KL_TO_POSTERIOR)
    zero, d = sp.Integer(0), sp.Derivative
    return (
        Claim(
            id="slide-theta-is-recognition",
            title="Refuted slide label (13:09): 'theta* is the recognition network's, phi* the generator's'",
            conclusions=(
                Conclusion(d(evidence, theta_w), zero, holds=False, name="evidence-free-of-decoder"),
                Conclusion(d(evidence, theta_p), zero, holds=False, name="evidence-free-of-prior"),
                Conclusion(d(reg, theta_w), d(reg, phi), holds=False, name="kl-trains-decoder-as-encoder"),
                free_of_phi[0],
            ),
            steps=(free_of_phi[1],),
            uses=USES,
            lecture_times=("13:09",),
            references=_REFERENCES,
        ),
        Claim(
            id="slide-elbo-terms-swapped",
            title="Refuted reading (12:23): 'log p(x) is reconstruction, KL(q || p(z|x)) the regulariser'",
            conclusions=(
                Conclusion(*loss, chain=("loss-equation",), name="loss-equation"),
                Conclusion(EXPECTED_LOG_LIKELIHOOD, LOG_MARGINAL, holds=False, name="reconstruction-is-p-x"),
                Conclusion(KL_TO_PRIOR, KL_TO_POSTERIOR, holds=False, name="regulariser-is-kl-to-posterior"),
            ),
            steps=(Step("loss-equation", *loss, "as on the slide: -ELBO = -log p(x) + KL(q || p(z|x))",
                        positive, tactics=("expand_log", "simplify")),),
            uses=(
                "elbo-decomposition-linear-gaussian",
                "gaussian-kl-standard",
                "kl-identity-linear-gaussian",
                "marginal-likelihood",
            ),
            lecture_times=("12:23",),
            references=_REFERENCES,
            impl=("impl.neg_elbo",),
        ),
    )  # fmt: skip


def claims() -> tuple[Claim, ...]:
    return (_parameter_roles(), *_slides())

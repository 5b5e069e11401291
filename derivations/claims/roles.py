"""Which parameters and which terms play which role in the loss: theta generates, phi recognises.

A concrete smooth instance keeps every step checkable (numerically too): the encoder q_phi(z|x) has mean
mu(phi) = phi x and log-variance phi, so sigma(phi) = exp(phi/2) (the log-variance output of 26:19); the
decoder p_theta(x|z) = N(theta z + b, s^2) is the generator; the prior p(z) = N(0, 1) has no parameters.
For any other smooth encoder the chain rule gives the same zero pattern. Loss as in ``elbo.py``: -ELBO, nats.
"""

from __future__ import annotations

import sympy as sp

from derivations.core import Claim, Step
from derivations.claims.elbo import ELBO, EXPECTED_LOG_LIKELIHOOD, KL_TO_POSTERIOR, KL_TO_PRIOR
from derivations.claims.linear_gaussian import LOG_MARGINAL
from derivations.symbols import b, mu, phi, s, sigma, theta, w, x

_ENCODER = {mu: phi * x, sigma: sp.exp(phi / 2)}
#: The two terms of the loss with encoder parameter phi and decoder weight theta (nats).
RECONSTRUCTION = (-EXPECTED_LOG_LIKELIHOOD).subs({w: theta, **_ENCODER}, simultaneous=True)
REGULARISER = KL_TO_PRIOR.subs(_ENCODER, simultaneous=True)
_REFERENCES = (
    "Kingma & Welling (2013), Auto-Encoding Variational Bayes, §2.2-2.3, eq. (3): q_phi recognition model,"
    " p_theta generative model",
    "Blei, Kucukelbir & McAuliffe (2017), Variational Inference: A Review for Statisticians, §2.2",
)


def _parameter_roles() -> Claim:
    theta_gradient = (theta * (phi**2 * x**2 + sp.exp(phi)) - (x - b) * phi * x) / s**2
    steps = (
        Step(
            "theta-gradient-of-loss",
            sp.Derivative(RECONSTRUCTION + REGULARISER, theta),
            theta_gradient,
            "dL/dtheta = (theta E_q[z^2] - (x - b) E_q[z]) / s^2 (E_q[z] = mu, E_q[z^2] = mu^2 + sigma^2)",
        ),
        Step(
            "theta-gradient-of-reconstruction",
            sp.Derivative(RECONSTRUCTION, theta),
            theta_gradient,
            "the same: KL(q_phi || p(z)) adds nothing to dL/dtheta (p(z) = N(0, 1) has no theta, 26:44)",
        ),
        Step(
            "phi-gradient-of-regulariser",
            sp.Derivative(REGULARISER, phi),
            phi * x**2 + (sp.exp(phi) - 1) / 2,
            "dKL/dphi = mu dmu/dphi + (sigma^2 - 1)/2 dlog(sigma^2)/dphi: the regulariser trains the encoder",
        ),
        Step(
            "phi-gradient-of-reconstruction",
            sp.Derivative(RECONSTRUCTION, phi),
            (theta**2 * sp.exp(phi) / 2 - theta * x * (x - theta * phi * x - b)) / s**2,
            "the data term reaches phi through q_phi(z|x) (reparameterised samples): phi gets both gradients",
        ),
    )
    return Claim(
        id="parameter-roles",
        title="theta enters only the generator p_theta(x|z), phi only the recognition network q_phi(z|x)",
        statement=r"\frac{\partial}{\partial \theta} D_{\mathrm{KL}}(q_\phi(z \mid x) \,\|\, p(z)) \equiv 0,"
        r"\quad \frac{\partial \mathcal{L}}{\partial \theta} = -\frac{\partial}{\partial \theta}"
        r"\mathbb{E}_{q_\phi}[\log p_\theta(x \mid z)]",
        lecture_times=("13:09", "26:44"),
        steps=steps,
        references=_REFERENCES,
        impl=("impl.neg_elbo", "impl.VAE"),
    )


def _slides() -> tuple[Claim, ...]:
    theta_recognises = Step(
        "regulariser-trains-theta",
        sp.Derivative(REGULARISER, theta),
        phi * x**2 + (sp.exp(phi) - 1) / 2,
        "as labelled at 13:09: theta* is the recognition network's, so the regulariser trains theta",
        holds=False,
    )
    terms = (
        Step(
            "loss-equation",
            -ELBO,
            -LOG_MARGINAL + KL_TO_POSTERIOR,
            "the slide's equation holds: -ELBO = -log p(x) + KL(q || p(z|x)) (kl-identity)",
            (sp.Q.positive(sigma), sp.Q.positive(s), sp.Q.nonzero(w)),
            tactics=("expand_log", "simplify"),
        ),
        Step(
            "reconstruction-is-log-evidence",
            EXPECTED_LOG_LIKELIHOOD,
            LOG_MARGINAL,
            "as labelled at 12:23: the reconstruction term is log p(x)",
            holds=False,
        ),
        Step(
            "regulariser-is-kl-to-posterior",
            KL_TO_PRIOR,
            KL_TO_POSTERIOR,
            "as labelled at 12:23: the regulariser is KL(q(z|x) || p(z|x))",
            holds=False,
        ),
    )
    return (
        Claim(
            id="slide-theta-is-recognition",
            title="Refuted slide label (13:09): 'theta* is the recognition network's, phi* the generator's'",
            statement=r"\frac{\partial}{\partial \theta} D_{\mathrm{KL}}(q_\phi \,\|\, p(z)) = 0"
            r" \ne \frac{\partial}{\partial \phi} D_{\mathrm{KL}}(q_\phi \,\|\, p(z))",
            lecture_times=("13:09",),
            steps=(theta_recognises,),
            references=_REFERENCES,
        ),
        Claim(
            id="slide-elbo-terms-swapped",
            title="Refuted reading (12:23): 'log p(x) is reconstruction, KL(q || p(z|x)) the regulariser'",
            statement=r"\mathbb{E}_q[\log p(x \mid z)] \ne \log p(x),\quad D_{\mathrm{KL}}(q \,\|\, p(z))"
            r" \ne D_{\mathrm{KL}}(q \,\|\, p(z \mid x))\ \text{although both sides sum to } -\mathcal{L}",
            lecture_times=("12:23",),
            steps=terms,
            references=_REFERENCES,
            impl=("impl.neg_elbo",),
        ),
    )


def claims() -> tuple[Claim, ...]:
    return (_parameter_roles(), *_slides())

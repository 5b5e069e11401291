"""The built-in targets by kernel: name -> how to load it, where it comes from, whose version to record.

Loading is lazy: a built-in whose package is missing raises ImportError on load and is reported skipped.
``impl`` is one target among the others; nothing else in ``audit`` imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from audit import jax_targets, libraries, transcribed


@dataclass(frozen=True)
class Builtin:
    load: Callable[[], Callable[..., object]]
    source: str
    packages: tuple[str, ...] = ()  # distributions whose versions are recorded (torch always is)
    group: str = ""  # the dependency group that installs them


def _transcribed(name: str) -> Builtin:
    return Builtin(lambda: transcribed.KL[name], transcribed.source(name))


_JAX = ("jax", "jaxlib")
KL = {
    "impl": Builtin(libraries.impl_kl, "impl.gaussian_kl (this project)"),
    "torch": Builtin(libraries.torch_kl, "torch.distributions: kl_divergence of Independent(Normal, 1)"),
    "pyro": Builtin(
        libraries.pyro_kl, "pyro.infer.TraceMeanField_ELBO (its analytic KL)", ("pyro-ppl",), "audit"
    ),
    "pythae": Builtin(libraries.pythae_kl, "pythae.models.VAE.loss_function (its KLD)", ("pythae",), "audit"),
    "numpyro": Builtin(
        jax_targets.numpyro_kl,
        "numpyro.distributions.kl_divergence(Normal, Normal), JAX",
        ("numpyro", *_JAX),
        "audit-jax",
    ),
    "distrax": Builtin(
        jax_targets.distrax_kl,
        "distrax.Normal.kl_divergence, JAX",
        ("distrax", "tfp-nightly", *_JAX),
        "audit-jax",
    ),
    "tfp": Builtin(
        jax_targets.tfp_kl,
        "tensorflow_probability.substrates.jax Normal.kl_divergence",
        ("tfp-nightly", *_JAX),
        "audit-jax",
    ),
    **{name: _transcribed(name) for name in transcribed.KL},
}

REPARAMETERIZE = {
    "impl": Builtin(libraries.impl_reparameterize, "impl.reparameterize (this project)"),
    "torch": Builtin(libraries.torch_rsample, "torch.distributions.Normal.rsample"),
    "pytorch-examples": Builtin(
        libraries.pytorch_examples_reparameterize,
        "transcribed: pytorch/examples vae/main.py @ 0a8329cff339 (VAE.reparameterize)",
    ),
}

BERNOULLI_NLL = {
    "impl": Builtin(libraries.impl_bernoulli_nll, "impl.bernoulli_nll (this project)"),
    "torch-bce": Builtin(libraries.torch_bce_with_logits, "torch F.binary_cross_entropy_with_logits, summed"),
    "torch-bernoulli": Builtin(libraries.torch_bernoulli_log_prob, "torch.distributions.Bernoulli(logits)"),
}

NEG_ELBO = {
    "impl": Builtin(libraries.impl_neg_elbo, "impl.neg_elbo (this project)"),
    "pythae": Builtin(libraries.pythae_neg_elbo, "pythae VAE.loss_function, bce", ("pythae",), "audit"),
}

BUILTINS: dict[str, dict[str, Builtin]] = {
    "kl": KL,
    "reparameterize": REPARAMETERIZE,
    "bernoulli-nll": BERNOULLI_NLL,
    "neg-elbo": NEG_ELBO,
}

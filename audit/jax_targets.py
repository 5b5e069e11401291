"""numpyro, distrax and TensorFlow Probability (JAX substrate): their Normal-Normal KL, bridged to torch.

The optional dependency group ``audit-jax``. The bridge hands the inputs to JAX as NumPy arrays of the same
dtype (64-bit enabled, so float64 stays float64), sums each library's elementwise KL over the latent dims
with ``jnp.sum`` (shape (B,)), and returns JAX's own vector-Jacobian product as the torch gradient: the
values and the gradients audited are JAX's. TFP is the ``tfp-nightly`` build that distrax requires (it and
``tensorflow-probability`` install the same module, so one of them only).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import Tensor

JaxKL = Callable[[Any, Any], Any]  # (mu, sigma) jax arrays -> elementwise KL


def _jax() -> Any:
    import jax

    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
    return jax


class _Bridge(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, mu: Tensor, logvar: Tensor, fn: Callable[[Any, Any], Any]) -> Tensor:
        jax = _jax()
        out, ctx.vjp = jax.vjp(fn, np.asarray(mu.detach().cpu()), np.asarray(logvar.detach().cpu()))
        return torch.from_numpy(np.array(out))

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> tuple[Tensor, Tensor, None]:
        g_mu, g_v = ctx.vjp(np.asarray(g.detach().cpu()))
        return torch.from_numpy(np.array(g_mu)), torch.from_numpy(np.array(g_v)), None


def bridge(elementwise: JaxKL) -> Callable[[Tensor, Tensor], Tensor]:
    """f(mu, logvar) on torch tensors: sum over dim 1 of elementwise(mu, exp(logvar / 2)), in JAX."""
    jnp = _jax().numpy

    def per_sample(mu: Any, logvar: Any) -> Any:
        return jnp.sum(elementwise(mu, jnp.exp(0.5 * logvar)), axis=1)

    return lambda mu, logvar: _Bridge.apply(mu, logvar, per_sample)


def numpyro_kl() -> Callable[[Tensor, Tensor], Tensor]:
    """numpyro.distributions.kl_divergence(Normal(mu, sigma), Normal(0, 1))."""
    jnp = _jax().numpy
    from numpyro.distributions import Normal, kl_divergence

    return bridge(lambda m, s: kl_divergence(Normal(m, s), Normal(jnp.zeros_like(m), jnp.ones_like(m))))


def distrax_kl() -> Callable[[Tensor, Tensor], Tensor]:
    """distrax.Normal(mu, sigma).kl_divergence(distrax.Normal(0, 1))."""
    jnp = _jax().numpy
    with warnings.catch_warnings():  # tfp-nightly's JAX substrate warns of a jax.core deprecation on import
        warnings.simplefilter("ignore", DeprecationWarning)
        import distrax

    return bridge(
        lambda m, s: distrax.Normal(m, s).kl_divergence(distrax.Normal(jnp.zeros_like(m), jnp.ones_like(m)))
    )


def tfp_kl() -> Callable[[Tensor, Tensor], Tensor]:
    """tfp.substrates.jax.distributions.Normal(mu, sigma).kl_divergence(Normal(0, 1))."""
    jnp = _jax().numpy
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from tensorflow_probability.substrates import jax as tfp

        normal = tfp.distributions.Normal

    return bridge(lambda m, s: normal(m, s).kl_divergence(normal(jnp.zeros_like(m), jnp.ones_like(m))))

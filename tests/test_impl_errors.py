"""Bad input gets a ValueError or TypeError that names the argument and what was expected, never a number."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from test_impl_native_paths import kernel_path  # noqa: F401  (the fixture)

import impl

pytestmark = pytest.mark.usefixtures("kernel_path")  # native operators and pure path

M = torch.zeros(3, 4)  # a valid (B, D) code
X = torch.full((3, 5), 0.5)  # valid data in [0, 1]
VAE = impl.VAE(impl.VAEConfig(x_dim=5, hidden_dim=4, z_dim=2))


def log_density(z: torch.Tensor) -> torch.Tensor:
    return -0.5 * z**2


CASES: list[tuple[str, Callable[[], object], type[Exception], str]] = [
    ("kl-shape", lambda: impl.gaussian_kl(M, torch.zeros(3, 5)), ValueError, "logvar must have the shape"),
    ("kl-int", lambda: impl.gaussian_kl(M.long(), M.long()), TypeError, "mu must have a floating dtype"),
    ("kl-0-dim", lambda: impl.gaussian_kl(M[0, 0], M[0, 0]), ValueError, r"mu must have shape \(B"),
    ("kl-1-dim", lambda: impl.gaussian_kl(torch.zeros(3), torch.zeros(3)), ValueError, "at least 2 dims"),
    ("kl-list", lambda: impl.gaussian_kl([[0.0]], [[0.0]]), TypeError, "mu must be a torch.Tensor"),
    ("kl-dtypes", lambda: impl.gaussian_kl(M, M.double()), TypeError, "logvar must have the dtype"),
    (
        "eps-shape",
        lambda: impl.reparameterize(M, M, torch.zeros(3, 3)),
        ValueError,
        "eps must have the shape",
    ),
    ("eps-int", lambda: impl.reparameterize_kl(M, M, M.int()), TypeError, "eps must have a floating dtype"),
    (
        "eps-and-generator",
        lambda: impl.reparameterize(M, M, M, generator=torch.Generator()),
        ValueError,
        "pass eps or generator, not both",
    ),
    ("x-above-1", lambda: impl.bernoulli_nll(X, X + 0.6), ValueError, r"x must lie in \[0, 1\]"),
    ("x-negative", lambda: impl.bernoulli_nll(X, X - 0.6), ValueError, r"x must lie in \[0, 1\]"),
    ("x-nan", lambda: impl.bernoulli_nll(X, X * float("nan")), ValueError, r"x must lie in \[0, 1\]"),
    ("x-shape", lambda: impl.bernoulli_nll(X, X[:, :4]), ValueError, "x must have the shape"),
    ("x-int", lambda: impl.bernoulli_nll(X, X.long()), TypeError, "x must have a floating dtype"),
    ("x_hat-shape", lambda: impl.gaussian_nll(X, X[:2]), ValueError, "x must have the shape of x_hat"),
    (
        "logvar_x-shape",
        lambda: impl.gaussian_nll(X, X, torch.zeros(4)),
        ValueError,
        "logvar_x must broadcast",
    ),
    (
        "logvar_x-int",
        lambda: impl.gaussian_nll(X, X, torch.zeros(5).long()),
        TypeError,
        "logvar_x must have a fl",
    ),
    ("logvar_x-inf", lambda: impl.gaussian_nll(X, X, float("inf")), ValueError, "must be a finite"),
    ("logvar_x-str", lambda: impl.gaussian_nll(X, X, "0"), TypeError, "logvar_x must be a real number"),
    ("likelihood", lambda: impl.neg_elbo(X, X, M, M, likelihood="poisson"), ValueError, "likelihood must be"),
    ("reduction", lambda: impl.neg_elbo(X, X, M, M, reduction="avg"), ValueError, "reduction must be one of"),
    (
        "beta-negative",
        lambda: impl.neg_elbo(X, X, M, M, beta=-0.5),
        ValueError,
        "beta must be a finite number >=",
    ),
    ("beta-nan", lambda: impl.neg_elbo(X, X, M, M, beta=float("nan")), ValueError, "beta must be a finite"),
    ("beta-str", lambda: impl.neg_elbo(X, X, M, M, beta="1"), TypeError, "beta must be a real number"),
    ("batch", lambda: impl.neg_elbo(X, X, M[:2], M[:2]), ValueError, "mu must have x's batch size 3"),
    ("decoder-shape", lambda: impl.neg_elbo(X, X[:, :4], M, M), ValueError, "x must have the shape"),
    ("mu-logvar", lambda: impl.neg_elbo(X, X, M, M[:, :2]), ValueError, "logvar must have the shape"),
    ("decoder-tuple", lambda: impl.neg_elbo(X, (X, X), M, M), TypeError, "decoder_out must be one tensor"),
    ("iwae-no-z", lambda: impl.iwae_bound(log_density, log_density), TypeError, "z as a tensor"),
    ("iwae-z-with-tensors", lambda: impl.iwae_bound(M, M, M), ValueError, "z is used only with callable"),
    ("iwae-log_q-shape", lambda: impl.iwae_bound(M, M[:2]), ValueError, "log_q must be a tensor of"),
    ("iwae-no-samples", lambda: impl.iwae_bound(torch.zeros(0, 3)), ValueError, "need a sample along dim 0"),
    ("iwae-0-dim", lambda: impl.iwae_bound(torch.tensor(1.0)), ValueError, "need a sample along dim 0"),
    ("iwae-int", lambda: impl.iwae_bound(M.long()), TypeError, "log_p must be a floating tensor"),
    ("config-z_dim", lambda: impl.VAEConfig(z_dim=0), ValueError, "z_dim must be a positive int"),
    ("config-likelihood", lambda: impl.VAEConfig(likelihood="laplace"), ValueError, "likelihood must be"),
    ("model-reduction", lambda: VAE.loss(X, reduction="avg"), ValueError, "reduction"),
]


@pytest.mark.parametrize(("name", "call", "error", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_a_clear_error(
    name: str, call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


def test_valid_input_of_every_case_above_is_accepted() -> None:
    """The same calls with valid arguments return numbers: the errors above come from the bad argument."""
    assert impl.gaussian_kl(M, M).shape == (3,)
    assert impl.bernoulli_nll(X, X).shape == impl.gaussian_nll(X, X, torch.zeros(5)).shape == (3,)
    assert impl.neg_elbo(X, X, M, M, likelihood="gaussian", beta=0.0, reduction="none").shape == (3,)
    assert impl.iwae_bound(log_density, log_density, M).shape == (4,)
    assert VAE.loss(X).dim() == 0

"""The compiled path of the fused kernels (inputs of COMPILE_FROM elements or more) computes what the eager
path computes, is as exact against the ledger's claim, and falls back to eager where compiling fails.
Both belong to the pure-PyTorch path (CUDA, or no C++ compiler): every test here runs inside ``pure()``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from conftest import GRAD_RTOL, RTOL, edge_grid, max_rel_err, mp_oracle

from derivations.claims.likelihoods import bernoulli_log_likelihood
from derivations.claims.logvar import standard_kl_logvar
from impl import _compile, _native, bernoulli_nll, gaussian_kl, reparameterize_kl

KL_LOGVAR = mp_oracle(standard_kl_logvar, 2)
BERNOULLI_NLL = mp_oracle(lambda x, l: -bernoulli_log_likelihood(x, l), 2)


@pytest.fixture(autouse=True)
def pure_path() -> Iterator[None]:
    with _native.pure():
        yield


def run_all(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor) -> list[torch.Tensor]:
    """z, kl and every gradient of reparameterize_kl; kl and its gradients from gaussian_kl; the Bernoulli
    NLL (logits mu, targets sigmoid(logvar)) and its gradient."""
    g = torch.Generator().manual_seed(0)
    mu, logvar = mu.clone().requires_grad_(), logvar.clone().requires_grad_()
    z, kl = reparameterize_kl(mu, logvar, eps)
    g_z, g_kl = (
        torch.randn(z.shape, generator=g, dtype=z.dtype),
        torch.randn(kl.shape, generator=g, dtype=z.dtype),
    )
    grads = torch.autograd.grad((z, kl), (mu, logvar), (g_z, g_kl))
    kl_alone = gaussian_kl(mu, logvar)
    nll = bernoulli_nll(mu, torch.sigmoid(logvar.detach()))
    return [
        *(z, kl, *grads, kl_alone, *torch.autograd.grad(kl_alone, (mu, logvar), g_kl)),
        *(nll, *torch.autograd.grad(nll, mu, g_kl)),
    ]


@pytest.mark.slow
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
def test_compiled_kernels_agree_with_eager_and_with_the_claim(
    dtype: torch.dtype, monkeypatch: pytest.MonkeyPatch
) -> None:
    mu, logvar = edge_grid(dtype)
    eps = torch.randn(mu.shape, generator=torch.Generator().manual_seed(1), dtype=dtype)
    monkeypatch.setattr(_compile, "COMPILE_FROM", float("inf"))
    eager = run_all(mu, logvar, eps)
    monkeypatch.setattr(_compile, "COMPILE_FROM", 0)
    compiled = run_all(mu, logvar, eps)
    assert not _compile._failed
    for actual, expected in zip(compiled, eager, strict=True):
        torch.testing.assert_close(actual, expected, rtol=GRAD_RTOL[dtype], atol=0)
    pairs = list(zip(mu.flatten().tolist(), logvar.flatten().tolist(), strict=True))
    assert max_rel_err(compiled[1], [KL_LOGVAR(m, v) for m, v in pairs]) <= RTOL[dtype]
    x = torch.sigmoid(logvar).flatten().tolist()
    keep = [i for i, (m, _) in enumerate(pairs) if abs(m) <= 60]  # 50 digits resolve log(1 + e^l) - l there
    expected_nll = [BERNOULLI_NLL(x[i], pairs[i][0]) for i in keep]
    assert max_rel_err(compiled[7][keep], expected_nll) <= RTOL[dtype]


def test_failed_compile_falls_back_to_eager_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_compiler(*args: object, **kwargs: object) -> None:
        raise RuntimeError("no C compiler")

    mu, logvar, eps = (torch.randn(8, 3, generator=torch.Generator().manual_seed(i)) for i in range(3))
    expected = reparameterize_kl(mu, logvar, eps)
    monkeypatch.setattr(_compile, "COMPILE_FROM", 0)
    monkeypatch.setattr(_compile, "_compiled", {})
    monkeypatch.setattr(_compile, "_failed", [])
    monkeypatch.setattr(torch, "compile", no_compiler)
    with pytest.warns(RuntimeWarning, match="torch.compile failed"):
        actual = reparameterize_kl(mu, logvar, eps)
    assert _compile._failed
    assert not _compile.uses_compiled(mu)
    for a, e in zip(actual, expected, strict=True):
        assert torch.equal(a, e)

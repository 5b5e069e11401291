"""impl's native operators (torch.ops.vae_ops): torch's operator checks, the pure path as the oracle (bit for
bit where the formula is the same), odd layouts, thread and batch invariance, 50 digits on long rows, and
the fallback without a compiler. The accuracy tests of test_impl_kl/likelihoods/loss run on both paths."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator

import pytest
import torch
from conftest import GRAD_RTOL, RTOL, cuda, edge_grid, max_rel_err, mp_oracle

from derivations.claims.logvar import standard_kl_logvar
from impl import _native, bernoulli_nll, gaussian_kl, reparameterize, reparameterize_kl

KL_LOGVAR = mp_oracle(standard_kl_logvar, 2)


@pytest.fixture(autouse=True)
def built() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if not _native.load():
            pytest.skip("impl's native operators could not be built here")


def randn(*shape: int, seed: int, dtype: torch.dtype = torch.float64, grad: bool = False) -> torch.Tensor:
    t = torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)
    return t.requires_grad_(grad)


def opcheck_cases() -> Iterator[tuple[str, tuple]]:
    for dtype in (torch.float32, torch.float64):
        d = str(dtype).removeprefix("torch.")
        mu, logvar, eps = (randn(5, 3, seed=s, dtype=dtype, grad=True) for s in range(3))
        mu_t = randn(3, 5, seed=4, dtype=dtype).t().requires_grad_()  # a transposed input
        x = torch.rand(5, 3, generator=torch.Generator().manual_seed(5), dtype=dtype)
        g_z, g = randn(5, 3, seed=6, dtype=dtype), randn(5, seed=7, dtype=dtype)
        yield f"gaussian_kl-{d}", ("gaussian_kl", (mu, logvar))
        yield f"gaussian_kl-transposed-{d}", ("gaussian_kl", (mu_t, logvar))
        mu3, logvar3 = (t.detach().reshape(5, 1, 3).requires_grad_() for t in (mu, logvar))
        yield f"gaussian_kl-3d-{d}", ("gaussian_kl", (mu3, logvar3))
        yield f"reparameterize_kl-{d}", ("reparameterize_kl", (mu, logvar, eps))
        yield f"bernoulli_nll-{d}", ("bernoulli_nll", (mu, x))
        yield f"bernoulli_nll-x-grad-{d}", ("bernoulli_nll", (mu, x.clone().requires_grad_()))
        mu, logvar, eps = (t.detach() for t in (mu, logvar, eps))  # the backward ops are not differentiable
        yield f"gaussian_kl_backward-{d}", ("gaussian_kl_backward", (g, mu, logvar))
        for flag in (True, False):
            yield (
                f"reparameterize_kl_backward-{flag}-{d}",
                (
                    "reparameterize_kl_backward",
                    (g_z, g, mu, logvar, eps, flag),
                ),
            )
            yield f"bernoulli_nll_backward-{flag}-{d}", ("bernoulli_nll_backward", (g, mu, x, flag))


CASES = dict(opcheck_cases())


@pytest.mark.parametrize("case", CASES)
def test_opcheck_passes(case: str) -> None:
    """Schema, autograd registration, the fake implementation, and AOT-autograd tracing (torch.compile)."""
    name, args = CASES[case]
    torch.library.opcheck(getattr(torch.ops.vae_ops, name).default, args)


def fused(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor, x: torch.Tensor) -> list[torch.Tensor]:
    """z, kl, nll (logits mu) and their gradients for mu and logvar, given the upstream gradients below."""
    z, kl = reparameterize_kl(mu, logvar, eps)
    nll = bernoulli_nll(mu, x)
    g = torch.Generator().manual_seed(9)
    g_z, g_kl = (
        torch.randn(z.shape, generator=g, dtype=z.dtype),
        torch.rand(kl.shape, generator=g, dtype=z.dtype),
    )
    grads = torch.autograd.grad((z, kl, nll), (mu, logvar), (g_z, g_kl, g_kl))
    return [z, kl, nll, *grads]


def inputs(shape: tuple[int, ...], dtype: torch.dtype) -> tuple[torch.Tensor, ...]:
    mu, logvar, eps = (randn(*shape, seed=s, dtype=dtype, grad=s < 2) for s in range(3))
    return mu, logvar, eps, torch.sigmoid(randn(*shape, seed=3, dtype=dtype))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
@pytest.mark.parametrize("shape", [(128, 20), (7, 1500), (4, 3, 5), (1, 1)], ids=str)
def test_native_and_pure_paths_agree(shape: tuple[int, ...], dtype: torch.dtype) -> None:
    args = inputs(shape, dtype)
    native = fused(*args)
    with _native.pure():
        expected = fused(*args)
    assert torch.equal(native[0], expected[0])  # z: the same roundings in the same order
    for actual, want in zip(native[1:3], expected[1:3], strict=True):
        torch.testing.assert_close(actual, want, rtol=RTOL[dtype], atol=0)
    for actual, want in zip(native[3:], expected[3:], strict=True):  # g_logvar sums terms of both signs:
        torch.testing.assert_close(actual, want, rtol=GRAD_RTOL[dtype], atol=GRAD_RTOL[dtype])  # inputs ~1


@pytest.mark.parametrize("shape", [(32, 5), (4096, 64)], ids=str)
def test_same_seed_gives_the_pure_paths_z_bit_for_bit(shape: tuple[int, int]) -> None:
    mu, logvar = randn(*shape, seed=0, dtype=torch.float32), randn(*shape, seed=1, dtype=torch.float32)
    z = reparameterize_kl(mu, logvar, generator=torch.Generator().manual_seed(7))[0]
    assert torch.equal(z, reparameterize(mu, logvar, generator=torch.Generator().manual_seed(7)))
    if mu.numel() < 1 << 16:  # above, the pure fused path is torch.compile's code
        with _native.pure():
            expected = reparameterize_kl(mu, logvar, generator=torch.Generator().manual_seed(7))[0]
        assert torch.equal(z, expected)


LAYOUTS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "transposed": lambda t: t.reshape(20, 128).t(),
    "strided": lambda t: t.reshape(128, 20)[:, ::2],
    "expanded": lambda t: t.reshape(128, 20)[:1].expand(128, 20),
    "permuted-3d": lambda t: t.reshape(4, 32, 20).permute(1, 2, 0),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_odd_layouts_compute_what_their_contiguous_copies_compute(layout: str) -> None:
    base = [randn(2560, seed=s, dtype=torch.float32, grad=s < 2) for s in range(3)]
    odd = [LAYOUTS[layout](t) for t in base]
    assert not odd[0].is_contiguous()
    x = torch.sigmoid(odd[2].detach())
    copies = [t.detach().contiguous().requires_grad_(t.requires_grad) for t in odd[:2]]
    for actual, expected in zip(fused(*odd[:3], x), fused(*copies, odd[2].contiguous(), x), strict=True):
        assert actual.shape == expected.shape
        assert torch.equal(actual, expected)


def test_results_do_not_depend_on_threads_or_batch_order() -> None:
    args = inputs((8192, 20), torch.float32)  # above the parallel grain
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = fused(*args)
        torch.set_num_threads(2)
        two = fused(*args)
    finally:
        torch.set_num_threads(threads)
    for a, b in zip(one, two, strict=True):
        assert torch.equal(a, b)
    perm = torch.randperm(8192, generator=torch.Generator().manual_seed(0))
    assert torch.equal(gaussian_kl(args[0][perm], args[1][perm]), one[1][perm])


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
def test_rows_longer_than_a_chunk_keep_the_kl_accuracy(dtype: torch.dtype) -> None:
    """Each row: the edge grid (144 points) 10 times, 1440 terms, against the sum of 50-digit terms."""
    mu, logvar = (t.reshape(1, -1).repeat(2, 10) for t in edge_grid(dtype))
    keep = logvar[0] <= (80 if dtype == torch.float32 else 700)  # the row sum stays finite in float32
    mu, logvar = mu[:, keep].contiguous(), logvar[:, keep].contiguous()
    terms = [KL_LOGVAR(m, v) for m, v in zip(mu[0].tolist(), logvar[0].tolist(), strict=True)]
    assert max_rel_err(gaussian_kl(mu, logvar), [sum(terms)] * 2) <= RTOL[dtype]


def test_second_derivatives_are_an_error_not_a_wrong_number() -> None:
    mu, logvar = randn(4, 3, seed=0, grad=True), randn(4, 3, seed=1, grad=True)
    with pytest.raises(RuntimeError, match="second derivatives are not implemented"):
        torch.autograd.grad(gaussian_kl(mu, logvar).sum(), mu, create_graph=True)


def test_pure_runs_another_path_than_the_native_operators() -> None:
    """The two-path fixture would be worthless if both ran the same code: the autograd nodes differ."""
    mu, logvar = randn(4, 3, seed=0, grad=True), randn(4, 3, seed=1, grad=True)
    assert (
        gaussian_kl(mu, logvar).grad_fn.name()
        == "torch::autograd::CppNode<vae_ops::(anonymous namespace)::GaussianKL>"
    )
    with _native.pure():
        assert gaussian_kl(mu, logvar).grad_fn.name() == "_GaussianKLBackward"


def test_a_failed_build_warns_once_and_runs_the_pure_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_compiler() -> None:
        raise RuntimeError("no C++ compiler")

    args = inputs((16, 4), torch.float64)
    with _native.pure():
        expected = fused(*args)
    monkeypatch.setattr(_native, "_state", {})
    monkeypatch.setattr(_native, "_build", no_compiler)
    with pytest.warns(RuntimeWarning, match="could not be built; impl runs its pure-PyTorch path"):
        actual = fused(*args)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = fused(*args)  # once per process
    for a, b, e in zip(actual, again, expected, strict=True):
        assert torch.equal(a, e)
        assert torch.equal(b, e)


def test_a_fresh_machine_without_a_compiler_falls_back(tmp_path: os.PathLike[str]) -> None:
    """A real build attempt in a fresh process with an empty extensions cache and no C++ compiler."""
    code = (
        "import warnings, torch, impl\n"
        "mu = torch.zeros(2, 3, dtype=torch.float64)\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        "    kl = impl.gaussian_kl(mu, mu + 1e-9)\n"
        "    impl.gaussian_kl(mu, mu)\n"
        "print(len(w), w[0].message, float(kl[0]))\n"
    )
    env = {**os.environ, "CXX": str(tmp_path) + "/no-such-c++", "TORCH_EXTENSIONS_DIR": str(tmp_path)}
    env["PYTHONPATH"] = os.pathsep.join([os.getcwd(), env.get("PYTHONPATH", "")])
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    count, message = out.stdout.split(" ", 1)
    assert count == "1"
    assert "could not be built" in message
    assert float(message.rsplit(" ", 1)[1]) == pytest.approx(1.5e-18, rel=1e-6)  # 3 (1e-9)^2 / 4


@cuda
@pytest.mark.cuda
def test_cuda_tensors_take_the_pure_path() -> None:
    mu = torch.randn(8, 4, device="cuda", requires_grad=True)
    assert not _native.use(mu)
    assert gaussian_kl(mu, mu).grad_fn.name() == "_GaussianKLBackward"

"""impl's native CPU operators (``torch.ops.vae_ops``): built at first use, cached, or the pure path.

The C++ sources in ``impl/csrc/`` (pytorch/extension-cpp's layout) define six operators with
``TORCH_LIBRARY``: ``gaussian_kl``, ``reparameterize_kl`` and ``bernoulli_nll`` and a backward for each,
the autograd formulas registered in C++. Here: the build (``torch.utils.cpp_extension.load``, ninja, the
system C++ compiler, ATen's headers; about a minute on 2 cores, once: the library is cached under
``TORCH_EXTENSIONS_DIR``, default ``~/.cache/torch_extensions``, in a directory named by a hash of the
sources and flags), the fake implementations ``torch.compile`` traces with, and the switch: where the
build fails (no compiler, no ninja) impl warns once and runs its pure-PyTorch path, which computes the same
numbers. Nothing is built at import.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import torch
from torch import Tensor

CSRC = Path(__file__).resolve().parent / "csrc"
SOURCES = ("ops.cpp", "gaussian_kl.cpp", "bernoulli_nll.cpp")
#: float16/bfloat16 are upcast to float32 by the callers (impl.kl.UPCAST) before reaching these.
DTYPES = (torch.float32, torch.float64)
_state: dict[str, bool] = {}  # "loaded": True once built, False once the build failed
_pure = [False]  # set by ``pure()``


def flags() -> list[str]:
    """-O3, no FMA contraction (an FMA only where the source asks for one, as ATen's kernels round), AVX2
    where torch itself dispatches to AVX2 or AVX-512 here, MKL's exp where torch.exp uses it (bit-identical
    z)."""
    out = ["-O3", "-ffp-contract=off", "-fopenmp"]  # OpenMP: at::parallel_for is inline OpenMP code
    if torch.backends.cpu.get_cpu_capability() in ("AVX2", "AVX512"):
        out += ["-mavx2", "-mfma", "-mf16c", "-DCPU_CAPABILITY=AVX2", "-DCPU_CAPABILITY_AVX2"]
    if torch.backends.mkl.is_available():
        out.append("-DVAE_OPS_MKL")
    return out


def build_name() -> str:
    """``vae_ops_<hash>``: the hash of the sources, the flags and torch's version, so that two checkouts
    (or two versions) on one machine never load each other's library."""
    digest = hashlib.sha256(torch.__version__.encode() + " ".join(flags()).encode())
    for name in (*SOURCES, "common.h"):
        digest.update((CSRC / name).read_bytes())
    return f"vae_ops_{digest.hexdigest()[:12]}"


def _ninja_on_path() -> None:
    """Put PyPI's ninja (a dependency) on PATH where no ninja is: torch's builder looks it up there."""
    try:
        import ninja
    except ImportError:
        return
    if ninja.BIN_DIR not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([os.environ.get("PATH", ""), ninja.BIN_DIR])


def _build() -> None:
    name = build_name()
    root = os.environ.get("TORCH_EXTENSIONS_DIR") or str(Path.home() / ".cache" / "torch_extensions")
    build_dir = Path(root) / name
    if (build_dir / f"{name}.so").exists():  # built before: the name is the hash of what built it
        try:
            torch.ops.load_library(str(build_dir / f"{name}.so"))
            _register_fakes()
            return
        except OSError:  # a library cut short (a killed link): build it again
            pass
    import fcntl  # POSIX; elsewhere the ImportError is a failed build: the pure path

    from torch.utils import cpp_extension  # imports setuptools: only when building

    _ninja_on_path()
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / "impl.flock", "w") as held:
        # torch's own lock is a file that a killed build leaves behind, and every later build then waits
        # for it forever. Builds of this library take this flock first (the kernel drops it when its
        # holder dies), so whoever holds it may remove torch's lock: no other build is running.
        fcntl.flock(held, fcntl.LOCK_EX)
        (build_dir / "lock").unlink(missing_ok=True)
        _load(cpp_extension, name, build_dir)
    _register_fakes()


def _load(cpp_extension: ModuleType, name: str, build_dir: Path) -> None:
    cpp_extension.load(
        name=name,
        build_directory=str(build_dir),
        sources=[str(CSRC / s) for s in SOURCES],
        extra_cflags=flags(),
        extra_ldflags=["-fopenmp"],  # libgomp.so.1: at run time the one torch has loaded
        is_python_module=False,
        verbose=os.environ.get("VAE_OPS_VERBOSE") == "1",
    )


def load() -> bool:
    """Build (first time on this machine) and load the operators; False, with one RuntimeWarning per
    process, where that fails."""
    if "loaded" not in _state:
        try:
            _build()
            _state["loaded"] = True
        except Exception as err:  # the toolchain, not the math: the pure path computes the same
            _state["loaded"] = False
            warnings.warn(
                f"impl's native operators could not be built; impl runs its pure-PyTorch path ({err!r:.300})",
                RuntimeWarning,
                3,
            )
    return _state["loaded"]


def use(t: Tensor) -> bool:
    """Whether a kernel on ``t`` runs natively: a float32/float64 CPU tensor, not inside ``pure()``, and
    the operators built."""
    return t.is_cpu and t.dtype in DTYPES and not _pure[0] and load()


@contextlib.contextmanager
def pure() -> Iterator[None]:
    """Run impl's pure-PyTorch path in this block (the benchmarks' ``pure`` variant, the tests' oracle)."""
    before, _pure[0] = _pure[0], True
    try:
        yield
    finally:
        _pure[0] = before


def _rows(t: Tensor) -> Tensor:
    return t.new_empty(t.shape[:1])


def _register_fakes() -> None:
    """Shapes and dtypes for FakeTensor tracing (torch.compile, opcheck): contiguous, as the kernels give."""
    fake = torch.library.register_fake

    @fake("vae_ops::gaussian_kl")
    def _(mu: Tensor, logvar: Tensor) -> Tensor:
        return _rows(mu)

    @fake("vae_ops::gaussian_kl_backward")
    def _(g_kl: Tensor, mu: Tensor, logvar: Tensor) -> tuple[Tensor, Tensor]:
        return mu.new_empty(mu.shape), mu.new_empty(mu.shape)

    @fake("vae_ops::reparameterize_kl")
    def _(mu: Tensor, logvar: Tensor, eps: Tensor) -> tuple[Tensor, Tensor]:
        return mu.new_empty(mu.shape), _rows(mu)

    @fake("vae_ops::reparameterize_kl_backward")
    def _(
        g_z: Tensor, g_kl: Tensor, mu: Tensor, logvar: Tensor, eps: Tensor, eps_grad: bool
    ) -> tuple[Tensor, Tensor, Tensor]:
        return mu.new_empty(mu.shape), mu.new_empty(mu.shape), mu.new_empty(mu.shape if eps_grad else (0,))

    @fake("vae_ops::bernoulli_nll")
    def _(logits: Tensor, x: Tensor) -> Tensor:
        return _rows(logits)

    @fake("vae_ops::bernoulli_nll_backward")
    def _(g_nll: Tensor, logits: Tensor, x: Tensor, x_grad: bool) -> tuple[Tensor, Tensor]:
        return logits.new_empty(logits.shape), logits.new_empty(logits.shape if x_grad else (0,))

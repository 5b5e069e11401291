"""nox sessions are this project's user interface: ``nox -l`` lists them.

Every session installs with ``-c constraints.txt`` (torch==2.13.0, the local CPU wheel) and with pip,
not uv: uv does not see the local wheel. Dependencies come from pyproject's dependency groups.
"""

from __future__ import annotations

import os

import nox

nox.options.default_venv_backend = "virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["verify", "tests", "lint"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
CONSTRAINTS = ("-c", "constraints.txt")
PYTHON = "3.11"


def install(session: nox.Session, *groups: str) -> None:
    """Install the project (editable) and the named dependency groups, under the torch constraint."""
    deps = [dep for group in groups for dep in nox.project.dependency_groups(PYPROJECT, group)]
    session.install(*CONSTRAINTS, "-e", ".", *deps)


@nox.session(python=PYTHON)
def verify(session: nox.Session) -> None:
    """Run the derivation ledger: every claim proved, checked numerically or refuted (-- --only ID ...)."""
    install(session)
    session.run("python", "-m", "derivations", "--json", "build/ledger.json", *session.posargs)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite (CUDA and browser tests skip cleanly where there is no GPU or Chromium)."""
    install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff (lint and format check) and mypy on derivations/, impl/, experiments/ and report/."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


def bench_env() -> dict[str, str]:
    """OpenMP must not spin-wait on a shared 2-core machine (PERF_NOTES: 8 ms per op otherwise)."""
    return {"OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}


@nox.session(python=PYTHON)
def report(session: nox.Session) -> None:
    """The reviewer's report: build/report/index.html (self-contained) and, for the full ledger, REPORT.md."""
    install(session, "test", "report")
    # The fast tests first: their JUnit outcomes are shown beside each claim's impl functions.
    junit = ("pytest", "-q", "-m", "not slow and not browser", "--junitxml=build/tests.xml")
    session.run(*junit, success_codes=[0, 1])
    ledger = ("python", "-m", "derivations", "--json", "build/ledger.json", "--report", "build/report")
    session.run(*ledger, *session.posargs)
    if not session.posargs:  # the committed REPORT.md always shows the whole ledger
        session.run("python", "-m", "report", "build/ledger.json", "--markdown", "REPORT.md")


# glibc keeps freed memory mapped and reuses it, instead of returning every large block to the kernel and
# page-faulting it in again on the next allocation (PERF_NOTES); must be set before the process starts.
TUNED_ALLOCATOR = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184"


def allocator(session: nox.Session) -> tuple[str, dict[str, str], list[str]]:
    """("tuned" or "default", bench_env() plus GLIBC_TUNABLES if posargs say --tuned-allocator, the rest)."""
    tuned = "--tuned-allocator" in session.posargs
    env = {**bench_env(), **({"GLIBC_TUNABLES": TUNED_ALLOCATOR} if tuned else {})}
    return "tuned" if tuned else "default", env, [a for a in session.posargs if a != "--tuned-allocator"]


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Kernel benchmarks against the hardware floor; -- --tuned-allocator for the glibc tunables."""
    install(session, "bench")
    name, env, posargs = allocator(session)
    os.makedirs("build", exist_ok=True)
    out = f"build/bench-{name}"
    args = [f"--benchmark-json={out}.json", f"--bench-summary={out}.txt", "--benchmark-columns=min,median"]
    session.run("pytest", "benchmarks", *args, *posargs, env=env)


@nox.session(python=PYTHON)
def bench_check(session: nox.Session) -> None:
    """Every benchmark case once, untimed, its result checked against the oracle (for CI; under a minute)."""
    install(session, "bench")
    session.run("pytest", "benchmarks", "--benchmark-disable", *session.posargs, env=bench_env())


@nox.session(python=PYTHON)
def bench_compare(session: nox.Session) -> None:
    """Regression gate: -- --base REF times REF then this tree, fails if a min slows > 25%; --selftest."""
    install(session, "bench")
    session.run("python", "benchmarks/gate.py", *session.posargs, env=bench_env())


@nox.session(python=PYTHON)
def bench_scaling(session: nox.Session) -> None:
    """Time against elements (1e4 to 1e8) per implementation: benchmarks/results/scaling-*.{csv,png,txt}."""
    install(session, "bench")
    _, env, posargs = allocator(session)
    session.run("python", "benchmarks/scaling.py", *posargs, env=env)


@nox.session(python=PYTHON)
def ablation(session: nox.Session) -> None:
    """Three-panel ablation on digits + exact ELBO gap: experiments/results/ (-- --quick writes build/)."""
    install(session, "experiments")
    session.run("python", "-m", "experiments.ablation", *session.posargs)


AUDIT_KERNELS = ("kl", "reparameterize", "bernoulli-nll", "neg-elbo")


@nox.session(python=PYTHON)
def audit(session: nox.Session) -> None:
    """Audit every built-in VAE loss against the ledger: audit/results/*.{md,json} and kl.png (-- --quick)."""
    install(session, "audit")
    # The JAX targets are optional: where their group does not install, they are reported skipped, saying why.
    jax = nox.project.dependency_groups(PYPROJECT, "audit-jax")
    session.run_install("python", "-m", "pip", "install", *CONSTRAINTS, *jax, success_codes=[0, 1])
    for kernel in AUDIT_KERNELS:
        out = f"audit/results/{kernel}"
        figure = ("--figure", f"{out}.png") if kernel == "kl" else ()
        args = ("--kernel", kernel, "--json", f"{out}.json", "--markdown", f"{out}.md", *figure)
        # exit 1 means some target failed its audit: that is the finding being published, not an error
        session.run("python", "-m", "audit", "all", *args, *session.posargs, success_codes=[0, 1])

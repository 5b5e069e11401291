"""Audit anyone's VAE loss code against the ledger: ``python -m audit TARGET [TARGET ...]``.

A target is a built-in name (``impl``, ``torch``, ``pyro``, ...), ``package.module:function`` or
``path/to/file.py:function``. For the KL kernel it is called as f(mu, logvar) on (B, D) tensors; the audit
finds its sign and reductions, then checks values and gradients against 50-digit references of the closed
form (Kingma & Welling 2013, Appendix B; ledger claim ``gaussian-kl-standard``). See docs/audit.md.
"""

from audit.result import Audit, Check
from audit.runner import KERNELS, run

__all__ = ["KERNELS", "Audit", "Check", "run"]

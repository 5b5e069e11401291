"""SymPy derivations of the VAE loss: each step stated as data (``core``), checked by ``check``.

Run the ledger with ``python -m derivations`` (or ``nox -s verify``).
"""

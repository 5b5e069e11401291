"""The claims of the ledger, one module per quantity; each exposes ``claims()`` (see ``registry.MODULES``)."""

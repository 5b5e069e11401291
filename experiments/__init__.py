"""The lecture's three-panel ablation on real digits, and the exact ELBO gap on probabilistic PCA.

``python -m experiments.ablation [--quick] [--json PATH] [--figure PATH]`` runs both and writes the results.
Nothing runs and nothing heavy is imported at import: ``experiments.evidence`` stays free of torch.
"""

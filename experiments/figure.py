"""The three-panel figure: each held-out image's posterior q_phi(z|x) over the prior N(0, I), per objective.

Each posterior is drawn as its mean (a dot) and its 1-sigma ellipse (axis-aligned: the encoder's covariance
is diagonal, Kingma & Welling 2013, Appendix C.2), coloured by digit class, over the prior's 1- and 2-sigma
circles. The caption is generated from the metrics, so it names which panel is which by what was measured.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

#: Panel titles, by objective id.
TITLES = {
    "kl-only": "KL term only (no reconstruction)",
    "reconstruction-only": "reconstruction term only (no KL)",
    "both": "both terms (the negative ELBO)",
}
POSITIONS = ("Left", "Middle", "Right")


#: Thresholds that choose a panel's words from its metrics (not from the objective's name).
COLLAPSED_KL = 0.05  # nats per latent dim: below this, with no active unit, q(z|x) is the prior
PEAKY_VARIANCE = 0.01  # mean posterior variance below this: the ellipses shrink to points
PEAKY_CONFUSION = 0.1  # and fewer codes than this land nearer another image's mean


def describe(objective: str, m: Mapping[str, Any]) -> str:
    """One sentence on a panel: what the measured metrics say it shows, then the numbers."""
    kl, var, confusion = m["kl_per_dim_mean"], m["posterior_variance_mean"], m["code_confusion"]
    if m["active_units"] == 0 and kl < COLLAPSED_KL:
        shape = (
            "every posterior is the prior (each ellipse is the prior's 1-sigma circle), so the code carries "
            "nothing and the decoder returns the data mean "
            f"(max pixel deviation {m['recon_to_data_mean_max_abs']:.2g})"
        )
    elif var < PEAKY_VARIANCE and confusion < PEAKY_CONFUSION:
        shape = (
            "posteriors are peaky (points, not ellipses) and the codes spread far from N(0, I) "
            f"(second moment {m['code_second_moment']:.3g}, 1 under the prior)"
        )
    else:
        shape = (
            f"posteriors overlap ({confusion:.0%} of codes lie nearer another image's mean) and the codes' "
            f"second moment is {m['code_second_moment']:.3g} (1 under the prior)"
        )
    knn = "" if m["knn_accuracy"] is None else f", digit read off a sampled code {m['knn_accuracy']:.0%}"
    numbers = f"KL {kl:.3g} nats/dim, {m['active_units']} active units, posterior variance {var:.2g}{knn}"
    return f"{TITLES[objective]}: {shape} ({numbers})."


def caption(objectives: Sequence[str], metrics: Mapping[str, Mapping[str, Any]]) -> str:
    """The figure's caption: one sentence per panel, left to right."""
    panels = zip(POSITIONS, objectives, strict=False)
    return "\n".join(f"{position}, {describe(o, metrics[o])}" for position, o in panels)


def draw(
    posteriors: Mapping[str, tuple[np.ndarray, np.ndarray]],
    labels: np.ndarray,
    metrics: Mapping[str, Mapping[str, Any]],
    path: str | Path | BinaryIO,
) -> str:
    """Save the figure as PNG at ``path`` (a file name or a binary file object) and return its caption.

    posteriors: objective -> (mu, logvar), each (N, 2), in panel order. labels: (N,) digit class, -1 if none.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import EllipseCollection

    objectives = list(posteriors)
    text = caption(objectives, metrics)
    note = "Dashed: the prior N(0, I)'s 1- and 2-sigma circles. Chance for the digit from a code: 10%."
    lines = [
        part for line in [*text.splitlines(), note] for part in textwrap.wrap(line, 62 * len(objectives))
    ]
    fig, axes = plt.subplots(1, len(objectives), figsize=(5.2 * len(objectives), 5.9 + 0.16 * len(lines)))
    colours = plt.get_cmap("tab10")(np.where(labels >= 0, labels % 10, 7))
    for ax, objective in zip(np.atleast_1d(axes), objectives, strict=True):
        mu, logvar = posteriors[objective]
        if mu.shape[1] != 2:
            raise ValueError(f"the figure needs a 2-D latent space, got mu of shape {mu.shape}")
        std = np.exp(0.5 * logvar)
        ellipses = EllipseCollection(
            2 * std[:, 0], 2 * std[:, 1], np.zeros(len(mu)), units="xy", offsets=mu,
            offset_transform=ax.transData, facecolors="none", edgecolors=colours, linewidths=0.6, alpha=0.35,
        )  # fmt: skip
        ax.add_collection(ellipses)
        ax.scatter(mu[:, 0], mu[:, 1], c=colours, s=6, zorder=3)
        for radius in (1, 2):
            ax.add_patch(plt.Circle((0, 0), radius, fill=False, color="k", ls="--", lw=1.0, zorder=4))
        reach = 1.05 * max(2.5, float((np.abs(mu) + std).max()))
        ax.set(xlim=(-reach, reach), ylim=(-reach, reach), aspect="equal", xlabel="$z_1$", ylabel="$z_2$")
        ax.set_title(TITLES[objective], fontsize=11)
    if (labels >= 0).any():
        handles = [plt.Line2D([], [], ls="", marker="o", color=plt.get_cmap("tab10")(c)) for c in range(10)]
        fig.legend(handles, [str(c) for c in range(10)], loc="upper center", ncol=10, title="digit class")
    bottom = (0.45 + 0.16 * len(lines)) / fig.get_figheight()  # the caption and the x labels
    fig.text(0.01, 0.01, "\n".join(lines), fontsize=8.5, va="bottom")
    fig.tight_layout(rect=(0, bottom, 1, 1 - 0.65 / fig.get_figheight()))
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)
    return text

"""Fitting the claim-matching ranker (a listwise softmax over each query's candidates).

Kept apart from ``matching`` because only the benchmark script fits; users load the
shipped weights. A linear model over normalised retriever scores is small enough to
ship as a JSON file and cannot memorise the training text.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize  # type: ignore[import-untyped]

Rows = Sequence[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]


def fit_listwise(rows: Rows, names: Sequence[str], l2: float = 0.01) -> dict[str, float]:
    """Weights maximising the softmax probability of the relevant candidates per query."""
    dim = len(names)

    def loss(w: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        total, grad = 0.0, np.zeros(dim)
        for feats, labels in rows:
            s = feats @ w
            s = s - s.max()
            p = np.exp(s)
            p /= p.sum()
            target = labels / labels.sum()
            total -= float(target @ np.log(p + 1e-12))
            grad += feats.T @ (p - target)
        n = max(1, len(rows))
        return total / n + l2 * float(w @ w), grad / n + 2 * l2 * w

    w0 = np.zeros(dim)
    result = minimize(loss, w0, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    weights = {name: round(float(v), 6) for name, v in zip(names, result.x, strict=True)}
    weights["bias"] = 0.0
    return weights

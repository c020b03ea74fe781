"""How good are generated digits? The measures the GAN lessons report, all from the MNIST judge.

- :func:`mean_confidence`: the judge's mean top probability (does it recognise the digits?).
- :func:`label_accuracy`: the share of images the judge reads as their label (conditional models:
  did the model draw the digit it was asked for?).
- The Fréchet distance between the judge's features of the images and of the reference digits
  (the official MNIST test digits 1,000 to 9,999): ``|mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2)``
  (:func:`frechet_distance_from_stats`, the formula of FID; lesson 06 writes it out), with the
  reference's statistics from :func:`real_stats`. 0 is a perfect match, lower is better; compare
  values only between sets of one size (1,000 in the lessons), as it grows for small sets.
- :func:`score`: every measure at once, also which digits are there.

The judge itself (the model, its cache, its probabilities and features) is ``utils.judge``.
Images may be uint8 (0-255) or floats in [0, 1] or [-1, 1], shaped (N, 28, 28) or (N, 28, 28, 1).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from . import checks, storage
from .judge import HELD_OUT, _input, _judge, _cache_file, features, predict_proba

_real_stats: dict = {}   # cache file -> (mean, covariance) of the reference digits' features


def label_accuracy(images, labels, judge=None, value_range=None) -> float:
    """The share of images the judge reads as their label (for conditional models: did the model
    draw the digit it was asked for?). Used by lessons 07 and 09."""
    x = _input(images, value_range)
    y = checks.labels(labels, len(x), digits=True)
    return float(np.mean(np.argmax(predict_proba(x, judge), axis=1) == y))


def mean_confidence(images, judge=None, value_range=None) -> float:
    """The judge's mean top probability: near 1 when it recognises the digits at once.
    Used by lessons 07, 09 and 10."""
    return float(np.mean(np.max(predict_proba(images, judge, value_range), axis=1)))


def _feature_stats(feats):
    """Mean (D,) and covariance (D, D) of features (N, D), N >= 2, all finite."""
    feats = checks.array("features", feats, finite=False, min_size=0, expected="features (N, D) with N >= 2")
    if feats.ndim != 2 or len(feats) < 2:
        raise ValueError(f"features must be (N, D) with N >= 2; got shape {feats.shape}.")
    if not np.all(np.isfinite(feats)):
        raise ValueError(f"features must be finite numbers; got {int(feats.size - np.isfinite(feats).sum())} NaN or "
                         "infinite values (from images with NaN, or a judge that diverged?).")
    return feats.mean(axis=0), np.cov(feats, rowvar=False)


def frechet_distance_from_stats(mu1, cov1, mu2, cov2) -> float:
    """The Fréchet distance between two Gaussians N(mu1, cov1) and N(mu2, cov2):
    ``|mu1 - mu2|^2 + tr(cov1 + cov2 - 2 (cov1^1/2 cov2 cov1^1/2)^1/2)``, the formula of FID.

    Means (D,) and covariances (D, D) of one D, finite; a covariance must be symmetric and
    positive semi-definite (up to rounding). Returns a number >= 0. Used by lesson 06."""
    mu1, mu2 = (np.atleast_1d(checks.array(n, v, min_size=1, expected="a mean vector (D,) of finite numbers"))
                for n, v in (("mu1", mu1), ("mu2", mu2)))
    cov1, cov2 = (np.atleast_2d(checks.array(n, v, min_size=1, expected="a covariance matrix (D, D) of finite numbers"))
                  for n, v in (("cov1", cov1), ("cov2", cov2)))
    d = mu1.shape[0]
    if mu1.shape != (d,) or mu2.shape != (d,) or cov1.shape != (d, d) or cov2.shape != (d, d):
        raise ValueError(f"mu1, cov1, mu2 and cov2 must be means (D,) and covariances (D, D) of one D; got mu1 {mu1.shape}, "
                         f"cov1 {cov1.shape}, mu2 {mu2.shape}, cov2 {cov2.shape}.")
    for name, cov in (("cov1", cov1), ("cov2", cov2)):
        scale = max(float(np.max(np.abs(cov))), 1e-300)
        if not np.allclose(cov, cov.T, rtol=1e-6, atol=1e-9 * scale):
            raise ValueError(f"{name} must be a covariance matrix, which is symmetric; got one that is not.")
        smallest = float(np.linalg.eigvalsh((cov + cov.T) / 2).min())
        if smallest < -1e-6 * scale:
            raise ValueError(f"{name} must be a covariance matrix (positive semi-definite); got one with the "
                             f"eigenvalue {smallest:g}.")

    def sqrt_psd(matrix):
        values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
        return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T

    with np.errstate(over="ignore", invalid="ignore"):
        root1 = sqrt_psd(cov1)
        product = root1 @ cov2 @ root1
        if not np.all(np.isfinite(product)):
            return float("inf")   # covariances too large to compare: infinitely far apart, for all purposes
        cross = np.sqrt(np.clip(np.linalg.eigvalsh((product + product.T) / 2), 0, None)).sum()
        value = np.sum((mu1 - mu2) ** 2) + np.trace(cov1) + np.trace(cov2) - 2 * cross
    return float(max(value, 0.0)) if np.isfinite(value) else float("inf")


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "in-memory"


def real_stats(judge=None):
    """Mean (128,) and covariance (128, 128) of the judge's features of the reference digits (the
    official MNIST test digits from ``HELD_OUT`` on: 9,000), computed once and cached next to the
    judge (``...-test-stats.npz``). Used by lesson 06."""
    from . import data

    judge = _judge(judge)
    path = _cache_file(judge)
    key = str(path) if path else f"model-{id(judge)}"
    if key in _real_stats:
        return _real_stats[key]
    stats_file = path.with_name(path.stem + "-test-stats.npz") if path else None
    fingerprint = _fingerprint(path) if path else None
    if stats_file is not None and stats_file.is_file():
        try:
            with np.load(stats_file, allow_pickle=False) as f:
                if (str(f["fingerprint"]) == fingerprint and "held_out" in f and int(f["held_out"]) == HELD_OUT
                        and f["mu"].shape == (128,) and f["cov"].shape == (128, 128)):
                    _real_stats[key] = (f["mu"].copy(), f["cov"].copy())
                    return _real_stats[key]
        except Exception:  # a corrupt stats file is recomputed below
            pass
    _, (x_test, _) = data.load_mnist("sample")
    stats = _feature_stats(features(x_test[HELD_OUT:], judge))
    if stats_file is not None:
        try:
            with storage.atomic_path(stats_file) as temporary:
                np.savez(temporary, mu=stats[0], cov=stats[1], fingerprint=np.array(fingerprint),
                         held_out=np.array(HELD_OUT))
        except OSError:  # a read-only cache still works, it just recomputes next time
            pass
    _real_stats[key] = stats
    return stats


def score(images, labels=None, judge=None, value_range=None) -> dict:
    """Every measure at once, as a dict: ``n``; ``class_histogram``, how many images the judge reads
    as each digit 0-9 (10 counts); ``class_coverage``, the share of the ten digits present (a digit
    counts when it has at least a tenth of an even share, N / 100; 1.0: all ten, 0.1: one digit
    only, mode collapse); ``mean_confidence``; ``frechet_distance`` (N >= 2; see the module's
    note; NaN for one image) and, with ``labels``, ``label_accuracy``.
    Used by lessons 06, 07, 09 and 10."""
    x = _input(images, value_range)
    y = None if labels is None else checks.labels(labels, len(x), digits=True)
    judge = _judge(judge)
    probs = predict_proba(x, judge)
    counts = np.bincount(np.argmax(probs, axis=1), minlength=10)
    result = {
        "n": len(x),
        "class_histogram": counts.tolist(),
        "class_coverage": float(np.mean(counts >= max(1.0, 0.1 * len(x) / 10))),
        "mean_confidence": float(np.mean(np.max(probs, axis=1))),
    }
    if y is not None:
        result["label_accuracy"] = float(np.mean(np.argmax(probs, axis=1) == y))
    result["frechet_distance"] = (frechet_distance_from_stats(*_feature_stats(features(x, judge)), *real_stats(judge))
                                  if len(x) >= 2 else float("nan"))
    return result

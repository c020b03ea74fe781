"""The latent space: points between two noise vectors (lessons 06 and 10 walk along them)."""
from __future__ import annotations

import math

import numpy as np

from . import checks


def interpolate(z0, z1, t, *, method="slerp") -> np.ndarray:
    """Points between two noise vectors ``z0`` and ``z1`` (each (D,)) at fractions ``t`` (a number
    or a 1-D array in [0, 1]): ``"linear"``, the straight line, or ``"slerp"``, the great circle,
    which keeps the length a Gaussian noise vector typically has. Returns (len(t), D) float32.
    Used by lessons 06 and 10."""
    a = checks.array("z0", z0, finite=False, min_size=0, expected="a noise vector (D,)")
    b = checks.array("z1", z1, finite=False, min_size=0, expected="a noise vector (D,)")
    if a.ndim != 1 or a.shape != b.shape or a.size == 0:
        raise ValueError(f"z0 and z1 must be two vectors of one length (D,); got shapes {a.shape} and {b.shape}.")
    for name, v in (("z0", a), ("z1", b)):
        if not np.all(np.isfinite(v)):
            raise ValueError(f"z0 and z1 must be finite; got {name} with NaN or infinite values.")
    ts = np.atleast_1d(checks.array("t", t, finite=False, min_size=0, expected="a number or a 1-D array of numbers in [0, 1]"))
    if ts.ndim != 1 or ts.size == 0 or not np.all(np.isfinite(ts)) or ts.min() < 0 or ts.max() > 1:
        raise ValueError(f"t must be a number or a 1-D array of numbers in [0, 1]; got {checks.describe(t) if np.ndim(t) else t!r}.")
    if not isinstance(method, str) or method not in ("linear", "slerp"):
        raise ValueError(f"method must be 'linear' or 'slerp'; got {checks.describe(method)}.")
    ts = ts[:, None]
    a, b = a.astype("float64"), b.astype("float64")   # float16 input would overflow below
    if method == "linear":
        return ((1 - ts) * a + ts * b).astype("float32")
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        raise ValueError("slerp needs two non-zero vectors; use method='linear' for a zero vector.")
    omega = math.acos(float(np.clip(np.dot(a / na, b / nb), -1.0, 1.0)))
    if omega > math.pi - 1e-3:   # (nearly) opposite: no single great circle joins them, and sin(omega) ~ 0
        raise ValueError("z0 and z1 must not point in opposite directions for slerp (z1 = -z0 has no single great "
                         f"circle; the angle between them is {math.degrees(omega):.2f} degrees). Use another z1, "
                         "or method='linear'.")
    if omega < 1e-6:  # (nearly) the same direction: the line is the circle
        return ((1 - ts) * a + ts * b).astype("float32")
    return ((np.sin((1 - ts) * omega) * a + np.sin(ts * omega) * b) / math.sin(omega)).astype("float32")

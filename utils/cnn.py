"""Lesson 02's own plumbing: the image perturbations behind its robustness widget (how does a
CNN's answer change when a digit is shifted, turned, blurred by noise or partly erased?)."""
from __future__ import annotations

import numpy as np

from . import checks
from .images import rescale


def perturb(image, *, noise: float = 0.0, shift=(0, 0), angle: float = 0.0, erase: int = 0,
            erase_at=None, seed: int = 0) -> np.ndarray:
    """A moved and damaged copy of one image, as float32 (H, W) in [0, 1].

    In this order: rotate by ``angle`` degrees (counter-clockwise, about the centre) and shift by
    ``shift = (dx, dy)`` pixels (right, down) in one bilinear resampling, with black coming in at
    the edges; blank a square of ``erase`` pixels a side centred on ``erase_at = (row, col)``
    (default: the centre); add Gaussian noise of standard deviation ``noise`` (pixels are 0-1)
    drawn with ``seed``, and clip to [0, 1]. ``image`` is (H, W) or (H, W, 1), uint8 0-255 or
    floats in [0, 1]. Used by lesson 02's perturbation widget.
    """
    x = checks.array("image", image, min_size=0, dtype=None, finite=False,
                     expected="one image (H, W) or (H, W, 1), uint8 0-255 or floats in [0, 1]")
    if x.ndim == 3 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 2 or min(x.shape) < 2:
        raise ValueError(f"image must be one image, (H, W) or (H, W, 1); got shape {np.shape(image)}.")
    x = rescale(x, (0, 1), value_range=None if np.issubdtype(x.dtype, np.integer) else (0, 1), name="image",
                range_arg=None)
    h, w = x.shape
    number = checks.number

    noise = number("noise", noise, 0)
    angle = number("angle", angle)
    if isinstance(shift, (str, bytes)) or np.ndim(shift) != 1 or len(shift) != 2:
        raise ValueError(f"shift must be a pair (dx, dy) of pixels; got {checks.describe(shift)}.")
    dx, dy = (number("shift", s, -max(h, w), max(h, w)) for s in shift)
    erase = number("erase", erase, 0, max(h, w))
    if erase != int(erase):
        raise ValueError(f"erase must be a whole number of pixels; got {erase!r}.")
    if erase_at is None:
        erase_at = ((h - 1) / 2, (w - 1) / 2)
    if isinstance(erase_at, (str, bytes)) or np.ndim(erase_at) != 1 or len(erase_at) != 2:
        raise ValueError(f"erase_at must be a pair (row, col); got {checks.describe(erase_at)}.")
    row, col = (number("erase_at", v, 0, max(h, w)) for v in erase_at)

    if angle or dx or dy:
        cy, cx = (h - 1) / 2, (w - 1) / 2
        rows, cols = np.mgrid[0:h, 0:w].astype("float64")
        u, v = cols - cx - dx, (cy - rows) + dy           # output pixel, origin at the centre, y up
        t = np.deg2rad(angle)
        us, vs = np.cos(t) * u + np.sin(t) * v, -np.sin(t) * u + np.cos(t) * v  # rotate back by -angle
        src_r, src_c = cy - vs, us + cx
        r0, c0 = np.floor(src_r).astype(int), np.floor(src_c).astype(int)
        fr, fc = src_r - r0, src_c - c0
        out = np.zeros((h, w), "float64")
        for rr, cc, weight in ((r0, c0, (1 - fr) * (1 - fc)), (r0, c0 + 1, (1 - fr) * fc),
                               (r0 + 1, c0, fr * (1 - fc)), (r0 + 1, c0 + 1, fr * fc)):
            inside = (rr >= 0) & (rr < h) & (cc >= 0) & (cc < w)
            out[inside] += weight[inside] * x[rr[inside], cc[inside]]
        x = out.astype("float32")
    if erase:
        r_lo, c_lo = int(np.floor(row - erase / 2 + 0.5)), int(np.floor(col - erase / 2 + 0.5))
        x = x.copy()
        x[max(r_lo, 0):max(r_lo + int(erase), 0), max(c_lo, 0):max(c_lo + int(erase), 0)] = 0.0
    if noise:
        seed = checks.whole("seed", seed, 0)
        x = x + np.random.default_rng(seed).normal(0.0, noise, size=x.shape).astype("float32")
    return np.clip(x, 0.0, 1.0).astype("float32")

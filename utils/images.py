"""Pixel values: the one rule by which every function of the package reads and converts images.

Images come in three value ranges: whole numbers 0-255 (uint8, as MNIST stores them), floats in
[0, 1] (classifiers and plots) and floats in [-1, 1] (a GAN generator's tanh). :func:`rescale`
maps any of them to any other, and every function that takes images goes through it
(``utils.scale_images``, ``utils.viz.to_display``, :func:`to_uint8`, the judge), so all of them
read a range the same way:

- ``value_range`` given: the input's range, one of ``(0, 255)``, ``(0, 1)``, ``(-1, 1)``.
- ``value_range=None``: inferred. Whole numbers are 0-255; floats with a value below -1e-3 are
  [-1, 1]; other floats [0, 1] (-1e-7 is a rounding error of [0, 1], not a sign of [-1, 1]).
- A value outside the range is an error that names the range and the likely fix (floats up to
  255 are pixel values that were never divided by 255). Floats may pass the bounds by 1e-3 of
  the range's width (rounding) and are then clipped. NaN and infinities are errors (did the
  training diverge?).
"""
from __future__ import annotations

import numpy as np

from . import checks

VALUE_RANGES = ((0, 1), (-1, 1), (0, 255))
SLACK = 1e-3   # how far float pixels may pass their range's bounds (rounding) before it is an error


def check_value_range(value_range, *, allowed=VALUE_RANGES, optional: bool = True, name: str = "value_range"):
    """``value_range`` as a tuple from ``allowed`` (a tuple, list or 1-D array), or None for None
    when ``optional``; anything else is a ``ValueError`` naming the argument. Used by :func:`rescale`."""
    if value_range is None and optional:
        return None
    if value_range is None or isinstance(value_range, (str, bytes)) or np.ndim(value_range) != 1 \
            or np.asarray(value_range).dtype == bool or any(isinstance(v, (bool, np.bool_)) for v in value_range) \
            or tuple(np.asarray(value_range).tolist()) not in allowed:
        words = [str(r) for r in allowed] + (["None (to infer it)"] if optional else [])
        words = ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]
        raise ValueError(f"{name} must be {words}; got {checks.describe(value_range)}.")
    return tuple(np.asarray(value_range).tolist())


def _as_array(images, name):
    try:
        x = np.asarray(images.numpy() if hasattr(images, "numpy") and not isinstance(images, np.ndarray) else images)
    except Exception:   # a ragged list, a symbolic Keras tensor, ...
        raise ValueError(f"{name} must be an array of pixel values (0-255, or floats in [0, 1] or [-1, 1]); "
                         f"got {checks.describe(images)}, which is not one.") from None
    if x.dtype == bool or not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
        raise ValueError(f"{name} must be numbers: pixel values 0-255, or floats in [0, 1] or [-1, 1]; "
                         f"got {checks.describe(images)}.")
    return x


def infer_range(images, value_range=None, *, name: str = "images") -> tuple:
    """The value range of ``images`` by the rule above: ``value_range`` when given (checked), else
    (0, 255) for whole numbers, (-1, 1) for floats with a value below -1e-3, (0, 1) for other
    floats. Used by :func:`rescale` and the judge's input check."""
    return _infer(_as_array(images, name), check_value_range(value_range))


def _infer(x, value_range):
    if value_range is not None:
        return value_range
    if np.issubdtype(x.dtype, np.integer):
        return (0, 255)
    finite = x[np.isfinite(x)]
    return (-1, 1) if finite.size and finite.min() < -SLACK else (0, 1)   # -1e-7 is a rounding error of [0, 1]


def rescale(images, to=(0, 1), *, value_range=None, name: str = "images", range_arg: str | None = "value_range") -> np.ndarray:
    """Images (any shape) from their value range to ``to``: float32 for ``(0, 1)`` or ``(-1, 1)``,
    uint8 (rounded) for ``(0, 255)``. The input range is ``value_range`` or inferred (see the
    module's rule). Raises ``ValueError`` naming ``name`` for values outside that range, NaN,
    infinities or non-numbers; its hints name the caller's argument ``range_arg`` (None: the caller
    has no such argument). Used by :func:`to_uint8`, ``utils.scale_images``,
    ``utils.viz.to_display`` and the judge."""
    to = check_value_range(to, optional=False, name="to")
    x = _as_array(images, name)
    source = _infer(x, check_value_range(value_range))
    whole = np.issubdtype(x.dtype, np.integer)
    x = x.astype("float64")
    if not whole and x.size and not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must not contain NaN or infinite values; got {int(x.size - np.isfinite(x).sum())} "
                         "of them (did the training diverge?).")
    if x.size:
        low, high = float(x.min()), float(x.max())
        slack = 0 if whole else SLACK * (source[1] - source[0])
        if low < source[0] - slack or high > source[1] + slack:
            hint = ""
            if high > 1 and source != (0, 255):
                hint = ((f" (these look like pixel values 0-255: pass {range_arg}=(0, 255), or leave it None)"
                         if range_arg else " (these look like pixel values 0-255)") if whole
                        else " (pixel values 0-255 should be uint8: use images.astype('uint8'), or divide by 255)")
            elif low < 0 and source == (0, 1):
                hint = (f" (values below 0: pass {range_arg}=(-1, 1), or leave it None)" if range_arg
                        else " (values below 0: this function takes [0, 1]; map [-1, 1] images to it with (x + 1) / 2)")
            raise ValueError(f"{name} must be pixel values 0-255, or floats in [0, 1] or [-1, 1]; got values from "
                             f"{low:.7g} to {high:.7g}, outside {source}{hint}.")
    unit = np.clip((x - source[0]) / (source[1] - source[0]), 0.0, 1.0)   # [0, 1] whatever the source
    if to == (0, 255):
        return np.round(unit * 255).astype("uint8")
    return (unit if to == (0, 1) else unit * 2.0 - 1.0).astype("float32")


def to_uint8(images, value_range=None) -> np.ndarray:
    """A batch of images as uint8 (N, H, W) (or (N, H, W, 3) for colour), by :func:`rescale`'s
    rule, with or without a channel axis of 1. Used by ``utils.samples.save_samples``.
    Used by lessons 06 and 10."""
    x = checks.array("images", images, ndim=(2, 3, 4), min_size=0, dtype=None, finite=False,
                     expected="a batch of images (N, H, W) or (N, H, W, 1)")
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if not (x.ndim == 3 or (x.ndim == 4 and x.shape[-1] == 3)) or x.shape[0] == 0:
        raise ValueError(f"images must be a batch (N, H, W) or (N, H, W, 1) with N >= 1; got shape {x.shape}.")
    return rescale(x, (0, 255), value_range=value_range)

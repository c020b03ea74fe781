"""Argument checks shared by every module of ``utils``.

Each check returns the value in the form the caller computes with (an ``int``, a ``float``, a NumPy
array) or raises a ``ValueError`` that names the argument, says what it expects and what it got::

    ValueError: stride must be a whole number >= 1; got the string '2'.

So a wrong argument never reaches the maths, where it would surface as NumPy's "could not convert
string to float", a silent NaN, or "'int' object is not iterable". Used by every lesson, through
the functions of ``utils``.
"""
from __future__ import annotations

import math
import numbers
from pathlib import Path

import numpy as np


def describe(value) -> str:
    """A short description of what a caller passed, for error messages: "the string 'abc'",
    "the number nan", "an array of shape (3, 4) and dtype float64", "a list of 3 items", "None"."""
    if value is None:
        return "None"
    if value is Ellipsis:
        return "... (not filled in yet)"
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, bytes):
        return f"bytes of length {len(value)}"
    if isinstance(value, numbers.Number) and np.ndim(value) == 0:
        return f"the number {value!r}" if not isinstance(value, np.generic) else f"the number {value.item()!r}"
    if hasattr(value, "shape") and hasattr(value, "dtype"):   # NumPy arrays and tensors
        kind = "an array" if isinstance(value, np.ndarray) else f"a {type(value).__name__}"
        try:
            shape = tuple(int(d) if d is not None else None for d in value.shape)
        except TypeError:
            shape = value.shape
        dtype = getattr(value.dtype, "name", value.dtype)
        return f"{kind} of shape {shape} and dtype {dtype}"
    if isinstance(value, (list, tuple)):
        kind = type(value).__name__
        return f"a {kind} of {len(value)} item{'s' * (len(value) != 1)}" + (f" {value!r}" if len(repr(value)) <= 40 else "")
    if isinstance(value, dict):
        return f"a dict with keys {list(value)[:5]!r}" + (" ..." if len(value) > 5 else "")
    if isinstance(value, Path):
        return f"the path {str(value)!r}"
    return f"{'an' if type(value).__name__[:1].lower() in 'aeiou' else 'a'} {type(value).__name__}"


def fail(name: str, expected: str, value, detail: str = ""):
    """Raise ``ValueError("<name> must be <expected>; got <what value is>[, detail].")``."""
    raise ValueError(f"{name} must be {expected}; got {describe(value)}{detail}.")


def _unwrap(value):
    """A tensor (anything with ``.numpy()``) as a NumPy value; anything else unchanged."""
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        try:
            return value.numpy()
        except Exception:  # a symbolic tensor, a Keras variable on another backend: keep it
            return value
    return value


def whole(name: str, value, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an ``int``: a whole number (not a bool, a float or a string) in ``[low, high]``.
    A 0-d integer array or tensor counts."""
    value = _unwrap(value)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) \
            or (low is not None and value < low) or (high is not None and value > high):
        bounds = (f" from {low} to {high}" if high is not None else f" >= {low}") if low is not None \
            else (f" <= {high}" if high is not None else "")
        raise ValueError(f"{name} must be a whole number{bounds}; got {_short(value)}.")
    return int(value)


def _short(value) -> str:
    """repr for numbers and short strings (keeps messages like "got -1." and "got 2.5."), else describe."""
    if isinstance(value, (numbers.Number, np.generic)) and not isinstance(value, bool) and np.ndim(value) == 0:
        return repr(value.item() if isinstance(value, np.generic) else value)
    return describe(value)


def number(name: str, value, low: float | None = None, high: float | None = None, *,
           finite: bool = True, expected: str | None = None) -> float:
    """``value`` as a ``float``: one real number (a Python or NumPy number, a 0-d array, a scalar
    tensor; not a bool or a string), finite unless ``finite=False``, in ``[low, high]``.
    ``expected`` words what is wanted when ``value`` is not a number at all."""
    expected = expected or ("a finite number" if finite else "a number")
    raw = value
    value = _unwrap(value)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be {expected}; got {describe(raw)}.")
    value = float(value)
    if finite and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value}.")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low} and {high}" if low is not None and high is not None \
            else (f">= {low}" if low is not None else f"<= {high}")
        raise ValueError(f"{name} must be {bounds}; got {value:g}.")
    return value


def array(name: str, value, *, ndim=None, shape=None, min_size: int = 1, finite: bool = True,
          dtype: str | None = "float64", expected: str | None = None) -> np.ndarray:
    """``value`` (a list, an array or a tensor) as a NumPy array of numbers.

    ``ndim``: the allowed number of axes (an int or a tuple of ints); ``shape``: the exact shape,
    with None for any length; ``min_size``: the fewest elements; ``finite``: no NaN or infinity;
    ``dtype``: the dtype to convert to (None keeps it). ``expected`` describes what is wanted for
    the message (default: from ``ndim``/``shape``). Booleans, strings and objects are refused.
    """
    what = expected or _expected(ndim, shape)
    raw = value
    value = _unwrap(value)
    if value is None or isinstance(value, (str, bytes, dict, set)):
        fail(name, what, raw)
    try:
        x = np.asarray(value)
    except Exception:   # ragged lists and other things NumPy cannot make an array of
        fail(name, what, raw, " (not an array of numbers)")
    if x.dtype == bool or x.dtype == object or not np.issubdtype(x.dtype, np.number) \
            or np.issubdtype(x.dtype, np.complexfloating):
        fail(name, what, raw)
    if ndim is not None and x.ndim not in ((ndim,) if isinstance(ndim, int) else tuple(ndim)):
        fail(name, what, raw)
    if shape is not None and (x.ndim != len(shape) or any(s is not None and s != d for s, d in zip(shape, x.shape))):
        fail(name, what, raw)
    if x.size < min_size:
        fail(name, f"{what} with at least {min_size} value{'s' * (min_size != 1)}", raw)
    if dtype is not None:
        x = x.astype(dtype, copy=False)
    if finite and np.issubdtype(x.dtype, np.floating) and not np.all(np.isfinite(x)):
        bad = int(np.size(x) - np.count_nonzero(np.isfinite(x)))
        raise ValueError(f"{name} must be finite numbers; got {describe(raw)} with {bad} NaN or infinite value"
                         f"{'s' * (bad != 1)}.")
    return x


def _expected(ndim, shape) -> str:
    if shape is not None:
        return "an array of numbers of shape (" + ", ".join("any" if s is None else str(s) for s in shape) + \
            ("," if len(shape) == 1 else "") + ")"
    if ndim is None:
        return "an array of numbers"
    dims = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    return "a " + " or ".join(f"{d}-D" for d in dims) + " array of numbers"


def flag(name: str, value) -> bool:
    """``value`` as a ``bool``: True or False (or a NumPy bool), not 0, 1 or a string."""
    if not isinstance(value, (bool, np.bool_)):
        fail(name, "True or False", value)
    return bool(value)


def text(name: str, value, *, allow_none: bool = False, empty: bool = True) -> str | None:
    """``value`` if it is a string (or None with ``allow_none``); ``empty=False`` refuses ''."""
    if value is None and allow_none:
        return None
    if not isinstance(value, str) or (not empty and not value.strip()):
        fail(name, "a string" + (" or None" if allow_none else "") + ("" if empty else " that is not empty"), value)
    return value


def path(name: str, value, *, suffix: str | None = None) -> Path:
    """``value`` (a ``str`` or ``os.PathLike``) as a ``Path``; ``suffix`` (e.g. ``".npz"``) is the
    ending it must have (compared without case)."""
    if isinstance(value, Path):
        result = value
    elif isinstance(value, str) and value.strip():
        result = Path(value)
    elif hasattr(value, "__fspath__"):
        result = Path(value)
    else:
        fail(name, "a file path (a str or pathlib.Path)" + (f" ending in {suffix}" if suffix else ""), value)
    if suffix is not None and result.suffix.lower() != suffix:
        raise ValueError(f"{name} must end in {suffix}; got {str(result)!r}.")
    return result


def labels(value, n: int, *, name: str = "labels", digits: bool = False) -> np.ndarray:
    """Class labels as int64 (n,): whole numbers, one per image (``n`` images), and with
    ``digits=True`` each 0-9. The one label check of the package (``utils.data.as_dataset``,
    ``utils.samples.save_samples``, ``utils.metrics``, ``utils.cgan`` and ``utils.acgan`` use it)."""
    n = whole("n", n, 0)
    what = f"whole numbers{' 0-9' if digits else ''}, one per image, shape ({n},)"
    if value is None or isinstance(value, (str, bytes)):
        fail(name, what, value)
    y = array(name, value, min_size=0, dtype=None, finite=False, expected=what)
    if y.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), one per image; got shape {y.shape}.")
    if not np.all(np.isfinite(y)) or not np.all(np.mod(y, 1) == 0):
        raise ValueError(f"{name} must be whole numbers{' 0-9' if digits else ''}; got {describe(value)}"
                         f"{' with NaN or infinite values' if not np.all(np.isfinite(y)) else ' with fractions'}.")
    if y.size and np.abs(y).max() > 2 ** 31 - 1:   # would wrap around in int64 or int32 without a word
        raise ValueError(f"{name} must be class labels (whole numbers of a sensible size); got values up to "
                         f"{np.abs(y).max():g}.")
    if digits and y.size and (y.min() < 0 or y.max() > 9):
        raise ValueError(f"{name} must be digits 0-9; got values from {y.min():g} to {y.max():g}.")
    return y.astype("int64")

"""Lesson 07 checkers: the size of a concatenated input, the labels of a class-ordered grid, and a
generator that concatenates the label embedding with the noise instead of multiplying."""
from __future__ import annotations

import numpy as np

from . import _not_yet, _unanswered, _verdict, _whole_number_verdict

__all__ = ["ex07_concat_size", "ex07_grid_labels", "ex07_concat_generator"]


def ex07_concat_size(answer, noise_dim: int = 100, embed_dim: int = 50) -> bool:
    """Lesson 07, exercise 1: how many numbers enter G when noise (``noise_dim``) and a label
    embedding (``embed_dim``) are concatenated?"""
    truth = noise_dim + embed_dim
    hint = (f"multiplication needs both vectors of one length and keeps it ({noise_dim}); "
            "concatenation puts them one after the other.")
    if not _unanswered(answer) and str(answer).strip() == str(noise_dim):
        hint = f"{noise_dim} is the size with multiplication; concatenation puts the two vectors one after the other."
    return _whole_number_verdict(answer, truth, f"{noise_dim} + {embed_dim} = {truth} numbers.", hint)


def ex07_grid_labels(answer, per_row: int = 10) -> bool:
    """Lesson 07, exercise 2: the labels for a grid of 10 rows of ``per_row`` samples, row k all
    digit k, in the order the grid is filled (row by row)."""
    if _unanswered(answer):
        return _not_yet()
    truth = np.repeat(np.arange(10), per_row)
    try:
        y = np.asarray(answer.numpy() if hasattr(answer, "numpy") else answer)
    except Exception:  # noqa: BLE001 - anything that is not an array
        return _verdict(False, "", f"give an array of {10 * per_row} labels, not {type(answer).__name__}.")
    if y.shape != truth.shape:
        return _verdict(False, "", f"the grid has 10 rows of {per_row}: {10 * per_row} labels in a 1-D array; "
                                   f"yours has shape {y.shape}.")
    if np.array_equal(y, np.tile(np.arange(10), per_row)):
        return _verdict(False, "", "that gives each *column* one digit: 0 1 2 ... 9 0 1 2 ...; the grid is "
                                   "filled row by row, so the first row needs ten 0s (np.repeat, not np.tile).")
    return _verdict(np.array_equal(y, truth), f"np.repeat(np.arange(10), {per_row}): ten 0s, then ten 1s, ...",
                    "the first row (the first per_row labels) should all be 0, the next all 1, and so on.")


def ex07_concat_generator(build) -> bool:
    """Lesson 07, exercise 3: ``build()`` returns a Keras generator with inputs ``[noise (N, 100),
    labels (N,)]`` and output (N, 28, 28, 1) in [-1, 1] that *concatenates* a label embedding with
    the noise (a ``Concatenate`` layer, no ``Multiply``), and whose output depends on the label."""
    if _unanswered(build):
        return _not_yet()
    if not callable(build):
        return _verdict(False, "", "pass your function itself (its name, without parentheses).")
    import keras
    import tensorflow as tf

    try:
        model = build()
    except Exception as error:  # the student's code raised: say what happened
        return _verdict(False, "", f"build() raised {type(error).__name__}: {error}.")
    if model is None:
        return _not_yet()
    if not isinstance(model, keras.Model):
        return _verdict(False, "", f"build() must return a keras.Model; got {type(model).__name__}.")
    if len(model.inputs) != 2:
        return _verdict(False, "", f"the generator takes two inputs, [noise, labels]; yours takes {len(model.inputs)}.")
    z = tf.random.normal((4, 100), seed=1)
    try:
        out_a = model([z, tf.constant([3, 3, 3, 3])], training=False)
        out_b = model([z, tf.constant([8, 8, 8, 8])], training=False)
    except Exception as error:  # wrong input shapes, dtypes, ...
        return _verdict(False, "", f"calling it on [noise (4, 100), labels (4,)] raised {type(error).__name__}: {error}.")
    if tuple(out_a.shape) != (4, 28, 28, 1):
        return _verdict(False, "", f"the output must be images (N, 28, 28, 1); got {tuple(out_a.shape)}.")
    kinds = set()

    def walk(layer):
        kinds.add(type(layer).__name__)
        for inner in getattr(layer, "layers", []):
            walk(inner)

    walk(model)
    if "Multiply" in kinds:
        return _verdict(False, "", "your generator still multiplies; replace layers.Multiply with layers.Concatenate.")
    if "Concatenate" not in kinds:
        return _verdict(False, "", "no layers.Concatenate found: join the noise and the label embedding with it.")
    if np.allclose(out_a.numpy(), out_b.numpy()):
        return _verdict(False, "", "the output does not change with the label: does the embedding reach the Dense layers?")
    return _verdict(True, "a generator that concatenates [z, embedding(label)]; its first Dense layer now has "
                          "more inputs than with multiplication.", "")

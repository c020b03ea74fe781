"""Generated images on disk: ``samples.npz``, the file a GAN lesson saves for the judge's scores.

``images`` uint8 (N, H, W) and, for conditional models, ``labels`` int64 (N,). Lessons 06, 07, 09
and 10 save their samples (``outputs/<notebook>/samples.npz``); lesson 09 compares with lesson
07's. Writes are atomic; a missing file is a ``FileNotFoundError``, a damaged one a
``ValueError``, each naming the file and the fix (or one printed line with ``required=False``).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from . import checks, storage
from .images import to_uint8


def save_samples(images, path, labels=None, value_range=None) -> Path:
    """Save generated images (and, for conditional models, their labels) as an ``.npz`` file with
    ``images`` uint8 (N, H, W) and ``labels`` int64 (N,), the format ``utils.metrics.score`` reads after :func:`load_samples`. Returns the
    path. The file is written whole or not at all (through a temporary file), so an interrupted
    save never leaves a damaged file for a later lesson (``outputs/<notebook>/samples.npz``).
    Used by lessons 06, 07, 09 and 10."""
    path = checks.path("path", path, suffix=".npz")
    x = to_uint8(images, value_range)
    arrays = {"images": x}
    if labels is not None:
        arrays["labels"] = checks.labels(labels, len(x))
    with storage.atomic_path(path) as temporary:
        np.savez_compressed(temporary, **arrays)
    return path


def load_samples(path, *, required: bool = True):
    """Read a file written by :func:`save_samples`: returns ``(images, labels)``, labels None when
    the file has none (images uint8 (N, H, W), labels int (N,)).

    A missing file raises ``FileNotFoundError``, one that is damaged (e.g. cut short by an interrupted
    save) or not a samples file ``ValueError`` (as :func:`utils.storage.load_model` does), each
    naming the file and the fix; with ``required=False`` it prints that in
    one line and returns None instead, for a lesson that only compares with another lesson's
    samples and goes on without them. Used by lessons 06, 07, 09 and 10."""
    path = checks.path("path", path)
    required = checks.flag("required", required)
    made_by = storage._made_by(path)
    rerun = f"run notebook {path.parent.name}" if made_by else "run the notebook that saves it"

    def problem(message):
        if required:
            raise ValueError(message)
        print(message, flush=True)
        return None

    if not path.is_file():
        if path.exists():
            return problem(f"{path}{made_by} cannot be read: it is a folder, not a samples file. Delete it and {rerun}.")
        if required:
            raise FileNotFoundError(f"no samples file at {str(path)!r}; run the notebook's sampling cell first.")
        print(f"No samples at {path}{made_by}: {rerun} first to compare with it.", flush=True)
        return None
    try:
        with np.load(path, allow_pickle=False) as f:
            names = list(f.files)
            images = f["images"].copy() if "images" in names else None
            labels = f["labels"].copy() if "labels" in names else None
    except Exception as error:   # truncated, empty, not an npz, ...
        return problem(f"{path}{made_by} is damaged ({type(error).__name__}), e.g. cut short by an interrupted "
                       f"save. Delete it and {rerun} again.")
    if images is None:
        if required:
            raise ValueError(f"{str(path)!r} has no 'images' array (it has {names}): not a samples file{made_by}. "
                             f"Delete it and {rerun} again.")
        return problem(f"{path}{made_by} is not a samples file (no 'images' array). Delete it and {rerun} again.")
    if images.dtype != np.uint8 or images.ndim != 3 or len(images) == 0 \
            or (labels is not None and (labels.shape != (len(images),) or not np.issubdtype(labels.dtype, np.integer))):
        return problem(f"{path}{made_by} is not a samples file as save_samples writes it (images {images.dtype} "
                       f"{images.shape}, labels {None if labels is None else labels.shape}). Delete it and {rerun} again.")
    return images, labels

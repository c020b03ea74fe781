"""Sample grids as PNG files, and a GIF of training made from them with imageio.

``utils.live.LiveView`` saves the grid of every epoch as ``epoch_001.png``, ``epoch_002.png``, ...
(:func:`save_grid`); :func:`epoch_grids` lists them in order and :func:`make_gif` turns them into
a looping GIF (lessons 06, 07, 09 and 10). Every file is written through a temporary file, so an
interrupted run never leaves half an image.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from . import checks, storage, viz
from .images import rescale

GRID_PATTERN = re.compile(r"^epoch_(\d+)\.png$")


def _as_uint8_grid(grid_or_images, ncols, value_range):
    # a grid already made, (H, W) or (H, W, 3), is one image to image_grid: it comes back as it was
    return rescale(viz.image_grid(grid_or_images, ncols=ncols, value_range=value_range), (0, 255), value_range=(0, 1))


def save_grid(images, path, *, ncols=10, scale=2, value_range=None) -> Path:
    """Save images as one PNG grid (``ncols`` a row, enlarged ``scale`` times) and return its path.

    ``images`` is a batch (N, H, W) or (N, H, W, 1), uint8 or floats in [0, 1] or [-1, 1], or a grid
    already made by :func:`utils.image_grid` (H, W). Used by :class:`utils.live.LiveView`.
    """
    import imageio.v2 as imageio

    path = checks.path("path", path, suffix=".png")
    scale = checks.whole("scale", scale, 1, 16)
    grid = _as_uint8_grid(images, checks.whole("ncols", ncols, 1), value_range)
    if scale > 1:
        grid = np.repeat(np.repeat(grid, scale, axis=0), scale, axis=1)
    with storage.atomic_path(path) as temporary:   # an interrupted save never leaves half a PNG
        imageio.imwrite(temporary, grid)
    return path


def epoch_grids(folder) -> list:
    """The grids ``utils.live.LiveView`` saved in ``folder`` (``epoch_001.png``, ...), sorted by epoch.
    Used by lessons 06, 07, 09 and 10."""
    folder = checks.path("folder", folder)
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise ValueError(f"folder {str(folder)!r} {what}; expected the grid_dir of a LiveView.")
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := GRID_PATTERN.match(p.name))]
    return [p for _, p in sorted(found)]


def make_gif(frames, path, *, fps=4, hold_last=4) -> Path:
    """Make a looping GIF of training with imageio and return its path.

    ``frames`` is a folder of epoch grids (see :func:`epoch_grids`), a list of image files, or a list
    of arrays (uint8, or floats in [0, 1]) of one shape: (H, W), (H, W, 1), (H, W, 3) or (H, W, 4).
    One frame is fine. ``fps``: frames a second; ``hold_last``: the last frame stays on screen this
    many frames longer, so the final result can be seen. An image file that cannot be read (e.g.
    half-written by an interrupted run) is left out with a one-line notice; a missing one is an
    error. The GIF is written through a temporary file. Used by lessons 06, 07, 09 and 10.
    """
    import imageio.v2 as imageio

    path = checks.path("path", path, suffix=".gif")
    fps = checks.number("fps", fps)
    if not 0 < fps <= 50:
        raise ValueError(f"fps must be between 0 and 50 frames a second; got {fps}.")
    hold_last = checks.whole("hold_last", hold_last, 0)
    if isinstance(frames, (str, Path)):
        frames = epoch_grids(frames)
    if isinstance(frames, np.ndarray) and frames.ndim >= 3:
        frames = list(frames)
    if not hasattr(frames, "__iter__") or isinstance(frames, (bytes, dict)):
        checks.fail("frames", "a folder of epoch grids, a list of image files or a list of image arrays", frames)
    frames = list(frames)
    if not frames:
        raise ValueError("make_gif needs at least one frame; got none (has the LiveView saved any grids?).")
    arrays, skipped = [], []
    for k, frame in enumerate(frames):
        if isinstance(frame, (str, Path)):
            if not Path(frame).is_file():
                raise FileNotFoundError(f"frames[{k}]: no file {str(frame)!r}; expected an image file (a grid "
                                        "LiveView saved), a folder of them, or an array.")
            try:
                frame = imageio.imread(frame)
            except Exception:   # truncated or not an image
                skipped.append(Path(frame).name)
                continue
        frame = checks.array(f"frames[{k}]", frame, ndim=(2, 3), dtype=None,
                             expected="an image (H, W) or (H, W, C) of numbers")
        if frame.dtype != np.uint8:
            frame = rescale(frame, (0, 255), value_range=None if np.issubdtype(frame.dtype, np.integer) else (0, 1),
                            name=f"frames[{k}]", range_arg=None)
        if frame.ndim == 3 and frame.shape[-1] == 1:
            frame = frame[..., 0]
        if frame.ndim == 3 and frame.shape[-1] not in (3, 4):
            raise ValueError(f"frames[{k}] must be an image (H, W) or (H, W, C) with C = 1, 3 or 4; "
                             f"got shape {frame.shape}.")
        if arrays and frame.shape != arrays[0].shape:
            raise ValueError(f"all frames must have one shape: frame 0 is {arrays[0].shape}, frame {k} {frame.shape}.")
        arrays.append(frame)
    if skipped:
        print(f"Left out {len(skipped)} damaged frame{'s' * (len(skipped) > 1)} ({', '.join(skipped[:3])}"
              f"{', ...' if len(skipped) > 3 else ''}): they could not be read.", flush=True)
    if not arrays:
        raise ValueError(f"frames: none of the {len(frames)} image files could be read; train again to make new grids.")
    frame_ms = int(round(1000 / fps))
    durations = [frame_ms] * (len(arrays) - 1) + [frame_ms * (1 + hold_last)]
    with storage.atomic_path(path) as temporary:
        # Pillow wants one number, not a list, for a single frame
        imageio.mimsave(temporary, arrays, format="GIF", duration=durations if len(arrays) > 1 else durations[0],
                        loop=0)
    return path

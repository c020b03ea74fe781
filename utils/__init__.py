"""conv2gan's support package: the plumbing the lesson notebooks share.

Start every notebook with ``utils.setup("<notebook name>")``. Lesson code stays in the notebooks;
what is here is settings, data, plots, widget compute and exercise checkers, one concern a module:

- shared by several lessons: ``settings``, ``data``, ``images`` (the one pixel-range rule),
  ``viz``, ``live`` (live training views), ``grids`` (epoch grids and GIFs), ``checkpoints``,
  ``samples``, ``latent``, ``gan`` (the GAN training path), ``judge`` and ``metrics``;
- one lesson's own: ``browse`` (00), ``conv`` (01), ``cnn`` (02), ``rnn`` (04), ``toy`` (05),
  ``cgan`` (07), ``transposed`` (08), ``acgan`` (09); a later lesson may reuse an earlier one's;
- the package's own tools: ``checks`` (argument checks), ``storage`` (atomic writes, folders),
  ``course`` (Colab links), ``exercises`` (the checkers, one module a lesson).
"""
from . import (acgan, browse, cgan, checkpoints, checks, cnn, conv, data, exercises, gan, grids, images, judge, latent,
               live, metrics, rnn, samples, settings, storage, toy, transposed, viz)
from .course import REPOSITORY
from .data import as_dataset, load_mnist, scale_images
from .settings import get_mode, output_dir, pick, seed_everything, setup
from .viz import image_grid, show_images

__all__ = [
    "REPOSITORY", "acgan", "as_dataset", "browse", "cgan", "checkpoints", "checks", "cnn", "conv", "data", "exercises",
    "gan", "get_mode", "grids", "image_grid", "images", "judge", "latent", "live", "load_mnist", "metrics",
    "output_dir", "pick", "rnn", "samples", "scale_images", "seed_everything", "settings", "setup", "show_images",
    "storage", "toy", "transposed", "viz",
]
__version__ = "0.1.0"

"""conv2gan's support package: the plumbing the lesson notebooks share.

Start every notebook with ``utils.setup("<notebook name>")``. Lesson code stays in the notebooks;
what is here is settings, data, plots, widget compute and exercise checkers.
"""
from . import browse, cgan, checks, conv, data, exercises, gan, rnn, settings, storage, toy, viz
from .course import REPOSITORY
from .data import as_dataset, load_mnist, scale_images
from .settings import get_mode, output_dir, pick, seed_everything, setup
from .viz import image_grid, show_images

__all__ = [
    "REPOSITORY", "as_dataset", "browse", "cgan", "checks", "conv", "data", "exercises", "gan", "get_mode", "image_grid",
    "load_mnist", "output_dir", "pick", "rnn", "scale_images", "seed_everything", "settings", "setup",
    "show_images", "storage", "toy", "viz",
]
__version__ = "0.1.0"

# Lessons 02-03: the CNN plumbing (live curves, perturbations); the MNIST judge (used by 06, 07, 09 and 10).
from . import cnn, judge  # noqa: E402

__all__ += ["cnn", "judge"]

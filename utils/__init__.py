"""conv2gan's support package: the plumbing the lesson notebooks share.

Start every notebook with ``utils.setup("<notebook name>")``. Lesson code stays in the notebooks;
what is here is settings, data, plots, widget compute and exercise checkers.
"""
from . import browse, conv, data, exercises, gan, rnn, settings, viz
from .course import REPOSITORY
from .data import as_dataset, load_mnist, scale_images
from .settings import get_mode, output_dir, pick, seed_everything, setup
from .viz import image_grid, show_images

__all__ = [
    "REPOSITORY", "as_dataset", "browse", "conv", "data", "exercises", "gan", "get_mode", "image_grid",
    "load_mnist", "output_dir", "pick", "rnn", "scale_images", "seed_everything", "settings", "setup",
    "show_images", "viz",
]
__version__ = "0.1.0"

# Lesson 02: the CNN plumbing (live curves, perturbations) and the MNIST judge (used by 04-07).
from . import cnn, judge  # noqa: E402

__all__ += ["cnn", "judge"]

"""pytest configuration shared by the unit tests and the notebook runs (nbval).

The notebook kernels inherit this process's environment, so setting it here puts every notebook
in quick mode with a quiet TensorFlow log. To run the notebooks in another mode:
``C2G_TEST_MODE=default pytest notebooks/01_convolution.ipynb``.
"""
import os

os.environ["C2G_MODE"] = os.environ.get("C2G_TEST_MODE", "quick")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

"""cnnlab: the plumbing shared by the CNN Lab notebooks.

A notebook shows each idea in its own cells; it calls cnnlab for data, the fast/full budget,
plots and training logs.
"""

from .datasets import Dataset, DataSource, DataUnavailableError, load_cifar10, load_mnist
from .display import light_figures
from .envinfo import environment_line
from .modes import Budget, budget, is_fast, mode

light_figures()  # in a Jupyter kernel, photographic figures go out as JPEG (cnnlab.display)

__version__ = "0.1.0"

__all__ = [
    "Budget",
    "DataSource",
    "DataUnavailableError",
    "Dataset",
    "budget",
    "environment_line",
    "is_fast",
    "load_cifar10",
    "load_mnist",
    "mode",
]

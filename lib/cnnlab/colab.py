"""Colab support: the repository URL, defined here once, and the install cell built from it.

Every notebook's first code cell is :func:`setup_cell_source` verbatim (a test checks it), and
the README's badges come from :func:`badge_markdown`.
"""

from __future__ import annotations

REPO = "cnn-lab/cnn-lab"
BRANCH = "main"
REPO_URL = f"https://github.com/{REPO}"


def setup_cell_source() -> str:
    """The first code cell of every notebook: installs cnnlab on Colab, does nothing elsewhere."""
    return (
        "# On Colab, install the course package (with its data subsets); elsewhere nothing to do.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install -q "cnnlab @ git+{REPO_URL}@{BRANCH}"'
    )


def colab_url(notebook: str) -> str:
    return f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/notebooks/{notebook}"


def badge_markdown(notebook: str) -> str:
    return (f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({colab_url(notebook)})")

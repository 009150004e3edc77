"""Photographic figures travel as JPEG, charts as PNG: cnnlab.display's rule, in a real kernel
and on the committed notebooks (none over 2 MB)."""

import base64
import io
import json

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from PIL import Image
from skimage import data as photos

from cnnlab import display

from conftest import ROOT


def png_of(fig):
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def photo_png():
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.imshow(photos.astronaut())
    return png_of(fig)


def chart_png():
    fig, ax = plt.subplots(figsize=(12, 6))
    for k in range(8):
        ax.plot(np.sin(np.linspace(0, 20, 500) + k), label=f"curve {k}")
    ax.legend()
    ax.set_title("a chart with text")
    return png_of(fig)


def test_photographs_become_jpeg_and_charts_stay_png():
    mime, jpeg = display.lighter_image(photo_png())
    assert mime == "image/jpeg" and Image.open(io.BytesIO(jpeg)).format == "JPEG"
    png = chart_png()
    assert display.lighter_image(png) == ("image/png", png)


def test_transparent_pictures_stay_png():
    pixels = np.random.default_rng(0).integers(0, 256, (300, 300, 4), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(out, "PNG")
    assert display.lighter_image(out.getvalue())[0] == "image/png"


def test_lighten_output_moves_the_metadata():
    output = {"data": {"image/png": base64.b64encode(photo_png()).decode(), "text/plain": "x"},
              "metadata": {"image/png": {"width": 300}}}
    assert display.lighten_output(output)
    assert set(output["data"]) == {"image/jpeg", "text/plain"}
    assert output["metadata"] == {"image/jpeg": {"width": 300}}
    assert not display.lighten_output(output)


def test_a_kernel_that_imports_cnnlab_sends_photographs_as_jpeg():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import cnnlab\nimport matplotlib.pyplot as plt\nfrom skimage import data\n"
        "plt.imshow(data.astronaut()); plt.show()\nplt.plot([0, 1]); plt.show()")])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    kinds = [sorted(k for k in o["data"] if k.startswith("image/")) for o in nb.cells[0].outputs
             if o["output_type"] == "display_data"]
    assert kinds == [["image/jpeg"], ["image/png"]]


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")),
                         ids=lambda p: p.name)
def test_notebook_is_under_2_mb_and_its_photographs_are_jpeg(path):
    assert path.stat().st_size < 2_000_000, "run python tools/lighten_outputs.py"
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert not any(display.lighten_output(o) for c in nb["cells"] for o in c.get("outputs", []))

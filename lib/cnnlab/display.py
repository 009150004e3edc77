"""Notebook display helpers."""

from __future__ import annotations

import base64
import inspect
import io
import sys

JPEG_QUALITY = 85         # progressive JPEG; no difference a reader sees in a photograph
PHOTO_MIN_BYTES = 64_000  # smaller PNGs stay as they are


def show_source(obj):
    """Show a function's or class's code as a highlighted block, so a lecture can show the
    cnnlab code it calls."""
    from IPython.display import Markdown

    return Markdown(f"```python\n{inspect.getsource(obj).rstrip()}\n```")


def lighter_image(png: bytes) -> tuple[str, bytes]:
    """``("image/jpeg", jpeg)`` for a photographic PNG, else ``("image/png", png)``.

    Photographic means the JPEG is under half the PNG's size: photographs, feature maps and
    visualisations compress several times better as JPEG, while charts and text, which JPEG
    would blur, stay smaller as PNG. Pictures with transparency stay PNG."""
    from PIL import Image

    if len(png) < PHOTO_MIN_BYTES:
        return "image/png", png
    image = Image.open(io.BytesIO(png))
    if image.mode in ("RGBA", "LA") and image.getchannel("A").getextrema()[0] < 255:
        return "image/png", png
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    jpeg = out.getvalue()
    return ("image/jpeg", jpeg) if len(jpeg) < len(png) / 2 else ("image/png", png)


def lighten_output(output: dict) -> bool:
    """Replaces a photographic PNG in a notebook output (or a display message's content) by
    its JPEG, in place; True if it did."""
    data = output.get("data", {})
    if "image/png" not in data or "image/jpeg" in data:
        return False
    png = data["image/png"]
    raw = png if isinstance(png, bytes) else base64.b64decode("".join(png))
    mime, picture = lighter_image(raw)
    if mime == "image/png":
        return False
    del data["image/png"]
    data["image/jpeg"] = base64.b64encode(picture).decode("ascii")
    metadata = output.get("metadata", {})
    if "image/png" in metadata:
        metadata["image/jpeg"] = metadata.pop("image/png")
    return True


def _lighten_message(msg):
    lighten_output(msg.get("content", {}))
    return msg


def light_figures() -> None:
    """From now on this Jupyter kernel sends photographic figures (``plt.show()``, ``display``)
    as JPEG, so that notebooks of photographs stay small. ``import cnnlab`` calls it; outside
    an IPython kernel it does nothing."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    publisher = getattr(shell, "display_pub", None)
    if publisher is None or not hasattr(publisher, "register_hook"):
        return
    if _lighten_message not in getattr(publisher, "_hooks", []):
        publisher.register_hook(_lighten_message)

"""Notebook display helpers."""

from __future__ import annotations

import inspect


def show_source(obj):
    """Show a function's or class's code as a highlighted block, so a lecture can show the
    cnnlab code it calls."""
    from IPython.display import Markdown

    return Markdown(f"```python\n{inspect.getsource(obj).rstrip()}\n```")

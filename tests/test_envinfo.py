import keras
import numpy as np

import cnnlab
from cnnlab.envinfo import accelerators


def test_environment_line(fast_mode):
    data = cnnlab.load_mnist()
    line = cnnlab.environment_line(data.source)
    assert f"Keras {keras.__version__} on {keras.backend.backend()}" in line
    assert f"NumPy {np.__version__}" in line
    assert "mode: fast" in line and "data: MNIST from the subset" in line
    assert "device: " in line
    assert isinstance(accelerators(), list)


def test_machine_describes_the_run():
    from cnnlab.envinfo import machine

    m = machine()
    assert m["cores"] >= 1 and m["cpu"] and m["keras"] == keras.__version__
    assert m["backend"].startswith(keras.backend.backend())

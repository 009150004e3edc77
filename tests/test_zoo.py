import pytest

from cnnlab import costs, zoo


@pytest.mark.parametrize("name", sorted(zoo.PUBLISHED))
def test_published_rows_describe_the_keras_models(name):
    model = zoo.build(name)
    _, millions, side = zoo.PUBLISHED[name]
    assert round(model.count_params() / 1e6, 1) == millions  # the table's rounding
    assert model.input_shape == (None, side, side, 3) and model.output_shape == (None, 1000)
    assert costs.mult_adds(model) > 0  # every layer of every architecture is countable


def test_unknown_architecture():
    with pytest.raises(ValueError, match="unknown architecture 'AlexNet'"):
        zoo.build("AlexNet")

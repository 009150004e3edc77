# Exercise 3: the receptive field of every VGG16 layer, in input pixels.
# Walking forward: r_out = r_in + (k - 1) * j_in and j_out = j_in * stride, where j is the
# distance in input pixels between neighbouring outputs of a layer.
import keras

vgg16 = keras.applications.VGG16(weights=None, include_top=False)
r, j = 1, 1
fields = {}
for layer in vgg16.layers:
    if isinstance(layer, keras.layers.Conv2D):
        k, s = layer.kernel_size[0], layer.strides[0]
    elif isinstance(layer, keras.layers.MaxPooling2D):
        k, s = layer.pool_size[0], layer.strides[0]
    else:
        continue
    r, j = r + (k - 1) * j, j * s
    fields[layer.name] = r
    print(f"{layer.name:>13}: {r:>3} x {r:<3} pixels (outputs {j:>2} pixels apart)")
assert fields["block1_conv2"] == 5 and fields["block5_conv3"] == 196
print("block5_conv3 sees 196 x 196 of the 224 x 224 input: nearly the whole image.")

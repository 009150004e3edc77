# Exercise 2: the memory VGG16 needs to train on a batch of 64 with Adam, float32 against
# activations kept in bfloat16 (2 bytes).
import keras

from cnnlab import costs

vgg16 = keras.applications.VGG16(weights=None)
total = costs.totals(costs.cost_table(vgg16))
GB = 1e9
results = {}
for label, activation_bytes in (("float32", 4), ("bfloat16 activations", 2)):
    parts = costs.training_memory(total["params"], total["activations"], keras.optimizers.Adam())
    weights = parts["weights"] + parts["weight_gradients"] + parts["optimizer_state"]
    per_image = 2 * total["activations"] * activation_bytes  # forward values and their gradients
    results[label] = weights + 64 * per_image
    print(f"{label:>22}: weights, gradients and Adam state {weights / GB:.2f} GB + "
          f"activations 64 x {per_image / 1e6:.0f} MB = {results[label] / GB:.2f} GB")
saved = results["float32"] - results["bfloat16 activations"]
print(f"bfloat16 activations save {saved / GB:.2f} GB: the activations, not the weights, "
      "fill the memory at this batch size")
assert saved == 64 * 2 * total["activations"] * 2

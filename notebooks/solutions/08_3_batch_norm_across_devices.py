# Exercise 3: batch norm on several devices. On JAX, Keras's DataParallel compiles one program for
# the whole batch, so batch norm's mean and variance are over all 32 images, wherever they sit.
# TensorFlow's MirroredStrategy runs a copy of the model per device, and each copy's batch norm
# sees only its own 16 images: other statistics, other gradients, other weights.
import cnnlab
from cnnlab import distributed

(x_train, y_train), _, _, _ = cnnlab.load_cifar10()
job = distributed.Job(x_train[:64], y_train[:64], model="vgg-bn", width=8, steps=2,
                      batch_size=32, lr=0.05, timing_epochs=0)
gap = {}
for backend in distributed.BACKENDS:
    one, two = job.run(backend, 1), job.run(backend, 2)
    gap[backend] = distributed.relative_difference(two["first_step_weights"],
                                                   one["first_step_weights"])
    print(f"{backend}: 2 devices against 1, after one step: {gap[backend]:.1e} of the largest "
          f"weight")
assert gap["jax"] < 1e-5 < 1e-3 < gap["tensorflow"]
# The fix on TensorFlow: keras.layers.BatchNormalization(synchronized=True) all-reduces the
# statistics too, at the price of one more all-reduce per batch-norm layer and step.

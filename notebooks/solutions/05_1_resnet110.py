# Exercise 1: ResNet-110, the deepest network of the paper's CIFAR-10 table, and what an epoch
# of it would cost on this machine.
import cnnlab
from cnnlab import costs, models, speed

resnet110 = models.cifar_resnet(110)
weights = costs.trainable_count(resnet110)
print(f"ResNet-110: {weights:,} weights (the paper: 1.7M), "
      f"{costs.mult_adds(resnet110) / 1e6:.0f} M multiply-adds per image")
resnet20 = models.cifar_resnet(20)
ratio = costs.mult_adds(resnet110) / costs.mult_adds(resnet20)
print(f"{ratio:.1f}x the work of ResNet-20 per image")
steps = 3 if cnnlab.is_fast() else 10  # a few steps are enough to time a step
per_second = speed.training_speed(resnet110, batch_size=128, steps=steps, repeats=1)
print(f"here: {per_second:.0f} training images/s, so one epoch of 50,000 images takes about "
      f"{50_000 / per_second / 60:.0f} min, and the paper's 164 epochs about "
      f"{164 * 50_000 / per_second / 3600:.0f} h")
assert round(weights / 1e6, 1) == 1.7 and 6 < ratio < 7

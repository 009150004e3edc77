# Exercise 2: what projection shortcuts (option B) add to ResNet-20, and where.
from cnnlab import costs, models

weights = costs.trainable_count  # learned weights, without batch norm's running statistics


a, b = models.cifar_resnet(20, shortcut="A"), models.cifar_resnet(20, shortcut="B")
projections = [layer.name for layer in b.layers if layer.name.endswith("_proj")]
print(f"option A: {weights(a):,} weights; option B: {weights(b):,} (+{weights(b) - weights(a):,})")
print("projections where the shape changes:", projections)
by_hand = (16 * 32 + 2 * 32) + (32 * 64 + 2 * 64)  # 1x1 kernels and their batch norms
print(f"by hand: 16x32 + 32x64 kernel weights, with batch norm: {by_hand:,}")
assert weights(b) - weights(a) == by_hand
assert projections == ["stage2_block1_proj", "stage3_block1_proj"]
print(f"Only 2 of the 9 shortcuts change shape, so B costs {weights(b) / weights(a) - 1:.1%} more "
      "weights here.")

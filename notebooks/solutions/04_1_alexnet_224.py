# Exercise 1: the paper's 224 x 224 input does not give AlexNet's 55 x 55 first layer unpadded.
from fractions import Fraction

from cnnlab import layer_math as lm

# (W - F + 2P) / S + 1 without the floor shows whether the filter fits a whole number of times
for w, p in ((224, 0), (227, 0), (224, 2)):
    exact = Fraction(w - 11 + 2 * p, 4) + 1
    print(f"input {w}, padding {p}: (W - F + 2P)/S + 1 = {float(exact):g} -> "
          f"with the floor that frameworks apply: {lm.conv_output_size(w, 11, p, 4)}")
# The padding that 224 would need for exactly 55 with nothing left over: 2P = 4 * 54 + 11 - 224
needed = Fraction(4 * (55 - 1) + 11 - 224, 2)
print(f"224 needs P = {needed} = {float(needed)} pixels per side to fit exactly: not whole.")
print("So either the input was 227 x 227 (as here), or the first layer padded 2 pixels and the")
print("floor left one pixel of that padding unused (torchvision's AlexNet does this).")
assert lm.conv_output_size(227, 11, 0, 4) == 55 and lm.conv_output_size(224, 11, 0, 4) == 54
assert lm.conv_output_size(224, 11, 2, 4) == 55 and needed == Fraction(3, 2)

# Exercise 1: the paper's 224 x 224 input does not give AlexNet's 55 x 55 first layer.
from fractions import Fraction

from cnnlab import layer_math as lm

# (W - F + 2P) / S + 1 without the floor, to see whether the filter fits a whole number of times
for w, p in ((224, 0), (227, 0), (224, 2)):
    exact = Fraction(w - 11 + 2 * p, 4) + 1
    print(f"input {w}, padding {p}: (W - F + 2P)/S + 1 = {float(exact):g} -> "
          f"Keras gives {lm.conv_output_size(w, 11, p, 4)}")
# The padding that 224 would need for exactly 55: 2P = 4 * 54 + 11 - 224
needed = Fraction(4 * (55 - 1) + 11 - 224, 2)
print(f"224 needs P = {needed} = {float(needed)} pixels of padding per side: not a whole number,")
print("so either the input was 227 x 227 (as here) or the first layer padded unevenly.")
assert lm.conv_output_size(227, 11, 0, 4) == 55 and lm.conv_output_size(224, 11, 0, 4) == 54
assert needed == Fraction(3, 2)

"""The input a generated demo makes from `--seed` (and `tessel run` too), so that another
engine can be fed the very same tensor.

The formula is SplitMix64, each value's top 24 bits scaled to [0, 1) (exact in float32), as
compiler/reference/deterministic_input.h writes it out."""

import array

_MASK = (1 << 64) - 1


def deterministic_input(count, seed):
    """`count` float32 values (array 'f'): what `demo --seed SEED` runs on, NCHW."""
    values = array.array("f", bytes(4 * count))
    state = seed & _MASK
    for i in range(count):
        state = (state + 0x9E3779B97F4A7C15) & _MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        z ^= z >> 31
        values[i] = (z >> 40) / 16777216.0
    return values

"""Raw float32 files (little-endian, no header), as demos, `tessel run` and the ONNX Runtime
runner read and write them, and how far two outputs lie apart."""

import array
import math
import sys


def read_floats(path):
    values = array.array("f")
    with open(path, "rb") as f:
        data = f.read()
    if len(data) % 4:
        raise ValueError(f"{path}: {len(data)} bytes, not a whole number of float32 values")
    values.frombytes(data)
    if sys.byteorder == "big":
        values.byteswap()
    return values


def write_floats(path, values):
    values = array.array("f", values)
    if sys.byteorder == "big":
        values.byteswap()
    with open(path, "wb") as f:
        values.tofile(f)


class Difference:
    """How far `actual` lies from `expected`: the largest |actual - expected|, and that over
    the largest |expected| (as `tessel compare` measures it; its tolerance is 1e-4)."""

    def __init__(self, actual, expected):
        if len(actual) != len(expected):
            raise ValueError(f"{len(actual)} values against {len(expected)}")
        differences = [abs(a - e) for a, e in zip(actual, expected)]
        # A NaN on either side gives a NaN difference, which max() would skip past.
        nan = any(d != d for d in differences)
        self.max_abs = math.nan if nan else max(differences, default=0.0)
        self.max_expected = max((abs(e) for e in expected), default=0.0)
        if self.max_expected:
            self.max_rel = self.max_abs / self.max_expected
        else:
            self.max_rel = 0.0 if self.max_abs == 0 else math.inf

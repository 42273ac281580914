"""Runs llvm-mca on a loop body and reads its steady-state figures.

The FMA bound of a scheduling model is measured, not assumed: llvm-mca runs a block of
independent multiply-adds (no dependency between them), and the model's multiply-adds per cycle
is what it reports for them. A loop at 100% of that bound issues a multiply-add every slot the
model has for one.
"""

import os
import re
import shutil
import subprocess
import tempfile

from .driver import BenchError

ITERATIONS = 200

_TOTAL_CYCLES = re.compile(r"^Total Cycles:\s+(\d+)", re.MULTILINE)
_INSTRUCTIONS = re.compile(r"^Instructions:\s+(\d+)", re.MULTILINE)


class Model:
    """One llvm-mca scheduling model: the binary, the triple and the -mcpu it is asked for."""

    def __init__(self, mca, triple, cpu):
        self.mca, self.triple, self.cpu = mca, triple, cpu

    @property
    def available(self):
        return shutil.which(self.mca) is not None

    def command(self, path):
        return [self.mca, f"-mtriple={self.triple}", f"-mcpu={self.cpu}",
                f"-iterations={ITERATIONS}", path]

    def describe(self):
        return f"{self.mca} -mtriple={self.triple} -mcpu={self.cpu}"

    def run(self, body):
        """(instructions per iteration, cycles per iteration) of a loop body."""
        with tempfile.NamedTemporaryFile("w", suffix=".s", delete=False) as f:
            f.write(body)
        try:
            proc = subprocess.run(self.command(f.name), capture_output=True, text=True)
        finally:
            os.unlink(f.name)
        cycles = _TOTAL_CYCLES.search(proc.stdout)
        instructions = _INSTRUCTIONS.search(proc.stdout)
        if proc.returncode != 0 or not cycles or not instructions:
            raise BenchError(f"{self.describe()} failed: {proc.stderr.strip()[-2000:]}")
        return int(instructions.group(1)) / ITERATIONS, int(cycles.group(1)) / ITERATIONS

    def fma_per_cycle(self):
        """Independent multiply-adds per cycle in this model (q registers, 4 floats)."""
        if self.triple.startswith("aarch64"):
            count = 24
            body = "".join(f"\tfmla v{i}.4s, v30.4s, v31.4s\n" for i in range(count))
        else:
            count = 12
            body = "".join(f"\tvfma.f32 q{i}, q14, q15\n" for i in range(count))
        _, cycles = self.run(body)
        return count / cycles

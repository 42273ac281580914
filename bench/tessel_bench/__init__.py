"""Shared pieces of tessel's benchmark harnesses (bench/*.py).

A benchmark compares *variants*: one network compiled one way (input size, schedule, budget,
threads). Every variant goes through the same steps, each in its own module:

  driver.py     run the `tessel` binary: compile, info, which options it supports
  generated.py  read what `tessel compile` wrote: the header's arena size, report.json
  build.py      cmake configure + build of a generated folder, reused when nothing changed
  timing.py     run the demo programs round-robin; latency and the child's peak RSS
  variant.py    one variant from compile to measured numbers
  peak.py       the machine's FP32 peak, measured by bench/peak_flops.cpp
  stats.py      median, Spearman rank correlation
  output.py     text tables and JSON files
  cli.py        command line options the harnesses share

and for running ONNX Runtime beside them (networks.py):

  ort.py                  find the setup, export a network, a timed ONNX Runtime variant
  onnx_graph.py           a network (`tessel info --json`) as an ONNX graph, in plain Python
  deterministic_input.py  the input a demo makes from --seed
  float_files.py          raw float32 files; how far two outputs lie apart

bench/mca.py, which times no program, uses three more:

  kernel_unit.py  one kernel call of generated code cut out into a translation unit
  asm_loops.py    the innermost loop with the most multiply-adds in AArch64 / ARMv7 assembly
  llvm_mca.py     llvm-mca on a loop body; a scheduling model's multiply-adds per cycle
"""

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
"""

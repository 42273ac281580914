"""One variant of a network (input size, schedule, budget, threads, compile flags) from compile
to numbers."""

import hashlib
import os
import re
import sys

from . import driver
from .build import build_generated
from .driver import BenchError
from .generated import declared_arena_bytes, read_report
from .timing import timing_json

INPUT_SEED = 1  # the demos' --seed: every harness times the same deterministic input
# Longest folder name a variant gets: file names end at 255 bytes, and the build folder adds
# ".build" (and the compile's staging folder ".new").
MAX_SLUG = 160


class Variant:
    """A network compiled one way. `prepare` compiles and builds it; a harness then times the
    prepared variants together (timing.time_round_robin) and stores the result in `timing`."""

    def __init__(self, network, input_size=None, schedule=None, budget=None, threads=None,
                 label=None, primitives=None, compile_flags=()):
        self.network, self.input_size = network, input_size
        self.schedule, self.budget, self.threads = schedule, budget, threads
        self.primitives = primitives  # tessel compile --primitives, for a searched variant
        self.compile_flags = list(compile_flags)  # more tessel compile flags, as given
        self.label = label or schedule or "layers"
        self.compile_error = None  # the compiler's message when it refused this variant
        self.build_error = None
        self.declared_arena = None  # <MACRO>_ARENA_BYTES of the generated header
        self.report = None  # generated.Report
        self.demo = None
        self.timing = None  # timing.Timing

    @property
    def network_name(self):
        return os.path.splitext(os.path.basename(self.network))[0]

    @property
    def slug(self):
        """A folder name that tells the variant apart from every other."""
        parts = [self.network_name, self.input_size or "default",
                 self.schedule or ("layers" if self.schedule == "" else "searched")]
        if self.budget is not None:
            parts.append(f"budget{self.budget}")
        if self.threads is not None:
            parts.append(f"t{self.threads}")
        if self.primitives is not None:
            parts.append(f"p-{self.primitives}")
        if self.compile_flags:
            parts.append("f" + " ".join(self.compile_flags))
        slug = re.sub(r"[^A-Za-z0-9.+-]+", "_", "-".join(parts))
        if len(slug) <= MAX_SLUG:
            return slug
        # A long schedule: its start, and a hash of the whole to keep the name unique.
        digest = hashlib.sha1(slug.encode()).hexdigest()[:16]
        return f"{slug[:MAX_SLUG - len(digest) - 1]}-{digest}"

    @property
    def ready(self):
        return self.demo is not None

    def prepare(self, tessel, work_dir, build_config, log=sys.stderr):
        """Compiles and builds; a refused compile or failed build is recorded, not raised."""
        generated_dir = os.path.join(work_dir, self.slug)
        print(f"compile+build {self.slug}", file=log, flush=True)
        result = driver.compile_network(tessel, generated_dir, self.network, self.input_size,
                                        self.schedule, self.budget, self.threads,
                                        build_config.target_file, build_config.search_grid,
                                        self.primitives, self.compile_flags)
        if not result.ok:
            self.compile_error = result.message
            print(f"  rejected by the compiler: {result.message}", file=log, flush=True)
            return
        self.declared_arena = declared_arena_bytes(generated_dir)
        self.report = read_report(generated_dir)
        try:
            self.demo = build_generated(generated_dir, generated_dir + ".build", build_config)
        except BenchError as error:
            self.build_error = str(error)
            print(f"  build failed: {error}", file=log, flush=True)

    def command(self, output=None):
        """The demo's command line (time_round_robin adds --repeat): it runs on the input that
        --seed INPUT_SEED makes and, with `output`, writes its output there."""
        command = [self.demo, "--seed", str(INPUT_SEED)]
        return command + ["--output", output] if output else command

    @property
    def chosen_schedule(self):
        """The schedule that ran: the report's (the search may choose) or the one asked for."""
        return (self.report.schedule if self.report else None) or self.schedule

    def executed_macs(self, tessel):
        """MACs one run executes: report.json's, else `tessel info` for the schedule."""
        if self.report and self.report.macs is not None:
            return self.report.macs
        if self.budget is not None and not self.chosen_schedule:
            return None  # the search chose a schedule the compiler did not tell us
        return driver.info_macs(tessel, self.network, self.input_size, self.chosen_schedule)

    def to_json(self):
        return {
            "network": self.network_name,
            "input_size": self.input_size,
            "schedule": self.schedule,
            "chosen_schedule": self.chosen_schedule,
            "budget_bytes": self.budget,
            "threads": self.threads,
            "primitives": self.primitives,
            "compile_flags": self.compile_flags,
            "compile_error": self.compile_error,
            "build_error": self.build_error,
            "declared_arena_bytes": self.declared_arena,
            "predicted_arena_bytes": self.report.arena_bytes if self.report else None,
            "predicted_ms": self.report.predicted_ms if self.report else None,
            **timing_json(self.timing),
        }


def prepare_all(variants, tessel, work_dir, build_config, log=sys.stderr):
    """Compiles and builds the variants one after the other (the machine's cores go to each
    build in turn); returns those ready to run."""
    os.makedirs(work_dir, exist_ok=True)
    for variant in variants:
        variant.prepare(tessel, work_dir, build_config, log)
    return [variant for variant in variants if variant.ready]

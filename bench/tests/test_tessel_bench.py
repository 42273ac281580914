"""Checks of the harness pieces that need no compiler or timing:
    python3 -m unittest discover -s bench/tests
"""

import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, BENCH)

from tessel_bench import asm_loops, driver, generated, kernel_unit, stats, timing  # noqa: E402
from tessel_bench.variant import MAX_SLUG, Variant  # noqa: E402
import front_coverage  # noqa: E402
import fronts  # noqa: E402
import search_validation  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# `tessel info networks/yolov2-16.yaml --input-size 160x160 --schedule "0-7:tile5x5, 8-15:tile2x2"`
INFO_TILED = """\
  #  layer              op                output (CxHxW)           MACs     weight B activation B   arena off
 in  input              input                  3x160x160              0            0       307200     3276800
  0  conv0              conv2d+leaky          32x160x160       22118400         3584      3276800       tile@0
  1  pool1              maxpool                 32x80x80         819200            0       819200  tile@409600
  2  conv2              conv2d+leaky            64x80x80      117964800        73984      1638400       tile@0
  3  pool3              maxpool                 64x40x40         409600            0       409600  tile@409600
  4  conv4              conv2d+leaky           128x40x40      117964800       295424       819200       tile@0
  5  conv5              conv2d+leaky            64x40x40       13107200        33024       409600  tile@409600
  6  conv6              conv2d+leaky           128x40x40      117964800       295424       819200       tile@0
  7  pool7              maxpool                128x20x20         204800            0       204800       737280
  8  conv8              conv2d+leaky           256x20x20      117964800      1180672       409600       tile@0
  9  conv9              conv2d+leaky           128x20x20       13107200       131584       204800  tile@73728
 10  conv10             conv2d+leaky           256x20x20      117964800      1180672       409600       tile@0
 11  pool11             maxpool                256x10x10         102400            0       102400  tile@73728
 12  conv12             conv2d+leaky           512x10x10      117964800      4720640       204800       tile@0
 13  conv13             conv2d+leaky           256x10x10       13107200       525312       102400  tile@73728
 14  conv14             conv2d+leaky           512x10x10      117964800      4720640       204800       tile@0
 15  conv15             conv2d+leaky           256x10x10       13107200       525312       102400       345600
total: 0.902 GMAC, weights 13.05 MiB (13686272 bytes)
schedule: 0-7:tile5x5, 8-15:tile2x2
executed: 1.437 GMAC (+59.31% over layer by layer)
arena: 944640 bytes (922.50 KiB); lower bound 944640 bytes, planner order 'largest first'
"""
LAYER_MACS = 901836800  # the MACs column's sum (awk '{s += $5}' agrees)


class StatsTest(unittest.TestCase):
    def test_ranks_average_ties(self):
        self.assertEqual(stats.ranks([10, 30, 20, 30]), [1.0, 3.5, 2.0, 3.5])
        self.assertEqual(stats.ranks([5, 5, 5]), [2.0, 2.0, 2.0])

    def test_spearman(self):
        self.assertAlmostEqual(stats.spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1.0)
        self.assertAlmostEqual(stats.spearman([1, 2, 3, 4], [9, 7, 5, 1]), -1.0)
        # ys ranks [1, 2, 3.5, 5, 3.5]: 8 / sqrt(10 * 9.5) (scipy.stats.spearmanr agrees)
        self.assertAlmostEqual(stats.spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]),
                               8 / (10 * 9.5) ** 0.5)
        self.assertIsNone(stats.spearman([1], [2]))
        self.assertIsNone(stats.spearman([1, 2, 3], [4, 4, 4]))

    def test_median(self):
        self.assertEqual(stats.median([3, 1, 2]), 2)
        self.assertEqual(stats.median([4, 1, 3, 2]), 2.5)


class TimingTest(unittest.TestCase):
    def test_any_command_printing_a_median(self):
        # --repeat 3 is appended; this stand-in program ignores it.
        result = timing.run_timed([sys.executable, "-c", "print('x: median 2.50 ms')"], 3)
        self.assertEqual((result.median_ms, result.error), (2.5, None))
        failed = timing.run_timed([sys.executable, "-c", "raise SystemExit(4)"], 3)
        self.assertIn("exit 4", failed.error)
        self.assertEqual(timing.timing_json(None), {"run_error": None, "median_ms": None,
                                                    "times_ms": [], "peak_rss_kib": None})


class InfoParsingTest(unittest.TestCase):
    def test_exact_layer_sum_scaled_by_extra_work(self):
        self.assertEqual(sum(int(m) for m in driver._LAYER_ROW.findall(INFO_TILED)), LAYER_MACS)
        self.assertEqual(driver.parse_info_macs(INFO_TILED), round(LAYER_MACS * 1.5931))

    def test_layers_schedule(self):
        text = INFO_TILED.replace("1.437 GMAC (+59.31%", "0.902 GMAC (+0.00%")
        self.assertEqual(driver.parse_info_macs(text), LAYER_MACS)

    def test_summary_lines_only(self):
        self.assertEqual(driver.parse_info_macs("total: 0.902 GMAC\nexecuted: 1.437 GMAC\n"),
                         1437000000)
        self.assertEqual(driver.parse_info_macs("total: 15.476 GMAC, weights\n"), 15476000000)
        self.assertIsNone(driver.parse_info_macs("nothing here"))


class SmallestArenaTest(unittest.TestCase):
    def test_refused_budget(self):
        message = ("no schedule fits the budget of 121600 bytes (118.75 KiB): the smallest "
                   "tessel reaches is an arena of 262400 bytes (256.25 KiB), with the schedule "
                   "'0-13:tile6x6+channels8, 14-63:layers; im2row: 17, 19' (searched 49783 "
                   "candidate groups, tiles up to 6x6)")
        self.assertEqual(driver.parse_smallest_arena(message),
                         (262400, "0-13:tile6x6+channels8, 14-63:layers; im2row: 17, 19"))

    def test_other_messages(self):
        self.assertEqual(driver.parse_smallest_arena("layer 3: bad kernel"), (None, None))
        self.assertEqual(driver.parse_smallest_arena(None), (None, None))


class VariantSlugTest(unittest.TestCase):
    def test_short_slug_spells_everything(self):
        variant = Variant("networks/mcunet-in4.yaml", "160x160", budget=243200,
                          primitives="all", compile_flags=["--no-branch-groups"])
        self.assertEqual(variant.slug,
                         "mcunet-in4-160x160-searched-budget243200-p-all-f--no-branch-groups")

    def test_long_schedules_get_distinct_bounded_slugs(self):
        long = ", ".join(f"{i}:tile6x6" for i in range(60))
        slugs = {Variant("net.yaml", None, long + suffix).slug for suffix in ("", ", 60:layers")}
        self.assertEqual(len(slugs), 2)
        self.assertTrue(all(len(slug) <= MAX_SLUG for slug in slugs))


class GeneratedFilesTest(unittest.TestCase):
    def test_report_fields(self):
        self.assertFalse(generated.read_report(HERE).present)  # no report.json here
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(HERE, "sample_report.json")) as src, \
                    open(os.path.join(folder, "report.json"), "w") as dst:
                dst.write(src.read())
            report = generated.read_report(folder)
        self.assertEqual(report.schedule, "0-7:tile5x5, 8-15:layers")
        self.assertEqual(report.predicted_ms, 812.5)
        self.assertEqual(report.arena_bytes, 10529280)
        self.assertEqual(report.macs, 14812000000)
        self.assertEqual(report.get("groups"), [{"first": 0, "last": 7, "schedule": "tile5x5",
                                                 "peak_bytes": 123, "predicted_ms": 1.0,
                                                 "macs": 1, "extra_macs": 0}])

    def test_missing_fields_are_none(self):
        report = generated.Report({"chosen": {"schedule": "0-15:layers", "macs": "many"}})
        self.assertEqual(report.schedule, "0-15:layers")
        self.assertIsNone(report.macs)  # not a number
        self.assertIsNone(report.predicted_ms)
        self.assertIsNone(generated.Report([1, 2]).get("chosen", "macs"))

    def test_unreadable_report(self):
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "report.json"), "w") as f:
                f.write("{ not json")
            self.assertFalse(generated.read_report(folder).present)

    def test_declared_arena(self):
        with tempfile.TemporaryDirectory() as folder:
            self.assertIsNone(generated.declared_arena_bytes(folder))
            with open(os.path.join(folder, "net.h"), "w") as f:
                f.write("#define NET_H\n#define NET_ARENA_BYTES 944640u\n"
                        "#define NET_ARENA_ALIGNMENT 64u\n")
            self.assertEqual(generated.declared_arena_bytes(folder), 944640)


class SweepTest(unittest.TestCase):
    def test_sweep_size_and_forms(self):
        schedules = search_validation.sweep_schedules(15, 5, [])
        # 25 single-group grids + 15 split points x (6 x 6 - 1) kind pairs
        self.assertEqual(len(schedules), 25 + 15 * 35)
        with_streams = search_validation.sweep_schedules(15, 5, [1, 2])
        # and 2 single-group streams; 8 kinds a group
        self.assertEqual(len(with_streams), 25 + 2 + 15 * 63)
        self.assertIn("0-15:stream2", with_streams)
        self.assertIn("0-3:stream1, 4-15:tile3x3", with_streams)
        self.assertEqual(len(set(schedules)), len(schedules))
        self.assertIn("0-15:tile2x5", schedules)
        self.assertIn("0:tile1x1, 1-15:layers", schedules)
        self.assertIn("0-14:layers, 15:tile5x5", schedules)
        self.assertNotIn("0-7:layers, 8-15:layers", schedules)

    def test_sample_is_deterministic_subset(self):
        schedules = search_validation.sweep_schedules(15, 5, [1])
        first = search_validation.sample_schedules(schedules, 40, 1)
        self.assertEqual(first, search_validation.sample_schedules(schedules, 40, 1))
        self.assertNotEqual(first, search_validation.sample_schedules(schedules, 40, 2))
        self.assertEqual(len(first), 40)
        self.assertTrue(set(first) <= set(schedules))
        self.assertEqual(search_validation.sample_schedules(schedules, 0, 1), schedules)


class FrontsSettingsTest(unittest.TestCase):
    def names_and_flags(self, primitives, variants):
        return [(s.name, s.primitives, s.flags)
                for s in fronts.search_settings(primitives, variants)]

    def test_defaults_make_one_setting(self):
        self.assertEqual(self.names_and_flags("all", "default"), [("default", "all", [])])

    def test_flag_variants(self):
        self.assertEqual(self.names_and_flags("all", "default/--no-branch-groups --max-grid 4"),
                         [("default", "all", []),
                          ("--no-branch-groups --max-grid 4", "all",
                           ["--no-branch-groups", "--max-grid", "4"])])

    def test_primitives_times_flag_variants(self):
        self.assertEqual([name for name, _, _ in self.names_and_flags("all/direct", "/--x")],
                         ["all default", "all --x", "direct default", "direct --x"])
        self.assertEqual(self.names_and_flags("direct", "default"), [("direct", "direct", [])])


# Two loops in GCC's AArch64 style: an outer one and, inside it, the multiply-add loop.
ASM_AARCH64 = """\
f:
\tmov\tw3, 0
.L2:
\tmov\tx4, x0
.L3:
\tldr\tq1, [x1], 16       // weights
\tld1r\t{v2.4s}, [x4]
\tfmla\tv0.4s, v1.4s, v2.4s
\tfmla\tv3.4s, v1.4s, v2.4s
\tstr\tq3, [sp, 16]
\tsubs\tw5, w5, #1
\tbne\t.L3
\tadd\tw3, w3, 1
\tfmla\tv4.4s, v1.4s, v2.4s
\tcmp\tw3, w6
\tb.lt\t.L2
\tret
"""

# Clang's ARMv7 style, labels with comments.
ASM_ARMV7 = """\
.LBB0_4:                                @ =>This Inner Loop Header: Depth=1
\tvld1.32\t{d16, d17}, [r1]!
\tvfma.f32\tq0, q8, q9
\tsubs\tr2, r2, #1
\tbne\t.LBB0_4
"""

GENERATED = """\
namespace {

// conv5
constexpr tessel::Conv2dParams kLayer6 = [] {
  tessel::Conv2dParams p{};
  p.inChannels = 128; p.outChannels = 64; p.kernelH = 1; p.kernelW = 1; p.strideH = 1;
  p.strideW = 1; p.dilationH = 1; p.dilationW = 1; p.groups = 1; p.padTop = 0; p.padLeft = 0;
  p.alpha = 0.1f;
  return p;
}();

void run() {
  tessel::conv2d<tessel::Act::Leaky>(kLayer6, w + 10, w + 20,
    tessel::ConstMapView{t5, 128, 8, 8, 0, 0, 8, 8},
    tessel::MapView{t6, 64, 8, 8, 0, 0, 8, 8},
    tessel::Region{0, 8, 0, 8});
}
"""


class AsmLoopsTest(unittest.TestCase):
    def test_innermost_multiply_add_loop(self):
        loop = asm_loops.hot_loop(ASM_AARCH64)
        self.assertEqual(len(loop.instructions), 7)
        self.assertEqual((loop.fmas, loop.loads, loop.stores), (2, 2, 1))
        self.assertTrue(loop.mca_input().startswith(".Lmca_loop:\n"))
        self.assertIn("bne\t.Lmca_loop", loop.mca_input())

    def test_armv7_at_comments(self):
        loop = asm_loops.hot_loop(ASM_ARMV7)
        self.assertEqual((loop.fmas, loop.loads, len(loop.instructions)), (1, 1, 4))

    def test_sparse_unrolled_loop_loses(self):
        unrolled = "\n".join(["\tldr\tq1, [x0]"] * 20 + ["\tfmla\tv0.4s, v1.4s, v2.4s"] * 3)
        text = ASM_ARMV7 + ".L9:\n" + unrolled + "\n\tbne\t.L9\n"
        loop = asm_loops.hot_loop(text)
        self.assertEqual((loop.fmas, len(loop.instructions)), (1, 4))

    def test_larger_block_of_similar_density_wins(self):
        small = ".L7:\n\tvld1.32\t{d16, d17}, [r1]!\n\tvfma.f32\tq0, q8, q9\n\tbne\t.L7\n"
        large = (".L8:\n" + "\tvld1.32\t{d16, d17}, [r1]!\n" * 3 +
                 "\tvfma.f32\tq0, q8, q9\n" * 2 + "\tbne\t.L8\n")
        self.assertEqual(asm_loops.hot_loop(small + large).fmas, 2)

    def test_scalar_armv7_multiply_add_is_not_counted(self):
        text = ".L2:\n\tvfma.f32\ts0, s1, s2\n\tbne\t.L2\n"
        self.assertIsNone(asm_loops.hot_loop(text))

    def test_no_loop(self):
        self.assertIsNone(asm_loops.hot_loop("f:\n\tfmla\tv0.4s, v1.4s, v2.4s\n\tret\n"))


class KernelUnitTest(unittest.TestCase):
    def test_call_and_geometry(self):
        calls = kernel_unit.kernel_calls(GENERATED)
        self.assertEqual(len(calls), 1)
        call = calls[0]
        self.assertEqual((call.kernel, call.field("inChannels"), call.field("kernelH")),
                         ("conv2d", 128, 1))
        self.assertIs(kernel_unit.first_call(calls, "conv1x1"), call)
        self.assertIsNone(kernel_unit.first_call(calls, "conv3x3"))

    def test_unit_reads_its_arguments(self):
        unit = kernel_unit.kernel_calls(GENERATED)[0].unit_source()
        self.assertIn("constexpr tessel::Conv2dParams kLayer6", unit)
        self.assertIn("tessel::ConstMapView{in, 128", unit)
        self.assertIn("tessel::MapView{out, 64", unit)
        self.assertNotIn("t5", unit)


class FrontCoverageTest(unittest.TestCase):
    def test_points_matched_or_beaten_by_the_front_are_not_reported(self):
        front = [(100, 1.0), (50, 2.0)]
        other = [(100, 1.0),   # the same point
                 (120, 1.5),   # beaten in both
                 (60, 1.5),    # faster than every front point within 60 bytes: missed
                 (40, 9.0)]    # smaller than every front point: missed
        self.assertEqual(front_coverage.unmatched(front, other), [(60, 1.5), (40, 9.0)])
        self.assertEqual(front_coverage.unmatched(front, []), [])


if __name__ == "__main__":
    unittest.main()

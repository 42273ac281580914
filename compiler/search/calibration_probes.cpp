#include "search/calibration_probes.h"

#include <fmt/format.h>

namespace tessel {
namespace {

// A probe: a network on a C x H x W input and its schedules. Quick
// calibration keeps the probes marked `quick`, each under its first and
// last schedule.
struct ProbeSpec {
  const char *name;
  int channels, height, width;
  std::vector<std::string> layers; // YAML flow maps
  std::vector<std::string> schedules;
  bool quick;
};

// One layer over the whole map, then over tile grids (rows x columns of
// tiles) of several shapes: tall narrow tiles (1x8: many short rows), flat
// wide ones (8x1: a few long rows), square ones, and tiny ones (8x8: the
// call overhead).
const std::vector<std::string> kSingleLayerSchedules = {"", "0:tile1x8", "0:tile8x1", "0:tile4x4",
                                                        "0:tile8x8"};
const std::vector<std::string> kWholeMapOnly = {""};
const char *const kPool2 = "{name: pool, op: maxpool, kernel: 2}";

std::string conv(int filters, int kernel, const char *extra = "") {
  return fmt::format("{{name: conv, op: conv2d, filters: {}, kernel: {}, padding: same, "
                     "activation: relu{}}}",
                     filters, kernel, extra);
}

// The schedules with every convolution computing with `primitive`.
std::vector<std::string> withPrimitive(std::vector<std::string> schedules, const char *primitive) {
  for (std::string &schedule : schedules)
    schedule += fmt::format("; {}: 0", primitive);
  return schedules;
}

std::vector<ProbeSpec> probeSpecs() {
  const auto &tiles = kSingleLayerSchedules;
  return {
      // conv3x3: few to many channels, and a wide map (long rows).
      {"conv3x3_c4", 4, 32, 32, {conv(4, 3)}, tiles, true},
      {"conv3x3_c16", 16, 24, 24, {conv(16, 3)}, tiles, false},
      {"conv3x3_c32", 32, 16, 16, {conv(64, 3)}, tiles, true},
      {"conv3x3_wide", 8, 8, 64, {conv(8, 3)}, tiles, false},
      // The shapes the im2row and Winograd probes below also compute, so the
      // classes are fitted on the same layers.
      {"conv3x3_c3", 3, 32, 32, {conv(32, 3)}, tiles, false},
      {"conv3x3_c128", 128, 13, 13, {conv(128, 3)}, tiles, false},
      // Winograd: few and many channels (the transformed weights then
      // dominate), on maps that are and are not multiples of the tiles.
      {"winograd4_c32", 32, 24, 24, {conv(64, 3)}, withPrimitive(tiles, "winograd4"), true},
      {"winograd4_c128", 128, 13, 13, {conv(128, 3)}, withPrimitive(tiles, "winograd4"), false},
      {"winograd2_c32", 32, 24, 24, {conv(64, 3)}, withPrimitive(tiles, "winograd2"), true},
      {"winograd2_c128", 128, 13, 13, {conv(128, 3)}, withPrimitive(tiles, "winograd2"), false},
      // im2row: few input channels (a first layer), a large strided kernel,
      // many channels, and a 1x1.
      {"im2row_c3", 3, 32, 32, {conv(32, 3)}, withPrimitive(tiles, "im2row"), true},
      {"im2row_k7s2_c3",
       3,
       48,
       48,
       {conv(32, 7, ", stride: 2")},
       withPrimitive(tiles, "im2row"),
       false},
      {"im2row_c128", 128, 13, 13, {conv(128, 3)}, withPrimitive(tiles, "im2row"), true},
      {"im2row_1x1_c64", 64, 16, 16, {conv(64, 1)}, withPrimitive(tiles, "im2row"), false},
      // conv3x3_s2
      {"conv3x3_s2_c8", 8, 32, 32, {conv(16, 3, ", stride: 2")}, tiles, true},
      {"conv3x3_s2_c32", 32, 32, 32, {conv(32, 3, ", stride: 2")}, tiles, false},
      // conv1x1
      {"conv1x1_c16", 16, 32, 32, {conv(16, 1)}, tiles, true},
      {"conv1x1_c64", 64, 16, 16, {conv(64, 1)}, tiles, false},
      {"conv1x1_c8", 8, 24, 24, {conv(64, 1)}, tiles, false},
      // conv: a larger kernel and a dilated one
      {"conv5x5_c16", 16, 16, 16, {conv(16, 5)}, tiles, true},
      {"conv3x3_d2_c16", 16, 24, 24, {conv(16, 3, ", dilation: 2")}, tiles, false},
      // depthwise
      {"depthwise_c16", 16, 32, 32, {conv(16, 3, ", groups: depthwise")}, tiles, true},
      {"depthwise_c64", 64, 16, 16, {conv(64, 3, ", groups: depthwise")}, tiles, false},
      {"depthwise_s2_c32",
       32,
       32,
       32,
       {conv(32, 3, ", groups: depthwise, stride: 2")},
       tiles,
       false},
      // pool
      {"maxpool2_c16", 16, 32, 32, {"{name: pool, op: maxpool, kernel: 2}"}, tiles, true},
      {"avgpool3_c32",
       32,
       16,
       16,
       {"{name: pool, op: avgpool, kernel: 3, stride: 1, padding: 1}"},
       tiles,
       false},
      // elementwise
      {"add_c16",
       16,
       32,
       32,
       {"{name: sum, op: add, inputs: [input, input], activation: relu}"},
       tiles,
       true},
      {"concat_c32", 32, 16, 16, {"{name: cat, op: concat, inputs: [input, input]}"}, tiles, false},
      // dense: on vectors, so no layout conversion around it
      {"dense_256",
       256,
       1,
       1,
       {"{name: fc, op: fully_connected, units: 64}"},
       kWholeMapOnly,
       false},
      {"dense_1024",
       1024,
       1,
       1,
       {"{name: fc, op: fully_connected, units: 256}"},
       kWholeMapOnly,
       true},
      {"dense_2048",
       2048,
       1,
       1,
       {"{name: fc, op: fully_connected, units: 1000}"},
       kWholeMapOnly,
       false},
      // reduce
      {"global_pool_c32", 32, 16, 16, {"{name: gap, op: global_avgpool}"}, kWholeMapOnly, true},
      {"global_pool_c256", 256, 4, 4, {"{name: gap, op: global_avgpool}"}, kWholeMapOnly, false},
      {"softmax_1000", 1000, 1, 1, {"{name: prob, op: softmax}"}, kWholeMapOnly, true},
      {"softmax_100", 100, 1, 1, {"{name: prob, op: softmax}"}, kWholeMapOnly, false},
      // copy: a large input converted to channels-last, read by a pointwise
      // convolution so strided that it computes one value (whose output
      // needs no conversion); the conversion is nearly all the time. Map
      // sizes that are not powers of two: a 32x32 map puts the channel planes
      // 4 KiB apart, and the conversion of 64 such planes runs into cache-set
      // conflicts (20x slower per float on an x86-64 test machine), which is
      // not what a typical conversion costs.
      {"convert_c32",
       32,
       40,
       48,
       {"{name: pick, op: conv2d, filters: 1, kernel: 1, stride: [40, 48]}"},
       kWholeMapOnly,
       true},
      {"convert_c8",
       8,
       64,
       96,
       {"{name: pick, op: conv2d, filters: 1, kernel: 1, stride: [64, 96]}"},
       kWholeMapOnly,
       false},
      // Maps beyond the caches: under `layers` the convolution's output
      // (9 MiB at 384x384, 64 MiB at 1024x1024) goes to main memory and
      // back to the pool; streamed, its rows stay in the cache. The same
      // work, spilled or not: what sets ns_per_spilled_byte and
      // cache_bytes apart.
      {"spill_chain_384", 16, 384, 384, {conv(16, 3), kPool2}, {"", "0-1:stream2"}, false},
      {"spill_chain_1024", 16, 1024, 1024, {conv(16, 3), kPool2}, {"", "0-1:stream2"}, false},
      // A detector's head: few input channels, many output ones, so that
      // the bytes per multiply-accumulate are many (47 MB written by the
      // convolution at 608x608).
      {"spill_head_608", 3, 608, 608, {conv(32, 3), kPool2}, {"", "0-1:stream2"}, false},
      // Two-layer chains, streamed: stripes of full-width rows and the row
      // shifts (copy) of the window between the layers.
      {"chain_conv3x3_c16",
       16,
       32,
       32,
       {conv(16, 3), "{name: conv2, op: conv2d, filters: 16, kernel: 3, padding: same}"},
       {"", "0-1:stream4", "0-1:tile4x4", "0-1:stream1"},
       true},
      {"chain_depthwise_c32",
       32,
       32,
       32,
       {conv(32, 3, ", groups: depthwise"), "{name: project, op: conv2d, filters: 32, kernel: 1}"},
       {"0-1:stream8", "0-1:stream2", "0-1:stream1"},
       false},
      {"chain_conv_pool_c8",
       8,
       32,
       32,
       {conv(8, 3), "{name: pool, op: maxpool, kernel: 2}"},
       {"0-1:stream4", "0-1:stream1"},
       false},
  };
}

} // namespace

std::string scheduleLabel(const std::string &schedule) {
  const size_t semicolon = schedule.find(';');
  const std::string groups = schedule.substr(0, semicolon);
  const size_t colon = groups.rfind(':');
  std::string label = groups.empty()               ? "layers"
                      : colon == std::string::npos ? groups
                                                   : groups.substr(colon + 1);
  for (size_t at = semicolon; at != std::string::npos; at = schedule.find(';', at + 1)) {
    const size_t name = schedule.find_first_not_of(' ', at + 1);
    label += "_" + schedule.substr(name, schedule.find(':', name) - name);
  }
  return label;
}

std::vector<CalibrationProbe> calibrationProbes(bool quick) {
  std::vector<CalibrationProbe> probes;
  for (const ProbeSpec &spec : probeSpecs()) {
    if (quick && !spec.quick)
      continue;
    CalibrationProbe probe;
    probe.name = spec.name;
    probe.description =
        fmt::format("name: {}\ninput: {{channels: {}, height: {}, width: {}}}\nweights: {{random: "
                    "1}}\nlayers:\n",
                    spec.name, spec.channels, spec.height, spec.width);
    for (const std::string &layer : spec.layers)
      probe.description += "  - " + layer + "\n";
    probe.schedules = spec.schedules;
    if (quick && probe.schedules.size() > 2)
      probe.schedules = {spec.schedules.front(), spec.schedules.back()};
    probes.push_back(std::move(probe));
  }
  return probes;
}

} // namespace tessel

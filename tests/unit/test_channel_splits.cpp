// Channel splits (`channels N`, `tile RxC+channels N`) and groups spanning
// branches: the layer a slice computes (sliceLayer) and the roles a layer may
// play in a run (sliceRoles), the runs a group slices and their slices, the
// schedule text and its errors, and the kernel calls a channels group lowers
// to.
#include "analysis/layer_costs.h"
#include "ir/channel_slice.h"
#include "schedule/execution_plan.h"
#include "schedule/schedule.h"
#include "shipped_network.h"
#include "temp_dir.h"

#include <doctest/doctest.h>
#include <map>

#include <algorithm>
#include <string>
#include <vector>

using namespace tessel;
using tessel::testing::layerNamed;
using tessel::testing::loadShipped;

namespace {

// The network a description gives, normalized.
Network networkFromYaml(const std::string &yaml) {
  const tessel::testing::TempDir dir("tessel_channel_splits");
  llvm::Expected<Network> net = loadNetwork(dir.write("net.yaml", yaml), LoadOptions{});
  if (!net)
    FAIL(llvm::toString(net.takeError()));
  return normalize(*net);
}

// Floats [lo, hi) of `values`.
std::vector<float> range(const std::vector<float> &values, size_t lo, size_t hi) {
  return std::vector<float>(values.begin() + long(lo), values.begin() + long(hi));
}

// The error parseSchedule gives for `text`, or "" when it accepts it.
std::string parseError(const Network &net, const std::string &text) {
  llvm::Expected<NetworkSchedule> parsed = parseSchedule(text, net);
  return parsed ? std::string() : llvm::toString(parsed.takeError());
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

ExecutionPlan lower(const Network &net, const std::string &schedule) {
  llvm::Expected<NetworkSchedule> parsed = parseSchedule(schedule, net);
  REQUIRE_MESSAGE(bool(parsed), llvm::toString(parsed.takeError()));
  llvm::Expected<ExecutionPlan> plan = lowerSchedule(net, *parsed);
  REQUIRE_MESSAGE(bool(plan), llvm::toString(plan.takeError()));
  return std::move(*plan);
}

// The kernel calls of layer `layer`, in order.
std::vector<KernelCall> callsOf(const ExecutionPlan &plan, int layer) {
  std::vector<KernelCall> calls;
  for (const Operation &op : plan.operations)
    if (op.kind == Operation::Kind::Kernel && op.call.layer == layer)
      calls.push_back(op.call);
  return calls;
}

unsigned bit(SliceRole role) {
  return 1u << unsigned(role);
}

} // namespace

// --- The layer a slice computes ------------------------------------------------

TEST_CASE("sliceLayer: output channels of an expand convolution") {
  const Network net = loadShipped("mobilenet-v2", 32);
  const int expand = layerNamed(net, "b3.expand"); // 24 -> 144 channels, 1x1, on 8x8
  const Layer &source = net.layers[size_t(expand)];
  REQUIRE(source.conv().outChannels == 144);
  REQUIRE(source.weights.weight.size() == size_t(144 * 24));
  REQUIRE(source.weights.bias.size() == 144);

  const Network sliced = sliceLayer(net, expand, ChannelSlice{48, 96});
  REQUIRE(sliced.layers.size() == 2);
  // The placeholder of its input: every input channel, as the whole layer reads them.
  const Layer &input = sliced.layers[0];
  CHECK(input.name == "b2.project");
  CHECK(input.output.c == 24);
  CHECK(input.output.h == 8);
  CHECK(input.output.w == 8);
  const Layer &l = sliced.layers[1];
  CHECK(l.name == "b3.expand");
  CHECK(l.op == OpKind::Conv2d);
  CHECK(l.inputs == std::vector<int>{0});
  CHECK(l.conv().outChannels == 48);
  CHECK(l.conv().groups == 1);
  CHECK(l.output.c == 48);
  CHECK(l.output.h == 8);
  CHECK(l.output.w == 8);
  CHECK(l.activation.kind == source.activation.kind);
  // [O][I][1][1]: output channels 48..95, all of their inputs.
  CHECK(l.weights.weight == range(source.weights.weight, 48 * 24, 96 * 24));
  CHECK(l.weights.bias == range(source.weights.bias, 48, 96));
  CHECK(layerMacs(sliced, 1) == layerMacs(net, expand) / 3);

  // The last slice up to "every channel" ends at the layer's channels.
  const Network last = sliceLayer(net, expand, ChannelSlice{96, kAllChannels});
  CHECK(last.layers[1].conv().outChannels == 48);
  CHECK(last.layers[1].weights.weight == range(source.weights.weight, 96 * 24, 144 * 24));
  CHECK(last.layers[1].weights.bias == range(source.weights.bias, 96, 144));
}

TEST_CASE("sliceLayer: the same channels of a depthwise convolution") {
  const Network net = loadShipped("mobilenet-v2", 32);
  const int dw = layerNamed(net, "b3.dw"); // 144 channels, 3x3, multiplier 1
  const Layer &source = net.layers[size_t(dw)];
  REQUIRE(source.conv().groups == 144);
  REQUIRE(source.weights.weight.size() == size_t(144 * 9));

  const Network sliced = sliceLayer(net, dw, ChannelSlice{50, 99});
  REQUIRE(sliced.layers.size() == 2);
  // A channel-wise layer reads just its slice of the input.
  CHECK(sliced.layers[0].name == "b3.expand");
  CHECK(sliced.layers[0].output.c == 49);
  CHECK(sliced.layers[0].output.h == 8);
  const Layer &l = sliced.layers[1];
  CHECK(l.conv().outChannels == 49);
  CHECK(l.conv().groups == 49);
  CHECK(l.conv().window.kernelH == 3);
  CHECK(l.conv().window.kernelW == 3);
  CHECK(l.output.c == 49);
  CHECK(l.output.h == 8);
  CHECK(l.weights.weight == range(source.weights.weight, 50 * 9, 99 * 9));
  CHECK(l.weights.bias == range(source.weights.bias, 50, 99));
  CHECK(layerMacs(sliced, 1) == 8 * 8 * 49 * 9);
  // Still channel-wise, as a layer of its own.
  CHECK(sliceRoles(sliced, 1) == bit(SliceRole::ChannelWise));
}

TEST_CASE("sliceLayer: input channels a 1x1 convolution sums, the bias only in the first slice") {
  const Network net = loadShipped("mobilenet-v2", 32);
  const int project = layerNamed(net, "b3.project"); // 144 -> 24 channels, 1x1
  const Layer &source = net.layers[size_t(project)];
  REQUIRE(source.weights.weight.size() == size_t(24 * 144));
  REQUIRE(source.weights.bias.size() == 24);

  // [O][I]: input channels 48..95 of each output channel.
  std::vector<float> expected;
  for (size_t o = 0; o < 24; ++o)
    for (size_t i = 48; i < 96; ++i)
      expected.push_back(source.weights.weight[o * 144 + i]);
  ChannelSlice middle{48, 96};
  middle.ofInput = true;
  middle.accumulates = true;
  middle.finishes = false;
  const Network sliced = sliceLayer(net, project, middle);
  REQUIRE(sliced.layers.size() == 2);
  CHECK(sliced.layers[0].name == "b3.dw");
  CHECK(sliced.layers[0].output.c == 48);
  const Layer &l = sliced.layers[1];
  CHECK(l.conv().outChannels == 24);
  CHECK(l.conv().groups == 1);
  CHECK(l.output.c == 24);
  CHECK(l.weights.weight == expected);
  CHECK(l.weights.bias.empty()); // the sums it adds to started from the bias
  CHECK(layerMacs(sliced, 1) == 8 * 8 * 24 * 48);

  ChannelSlice first{0, 48};
  first.ofInput = true;
  first.finishes = false;
  const Network starts = sliceLayer(net, project, first);
  CHECK(starts.layers[0].output.c == 48);
  CHECK(starts.layers[1].weights.bias == source.weights.bias);
  CHECK(starts.layers[1].weights.weight.size() == size_t(24 * 48));
  CHECK(starts.layers[1].weights.weight[0] == source.weights.weight[0]);
  CHECK(starts.layers[1].weights.weight[48] == source.weights.weight[144]); // output channel 1

  ChannelSlice last{96, kAllChannels};
  last.ofInput = true;
  last.accumulates = true;
  const Network ends = sliceLayer(net, project, last);
  CHECK(ends.layers[0].output.c == 48);
  CHECK(ends.layers[1].weights.bias.empty());
  CHECK(ends.layers[1].weights.weight.size() == size_t(24 * 48));
  CHECK(ends.layers[1].weights.weight.back() == source.weights.weight.back());
}

TEST_CASE("sliceRoles: convolutions with one group split, 1x1 ones sum, channel-wise layers pass "
          "slices") {
  const Network net = networkFromYaml(R"(name: tiny-roles
input: {channels: 4, height: 8, width: 8}
weights: {random: 7}
layers:
  - {name: conv, op: conv2d, filters: 8, kernel: 3, padding: same}
  - {name: pw, op: conv2d, filters: 8, kernel: 1, activation: relu}
  - {name: dw, op: conv2d, filters: 8, kernel: 3, padding: same, groups: depthwise}
  - {name: dw2, op: conv2d, filters: 16, kernel: 3, padding: same, groups: depthwise}
  - {name: grouped, op: conv2d, filters: 8, kernel: 1, groups: 2}
  - {name: maxp, op: maxpool, kernel: 2}
  - {name: sig, op: sigmoid}
  - {name: avgp, op: avgpool, kernel: 3, stride: 1, padding: 1}
  - {name: bn, op: batch_norm}
  - {name: add, op: add, inputs: [bn, avgp]}
  - {name: gap, op: global_avgpool}
)");
  REQUIRE(net.layers.size() == 12);
  const unsigned splits = bit(SliceRole::Splits), sums = bit(SliceRole::Sums);
  const unsigned channelWise = bit(SliceRole::ChannelWise);
  CHECK(sliceRoles(net, layerNamed(net, "conv")) == splits);
  CHECK(sliceRoles(net, layerNamed(net, "pw")) == (splits | sums));
  CHECK(sliceRoles(net, layerNamed(net, "dw")) == channelWise); // multiplier 1
  CHECK(sliceRoles(net, layerNamed(net, "dw2")) == 0u);         // multiplier 2
  CHECK(sliceRoles(net, layerNamed(net, "grouped")) == 0u);     // 2 groups
  CHECK(sliceRoles(net, layerNamed(net, "maxp")) == channelWise);
  CHECK(sliceRoles(net, layerNamed(net, "sig")) == channelWise); // a stand-alone activation
  CHECK(net.layers[size_t(layerNamed(net, "sig"))].op == OpKind::Activation);
  CHECK(sliceRoles(net, layerNamed(net, "avgp")) == channelWise);
  CHECK(sliceRoles(net, layerNamed(net, "bn")) == channelWise); // a per-channel 1x1 conv
  CHECK(sliceRoles(net, layerNamed(net, "add")) == 0u);
  CHECK(sliceRoles(net, layerNamed(net, "gap")) == 0u);

  // A pool's slice: the same channels, nothing else changes.
  const Network pool = sliceLayer(net, layerNamed(net, "maxp"), ChannelSlice{2, 7});
  CHECK(pool.layers[0].output.c == 5);
  CHECK(pool.layers[1].output.c == 5);
  CHECK(pool.layers[1].output.h == 4);
  CHECK(pool.layers[1].pool().window.kernelH == 2);
}

// --- The runs a channels group slices --------------------------------------------

TEST_CASE("slicedRuns finds mobilenet-v2's expand, depthwise and project runs, and runSlices "
          "balances their channels") {
  const Network net = loadShipped("mobilenet-v2", 32);
  const int last = int(net.layers.size()) - 1;
  const std::vector<SlicedRun> runs = slicedRuns(net, 1, last);
  // conv0 with b1's depthwise and projection, then b2 ... b17 (the adds between).
  REQUIRE(runs.size() == 17);
  CHECK(runs[0].first == layerNamed(net, "conv0"));
  CHECK(runs[0].last == layerNamed(net, "b1.project"));
  for (int block = 2; block <= 17; ++block) {
    CAPTURE(block);
    const std::string prefix = "b" + std::to_string(block) + ".";
    CHECK(runs[size_t(block - 1)].first == layerNamed(net, prefix + "expand"));
    CHECK(runs[size_t(block - 1)].last == layerNamed(net, prefix + "project"));
  }

  // Within a group's layers only.
  const int expand = layerNamed(net, "b3.expand"), dw = expand + 1, project = expand + 2;
  const int add = layerNamed(net, "b3.add");
  std::vector<SlicedRun> b3 = slicedRuns(net, expand, project);
  REQUIRE(b3.size() == 1);
  CHECK(b3[0].first == expand);
  CHECK(b3[0].last == project);
  // b2.project before it is read by b3.add too: no run starts there.
  b3 = slicedRuns(net, expand - 1, add);
  REQUIRE(b3.size() == 1);
  CHECK(b3[0].first == expand);
  CHECK(slicedRuns(net, expand, dw).empty());       // no 1x1 convolution summing
  CHECK(slicedRuns(net, dw, add).empty());          // the depthwise makes no slice
  CHECK(slicedRuns(net, project, project).empty()); // one layer
  // Two convolutions make a run: b17's projection sliced, conv18 summing.
  const std::vector<SlicedRun> two =
      slicedRuns(net, layerNamed(net, "b17.project"), layerNamed(net, "conv18"));
  REQUIRE(two.size() == 1);
  CHECK(two[0].first == layerNamed(net, "b17.project"));
  CHECK(two[0].last == layerNamed(net, "conv18"));

  const std::vector<ChannelSlice> three = runSlices(net, b3[0], 3);
  REQUIRE(three.size() == 3);
  CHECK(three[0] == ChannelSlice{0, 48});
  CHECK(three[1] == ChannelSlice{48, 96});
  CHECK(three[2] == ChannelSlice{96, 144});
  // Whole units of 16 channels, balanced as tiles are: 144 is 9 units.
  const std::map<int, std::vector<int>> widths = {{2, {64, 80}},
                                                  {4, {32, 32, 32, 48}},
                                                  {5, {16, 32, 32, 32, 32}},
                                                  {7, {16, 16, 16, 32, 16, 16, 32}},
                                                  {144, {16, 16, 16, 16, 16, 16, 16, 16, 16}}};
  for (const auto &[count, expectedWidths] : widths) {
    CAPTURE(count);
    const std::vector<ChannelSlice> slices = runSlices(net, b3[0], count);
    std::vector<int> sliceWidths;
    int next = 0;
    for (const ChannelSlice &slice : slices) {
      CHECK(slice.c0 == next);
      CHECK(slice.c0 % kSliceChannelUnit == 0);
      CHECK_FALSE(slice.ofInput);
      sliceWidths.push_back(slice.width());
      next = slice.c1;
    }
    CHECK(next == 144);
    CHECK(sliceWidths == expectedWidths);
  }
  // A run with fewer units than slices gets one slice per unit: conv0's 32
  // channels make 2. b17's projection makes 320 channels, 20 units.
  const std::vector<ChannelSlice> two16 = runSlices(net, runs[0], 40);
  REQUIRE(two16.size() == 2);
  CHECK(two16.front() == ChannelSlice{0, 16});
  CHECK(two16.back() == ChannelSlice{16, 32});
  // Runs narrower than two units: balanced slices of any width.
  CHECK(channelSlices(24, 5) ==
        std::vector<ChannelSlice>{{0, 4}, {4, 9}, {9, 14}, {14, 19}, {19, 24}});
  CHECK(channelSlices(3, 8) == std::vector<ChannelSlice>{{0, 1}, {1, 2}, {2, 3}});
  CHECK(channelSlices(31, 2) == std::vector<ChannelSlice>{{0, 15}, {15, 31}});
  CHECK(channelSlices(32, 2) == std::vector<ChannelSlice>{{0, 16}, {16, 32}});
  CHECK(runSlices(net, two[0], 3) == std::vector<ChannelSlice>{{0, 96}, {96, 208}, {208, 320}});
}

// --- Schedule text -----------------------------------------------------------------

TEST_CASE("channel split text: channelsN and tileRxC+channelsN parse and print back") {
  const Network net = loadShipped("mobilenet-v2", 32);
  const int expand = layerNamed(net, "b3.expand");
  for (const char *text :
       {"0-5:layers, 6-8:channels4, 9-64:layers", "0-12:tile2x2+channels3, 13-64:layers",
        "0-5:layers, 6-8:tile2x3+channels4, 9-64:layers", "0-4:layers, 5-9:channels2, 10-64:layers",
        "0-59:layers, 60-61:channels4, 62-64:layers"}) {
    CAPTURE(text);
    llvm::Expected<NetworkSchedule> parsed = parseSchedule(text, net);
    REQUIRE_MESSAGE(bool(parsed), llvm::toString(parsed.takeError()));
    CHECK(formatSchedule(*parsed) == text);
    llvm::Error error = validateSchedule(*parsed, net);
    CHECK_FALSE(bool(error));
    llvm::consumeError(std::move(error));
  }

  llvm::Expected<NetworkSchedule> parsed = parseSchedule("6-8:tile2x3+channels4", net);
  REQUIRE_MESSAGE(bool(parsed), llvm::toString(parsed.takeError()));
  REQUIRE(parsed->groups.size() == 3);
  const GroupSchedule &group = parsed->groups[1];
  CHECK(group.first == expand);
  CHECK(group.last == expand + 2);
  CHECK(group.fused());
  CHECK(std::string(groupKindName(group)) == "channels");
  CHECK(groupKindText(group) == "tile2x3+channels4");
  REQUIRE(std::holds_alternative<ChannelSplit>(group.way));
  const ChannelSplit &split = std::get<ChannelSplit>(group.way);
  CHECK(split.slices == 4);
  CHECK(split.rows == 2);
  CHECK(split.cols == 3);
  CHECK(formatSchedule(*parsed) == "0-5:layers, 6-8:tile2x3+channels4, 9-64:layers");

  // A 1x1 grid is a channel split alone.
  llvm::Expected<NetworkSchedule> single = parseSchedule("6-8:tile1x1+channels2", net);
  REQUIRE_MESSAGE(bool(single), llvm::toString(single.takeError()));
  CHECK(formatSchedule(*single) == "0-5:layers, 6-8:channels2, 9-64:layers");
  // Built in code, the same rules.
  NetworkSchedule built = layerByLayer(net);
  built.groups = {GroupSchedule{1, expand - 1, LayerByLayer{}},
                  GroupSchedule{expand, expand + 2, ChannelSplit{3, 1, 2}},
                  GroupSchedule{expand + 3, int(net.layers.size()) - 1, LayerByLayer{}}};
  llvm::Error error = validateSchedule(built, net);
  CHECK_FALSE(bool(error));
  llvm::consumeError(std::move(error));
  CHECK(formatSchedule(built) == "0-5:layers, 6-8:tile1x2+channels3, 9-64:layers");
}

TEST_CASE("channel split text: errors name the group, the layer and the rule") {
  const Network net = loadShipped("mobilenet-v2", 32);
  // Layer 7 is b3's depthwise convolution: no run starts there.
  std::string error = parseError(net, "7-8:channels3");
  CHECK(contains(error, "group 7-8:channels3"));
  CHECK(contains(error, "layer 7 'b3.dw'"));
  CHECK(contains(error, "cannot make a slice"));
  error = parseError(net, "6-7:channels2"); // ends before the projection
  CHECK(contains(error, "layer 7 'b3.dw'"));
  CHECK(contains(error, "cannot sum the slices"));
  error = parseError(net, "9:channels2");
  CHECK(contains(error, "no run of layers to split by channels"));
  CHECK(contains(error, "two layers or more"));

  for (const char *text :
       {"6-8:channels1", "6-8:channels0", "6-8:channels", "6-8:channelsx", "6-8:tile2x2+channels1",
        "6-8:tile2x+channels2", "6-8:tile0x2+channels2", "6-8:tile2x2channels2",
        "6-8:grid2x2+channels2", "6-8:tile2x2+channels2x"}) {
    CAPTURE(text);
    error = parseError(net, text);
    CHECK(contains(error, "is not a channel split like channels4 or tile2x2+channels4"));
    CHECK(contains(error, std::string("'") + text + "'"));
  }

  error = parseError(net, "6-8:channels4/split");
  CHECK(contains(error, "'6-8:channels4/split': /split is for tile and stream groups"));
  error = parseError(net, "6-8:tile2x2+channels4/split");
  CHECK(contains(error, "/split is for tile and stream groups"));

  error = parseError(net, "6-8:tile9x9+channels2");
  CHECK(contains(error, "group 6-8:tile9x9+channels2: a 9x9 grid does not fit the group's 8x8 "
                        "output"));
  error = parseError(net, "6-8:tile1x9+channels2");
  CHECK(contains(error, "a 1x9 grid does not fit"));

  // A sliced run computes with direct convolutions only.
  for (int layer : {6, 8}) {
    CAPTURE(layer);
    const std::string name = layer == 6 ? "b3.expand" : "b3.project";
    error = parseError(net, "6-8:channels2; im2row: " + std::to_string(layer));
    CHECK(contains(error, "group 6-8:channels2: layer " + std::to_string(layer) + " '" + name +
                              "' computes with im2row"));
    CHECK(contains(error, "direct convolutions only"));
  }
  // Outside the runs a primitive stays: b4.expand (10) follows b3's run and its add.
  CHECK(parseError(net, "6-10:channels2; im2row: 10") == "");

  // A channels group's inner results are read inside it only, as any fused group's.
  error = parseError(net, "5-8:channels2");
  CHECK(contains(error, "the output of layer 5 'b2.project' is read by layer 9 'b3.add', outside "
                        "the group"));
}

TEST_CASE("groups spanning branches: every reader of an inner result inside the group") {
  const Network net = loadShipped("mobilenet-v2", 32);
  // b3 (layers 6-8) with its add (9), which also reads b2.project (5).
  for (const char *text :
       {"6-8:tile2x2", "6-8:tile2x2, 9:layers", "6-9:tile2x2", "5-9:tile2x2", "5-9:stream1",
        "5-9:channels2", "3-9:tile2x2+channels2", "0-12:stream2"}) {
    CAPTURE(text);
    CHECK(parseError(net, text) == "");
  }
  llvm::Expected<NetworkSchedule> banded = parseSchedule("5-9:stream1x2", net);
  REQUIRE_MESSAGE(bool(banded), llvm::toString(banded.takeError()));
  CHECK(formatSchedule(*banded) == "0-4:layers, 5-9:stream1x2, 10-64:layers");

  std::string error = parseError(net, "0-7:stream1");
  CHECK(contains(error, "group 0-7:stream1: the output of layer 5 'b2.project' is read by layer "
                        "9 'b3.add', outside the group; end the group at or after it"));
  error = parseError(net, "5-8:tile2x2");
  CHECK(contains(error, "read by layer 9 'b3.add', outside the group"));
  // b3.add (9) is read by b4.expand (10) only; b4.project (12) by b5.expand
  // and b5.add (16).
  CHECK(parseError(net, "9-10:tile2x2") == "");
  error = parseError(net, "12-15:tile2x2"); // b4.project (12) is read by b5.add (16)
  CHECK(contains(error, "layer 12 'b4.project' is read by layer 16 'b5.add'"));
}

// --- Lowering --------------------------------------------------------------------

TEST_CASE("a channels group lowers slice by slice: output slices, then sums over input slices") {
  const Network net = loadShipped("mobilenet-v2", 32);
  const int expand = layerNamed(net, "b3.expand"), dw = expand + 1, project = expand + 2;
  const ExecutionPlan plan = lower(net, "6-8:channels3");
  CHECK(plan.executedMacs == plan.layerMacs); // no tiles: nothing computed twice

  const ChannelSlice expected[] = {{0, 48}, {48, 96}, {96, 144}};
  const std::vector<KernelCall> expands = callsOf(plan, expand);
  const std::vector<KernelCall> dws = callsOf(plan, dw);
  const std::vector<KernelCall> projects = callsOf(plan, project);
  REQUIRE(expands.size() == 3);
  REQUIRE(dws.size() == 3);
  REQUIRE(projects.size() == 3);
  for (size_t s = 0; s < 3; ++s) {
    CAPTURE(s);
    const MapRegion whole{0, 8, 0, 8};
    // The expand: its slice of output channels, from all of b2.project.
    CHECK(expands[s].slice == expected[s]);
    CHECK(expands[s].region == whole);
    REQUIRE(expands[s].inputs.size() == 1);
    CHECK(expands[s].inputs[0].layer == expand - 1);
    CHECK(expands[s].inputs[0].allChannels());
    CHECK(expands[s].output.c0 == expected[s].c0);
    CHECK(expands[s].output.c1 == expected[s].c1);
    // The depthwise: the same channels, in and out.
    CHECK(dws[s].slice == expected[s]);
    CHECK(dws[s].inputs[0].layer == expand);
    CHECK(dws[s].inputs[0].c0 == expected[s].c0);
    CHECK(dws[s].inputs[0].c1 == expected[s].c1);
    CHECK(dws[s].output.c0 == expected[s].c0);
    CHECK(dws[s].output.c1 == expected[s].c1);
    // The projection: those input channels into every output channel.
    ChannelSlice sums = expected[s];
    sums.ofInput = true;
    sums.accumulates = s > 0;
    sums.finishes = s == 2;
    CHECK(projects[s].slice == sums);
    CHECK(projects[s].inputs[0].layer == dw);
    CHECK(projects[s].inputs[0].c0 == expected[s].c0);
    CHECK(projects[s].inputs[0].c1 == expected[s].c1);
    CHECK(projects[s].output.allChannels());
    CHECK(projects[s].region == whole);
  }
  // Slice by slice: expand, depthwise, projection, then the next slice.
  std::vector<int> order;
  for (const Operation &op : plan.operations)
    if (op.kind == Operation::Kind::Kernel && op.call.layer >= expand && op.call.layer <= project)
      order.push_back(op.call.layer);
  CHECK(order == std::vector<int>{expand, dw, project, expand, dw, project, expand, dw, project});

  // Each call's MACs are its slice's: together the layer's.
  for (int layer : {expand, dw, project}) {
    int64_t macs = 0;
    for (const KernelCall &call : callsOf(plan, layer))
      macs += callMacs(net, call);
    CHECK(macs == layerMacs(net, layer));
  }

  // The run's maps hold the widest slice only; the group's output is whole.
  CHECK(plan.storage[size_t(expand)].kind == StorageKind::TileBuffer);
  CHECK(plan.storage[size_t(expand)].bytes == 8 * 8 * 48 * 4);
  CHECK(plan.storage[size_t(dw)].kind == StorageKind::TileBuffer);
  CHECK(plan.storage[size_t(dw)].bytes == 8 * 8 * 48 * 4);
  CHECK(plan.storage[size_t(project)].kind == StorageKind::Full);
  CHECK(plan.storage[size_t(project)].bytes == 8 * 8 * 24 * 4);

  // Five slices of 144 channels (9 units of 16): 16, 32, 32, 32 and 32.
  const ExecutionPlan five = lower(net, "6-8:channels5");
  CHECK(callsOf(five, expand).size() == 5);
  CHECK(five.storage[size_t(expand)].bytes == 8 * 8 * 32 * 4);
  CHECK(five.storage[size_t(dw)].bytes == 8 * 8 * 32 * 4);
  CHECK(five.executedMacs == five.layerMacs);
}

TEST_CASE("a tile grid with a channel split: each tile's run slice by slice, halos recomputed") {
  const Network net = loadShipped("mobilenet-v2", 32);
  const int expand = layerNamed(net, "b3.expand"), dw = expand + 1, project = expand + 2;
  const ExecutionPlan plan = lower(net, "6-8:tile2x2+channels3");
  // Per tile, three slices of each layer.
  CHECK(callsOf(plan, expand).size() == 12);
  CHECK(callsOf(plan, dw).size() == 12);
  const std::vector<KernelCall> projects = callsOf(plan, project);
  REQUIRE(projects.size() == 12);
  for (size_t k = 0; k < projects.size(); ++k) {
    CAPTURE(k);
    CHECK(projects[k].slice.ofInput);
    CHECK(projects[k].slice.accumulates == (k % 3 != 0));
    CHECK(projects[k].slice.finishes == (k % 3 == 2));
    CHECK(projects[k].region.height() == 4);
    CHECK(projects[k].region.width() == 4);
  }
  // The depthwise 3x3 reads a 5x5 window of the expand in each 4x4 tile.
  CHECK(plan.storage[size_t(expand)].bytes == 5 * 5 * 48 * 4);
  CHECK(plan.storage[size_t(dw)].bytes == 4 * 4 * 48 * 4);
  // The expand's halo pixels computed twice: 4 tiles of 25 pixels for 64.
  CHECK(plan.executedMacs - plan.layerMacs == int64_t(4 * 25 - 64) * 24 * 144);
}

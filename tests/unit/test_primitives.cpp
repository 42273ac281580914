// Convolution primitives in the compiler: the schedule text names them, the
// region algebra traces Winograd's whole tiles (im2row's calls compute just
// their regions), each call's workspace is a
// buffer of its layer's step, and the weights and latency figures follow the
// primitive. (Bit-exactness across schedules and accuracy against the
// reference are end-to-end tests: tests/e2e/test_schedules.cpp,
// test_end_to_end.cpp.)
#include "analysis/layer_costs.h"
#include "analysis/regions.h"
#include "codegen/network_emitter.h"
#include "codegen/weight_packing.h"
#include "ops/conv_primitives.h"
#include "pipeline/network_input.h"
#include "schedule/execution_plan.h"
#include "search/latency_model.h"
#include "shipped_network.h"

#include <doctest/doctest.h>

#include <string>

using namespace tessel;
using tessel::testing::loadShipped;

namespace {

std::string parseError(const std::string &text, const Network &net) {
  llvm::Expected<NetworkSchedule> parsed = parseSchedule(text, net);
  if (parsed)
    return "";
  return llvm::toString(parsed.takeError());
}

ExecutionPlan planned(Network &net, const std::string &text, int threads = 1) {
  LoweringOptions options;
  options.threads = threads;
  llvm::Expected<ExecutionPlan> plan = planScheduleText(text, net, options);
  REQUIRE_MESSAGE(bool(plan), llvm::toString(plan.takeError()));
  return std::move(*plan);
}

// Every file the code generator writes for `plan`, one after another.
std::string generatedCode(const Network &net, const ExecutionPlan &plan) {
  llvm::Expected<GeneratedNetwork> generated = emitNetwork(net, plan, CodegenOptions{});
  REQUIRE(bool(generated));
  std::string code;
  for (const GeneratedFile &file : generated->files)
    code += file.contents;
  return code;
}

} // namespace

TEST_CASE("schedule text: primitives after a semicolon, by layer ranges or all") {
  const Network net = loadShipped("yolov2-16", 96); // 3x3 stride 1: 0, 2, 4, 6, 8, 10, 12, 14
  llvm::Expected<NetworkSchedule> parsed =
      parseSchedule("0-7:stream2; winograd4: 0, 2, 4; winograd2: 12; direct: 4", net);
  REQUIRE_MESSAGE(bool(parsed), llvm::toString(parsed.takeError()));
  CHECK(parsed->primitiveOf(1) == ConvPrimitive::Winograd4); // conv0, user layer 0
  CHECK(parsed->primitiveOf(3) == ConvPrimitive::Winograd4); // conv2
  CHECK(parsed->primitiveOf(5) == ConvPrimitive::Direct);    // conv4: the later clause wins
  CHECK(parsed->primitiveOf(13) == ConvPrimitive::Winograd2);
  CHECK(parsed->primitives.size() == 3);
  CHECK(formatSchedule(*parsed) == "0-7:stream2, 8-15:layers; winograd2: 12; winograd4: 0, 2");

  llvm::Expected<NetworkSchedule> all = parseSchedule("; winograd4: all", net);
  REQUIRE(bool(all));
  CHECK(formatSchedule(*all) == "0-15:layers; winograd4: 0, 2, 4, 6, 8, 10, 12, 14");
  // Printed and read back, the same schedule.
  llvm::Expected<NetworkSchedule> again = parseSchedule(formatSchedule(*all), net);
  REQUIRE(bool(again));
  CHECK(again->primitives == all->primitives);

  CHECK(parseError("; winograd4: 1", net)
            .find("winograd4: layer 1 'pool1' is a maxpool, not a conv2d") != std::string::npos);
  CHECK(parseError("; winograd4: 5", net).find("layer 5 'conv5' is not a 3x3, stride-1") !=
        std::string::npos); // conv5 is 1x1
  CHECK(
      parseError("; winograd3: 0", net).find("primitives: direct, im2row, winograd2, winograd4") !=
      std::string::npos);
  CHECK(parseError("; winograd4: 3-1", net).find("is not a layer range") != std::string::npos);
  CHECK(parseError("; winograd4: 0-99", net).find("outside layers 0-15") != std::string::npos);
  CHECK(parseError("; winograd4 0", net).find("is not a primitive and its layers") !=
        std::string::npos);
}

TEST_CASE("a Winograd call reads and computes the whole tiles its region touches") {
  Network net = loadShipped("yolov2-16", 96);
  const int conv2 = 3; // 64x48x48 from 32x48x48, padding 1
  const MapRegion rows{5, 6, 0, 48};
  const InputNeed direct = inputNeed(net, conv2, 0, rows);
  CHECK(direct.region.y0 == 4);
  CHECK(direct.region.y1 == 7);

  net.layers[size_t(conv2)].conv().primitive = ConvPrimitive::Winograd4;
  // Row 5 lies in the tile of rows 4-7, which reads input rows 3-8.
  const MapRegion computed = computedRegion(OpSite(net, conv2), rows);
  CHECK(computed.y0 == 4);
  CHECK(computed.y1 == 8);
  const InputNeed winograd = inputNeed(net, conv2, 0, rows);
  CHECK(winograd.region.y0 == 3);
  CHECK(winograd.region.y1 == 9);
  CHECK(winogradTileCount(OpSite(net, conv2), rows) == 12); // 48 columns / 4
  // The map's last tile is clamped to the map.
  CHECK(inputNeed(net, conv2, 0, MapRegion{47, 48, 0, 1}).region.y1 == 48);

  net.layers[size_t(conv2)].conv().primitive = ConvPrimitive::Winograd2;
  CHECK(inputNeed(net, conv2, 0, rows).region.y0 == 3);
  CHECK(inputNeed(net, conv2, 0, rows).region.y1 == 7);

  // The latency model counts the whole tiles' transformed products.
  const OperationFeatures f = kernelFeatures(net, conv2, rows);
  CHECK(f.kind == KernelClass::Winograd2);
  CHECK(f.work == doctest::Approx(24.0 * 16 * 32 * 64)); // 24 tiles of 2x2
  CHECK(f.pixels == doctest::Approx(24.0 * (32 + 64)));
  CHECK(f.rows == doctest::Approx(1.0 * 16 * 32 * 64)); // one chunk of 24 tiles streams them
  const OperationFeatures whole = kernelFeatures(net, conv2, MapRegion{0, 48, 0, 48});
  CHECK(whole.rows == doctest::Approx(18.0 * 16 * 32 * 64)); // 576 tiles: 18 chunks of 32
}

TEST_CASE("each Winograd call's workspace is a buffer of its layer's step, in the arena") {
  Network net = loadShipped("yolov2-16", 96);
  const ExecutionPlan plan = planned(net, "0-3:stream2; winograd4: 0, 2");
  int workspaces = 0;
  for (int layer = 1; layer < int(net.layers.size()); ++layer) {
    const LayerStorage &storage = plan.storage[size_t(layer)];
    const bool winograd = layer == 1 || layer == 3;
    CHECK((storage.workspaceBytes > 0) == winograd);
    if (!winograd)
      continue;
    REQUIRE(storage.workspaceBuffers.size() == 1);
    const BufferRequest &buffer = plan.buffers[size_t(storage.workspaceBuffers[0])];
    CHECK(buffer.firstStep == layer);
    CHECK(buffer.lastStep == layer);
    CHECK(buffer.bytes == storage.workspaceBytes);
    CHECK(storage.workspaceOffsets[0] == plan.arena.offsets[size_t(storage.workspaceBuffers[0])]);
    ++workspaces;
    // The largest call's: each call of the stream computes a stripe's tiles.
    int64_t largest = 0;
    for (const Operation &op : plan.operations)
      if (op.kind == Operation::Kind::Kernel && op.call.layer == layer)
        largest = std::max(largest, workspaceBytes(OpSite(net, layer), op.call.region));
    CHECK(storage.workspaceBytes == largest);
  }
  CHECK(workspaces == 2);
  CHECK(findPlanConflict(plan.buffers, plan.arena).empty());

  // On two threads a tiled group in parts gives each thread its own.
  Network threaded = loadShipped("yolov2-16", 96);
  const ExecutionPlan parts = planned(threaded, "0-3:tile2x2; winograd4: 0, 2", 2);
  CHECK(parts.storage[1].workspaceOffsets.size() == 2);
  CHECK(parts.storage[1].workspaceOffsets[0] != parts.storage[1].workspaceOffsets[1]);
  CHECK(findPlanConflict(parts.buffers, parts.arena).empty());

  // The generated code declares and passes it.
  const std::string code = generatedCode(net, plan);
  CHECK(code.find("float *const s1 = reinterpret_cast<float *>(arena + ") != std::string::npos);
  CHECK(code.find("tessel::conv2dWinograd<4, tessel::Act::Leaky>(") != std::string::npos);
  CHECK(code.find(", s1, 32);") != std::string::npos);
}

TEST_CASE("Winograd weights: transformed at compile time, (m + 2)^2 / 9 times as many") {
  Network net = loadShipped("tiny-chain"); // conv0: 8 filters, 3 input channels, 3x3
  const int64_t directBytes = layerWeightBytes(net, 1);
  CHECK(directBytes == 4 * (8 * 3 * 9 + 8));
  const WeightBlob direct = packWeights(net);
  net.layers[1].conv().primitive = ConvPrimitive::Winograd4;
  CHECK(layerWeightBytes(net, 1) == 4 * (8 * 3 * 36 + 8));
  const WeightBlob winograd = packWeights(net);
  // Position 0 of F(4x4) is G[0] g G[0]^T / 16 with G[0] = (1, 0, 0): the
  // kernel's corner tap over 16.
  const float corner = direct.data[size_t(direct.layers[1].weightOffset)];
  CHECK(winograd.data[size_t(winograd.layers[1].weightOffset)] == corner / 16.0f);
  CHECK(winograd.bytes() > direct.bytes());
}

TEST_CASE("im2row: the direct kernel's weights and regions, a workspace per call, its features") {
  Network net = loadShipped("yolov2-16", 96);
  const int conv0 = 1; // 32x96x96 from 3x96x96, 3x3, padding 1
  net.layers[size_t(conv0)].conv().primitive = ConvPrimitive::Im2row;
  const OpSite site(net, conv0);
  const MapRegion rows{5, 7, 0, 96};
  CHECK(computedRegion(site, rows).y0 == 5);
  CHECK(computedRegion(site, rows).y1 == 7);
  CHECK(inputNeed(net, conv0, 0, rows).region.y0 == 4);
  CHECK(inputNeed(net, conv0, 0, rows).region.y1 == 8);
  CHECK(primitiveExtraWeightFloats(site) == 0);
  // 192 pixels fit in one chunk (of kIm2rowChunkBytes / (27 x 4) pixels):
  // 192 rows of 27 floats.
  CHECK(workspaceBytes(site, rows) == 4 * 192 * 27);
  const int chunk = im2rowChunkPixels(site);
  CHECK(chunk > 192);
  const MapRegion whole{0, 96, 0, 96};
  CHECK(workspaceBytes(site, whole) == 4 * int64_t(chunk) * 27);

  const OperationFeatures f = kernelFeatures(net, conv0, rows);
  CHECK(f.kind == KernelClass::Im2row);
  CHECK(f.pixels == doctest::Approx(192.0 * 27));    // floats copied
  CHECK(f.work == doctest::Approx(192.0 * 27 * 32)); // padding taps included
  CHECK(f.rows == doctest::Approx(27.0 * 32));       // one chunk streams the weights once
  const int64_t chunks = (96 * 96 + chunk - 1) / chunk;
  CHECK(kernelFeatures(net, conv0, whole).rows == doctest::Approx(double(chunks) * 27 * 32));

  // Depthwise convolutions keep their own kernel.
  Network mobile = loadShipped("mobilenet-v2", 64);
  int depthwise = -1;
  for (int layer = 1; layer < int(mobile.layers.size()) && depthwise < 0; ++layer)
    if (mobile.layers[size_t(layer)].op == OpKind::Conv2d &&
        kernelClassOf(mobile, layer) == KernelClass::Depthwise)
      depthwise = layer;
  REQUIRE(depthwise > 0);
  CHECK_FALSE(primitiveApplies(OpSite(mobile, depthwise), ConvPrimitive::Im2row));
  CHECK(parseError("; im2row: " + std::to_string(depthwise - 1), mobile) != "");

  // The schedule text names it; the plan gives it a workspace and the call passes its chunk.
  Network planNet = loadShipped("yolov2-16", 96);
  const ExecutionPlan plan = planned(planNet, "0-3:stream2; im2row: 0, 2");
  CHECK(plan.storage[1].workspaceBytes > 0);
  CHECK(plan.storage[3].workspaceBytes > 0);
  CHECK(plan.storage[2].workspaceBytes == 0); // the maxpool
  const std::string code = generatedCode(planNet, plan);
  CHECK(code.find("tessel::conv2dIm2row<tessel::Act::Leaky>(") != std::string::npos);
  CHECK(code.find(", s1, " + std::to_string(chunk) + ");") != std::string::npos);
}

TEST_CASE("weights larger than the cache come from memory on every pass over them") {
  Network net = loadShipped("yolov2-16", 96);
  // conv2: 32 -> 64 on 48x48. conv2d streams its weights once per band of
  // rows whose input fits kConvBandInputBytes (128 KiB): 48 columns x 32
  // channels x 4 bytes = 6 KiB a row, 21 rows a band, 3 bands for the map.
  const int conv2 = 3;
  const MapRegion whole{0, 48, 0, 48};
  CHECK(weightPasses(OpSite(net, conv2), whole) == 3);
  CHECK(weightPasses(OpSite(net, conv2), MapRegion{0, 5, 0, 48}) == 1);
  CHECK(primitiveWeightFloats(OpSite(net, conv2)) == 9 * 32 * 64);
  // Winograd: once per chunk of 32 tiles (576 tiles of 2x2: 18 chunks).
  net.layers[size_t(conv2)].conv().primitive = ConvPrimitive::Winograd2;
  CHECK(weightPasses(OpSite(net, conv2), whole) == 18);
  CHECK(primitiveWeightFloats(OpSite(net, conv2)) == 16 * 32 * 64);

  // The latency model pays for every pass when the weights outgrow the
  // cache, for none when they fit.
  const OperationFeatures f = kernelFeatures(net, conv2, whole);
  CHECK(f.weightBytes == doctest::Approx(4.0 * 16 * 32 * 64));
  CHECK(f.weightPasses == doctest::Approx(18.0));
  LatencyProfile small;
  small.cacheBytes = 64 * 1024; // below the 128 KiB of weights
  LatencyProfile large;
  large.cacheBytes = 64 << 20; // holds the weights and the footprint
  CHECK(spilledBytes(f, large) == doctest::Approx(0.0));
  CHECK(spilledBytes(f, small) >= 18 * f.weightBytes);
}

// The schedule contract on the shipped networks: every valid schedule's
// generated code gives output bit-identical to the `layers` schedule and
// touches nothing outside its planned arena (schedule_variants.h says how
// this is checked). Each TEST_CASE is one superbuild; large networks run at
// reduced input sizes chosen so that grids up to 6x6 fit their groups.
//
// Schedule layer numbers are `tessel info`'s row numbers minus one (the
// input is not counted): "0-7" is info rows 1 to 8.
#include "e2e_support.h"
#include "schedule_variants.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

namespace {

// Builds and runs the batch in a fresh work folder named `name`; every
// schedule must pass.
void expectBitIdentical(const std::string &name, const std::vector<e2e::NetworkVariants> &batch,
                        const e2e::VariantsBuildOptions &options = {}) {
  const e2e::VariantsResult result =
      e2e::runScheduleVariants(e2e::freshWorkDir(name), batch, options);
  size_t schedules = 0;
  for (const e2e::NetworkVariants &net : batch)
    schedules += net.schedules.size();
  MESSAGE(name << ": " << result.timings);
  INFO(result.describeFailures(batch));
  INFO("driver output:\n" << result.log);
  CHECK(result.allPassed());
  CHECK(size_t(result.passed) == schedules);
}

e2e::NetworkVariants shipped(const std::string &file, const std::string &inputSize,
                             std::vector<std::string> schedules) {
  const std::string label =
      file.substr(0, file.rfind('.')) + (inputSize.empty() ? "" : "@" + inputSize);
  return {label, e2e::networkPath(file), inputSize, std::move(schedules)};
}

// `tessel compile NETWORK --schedule SCHEDULE` must fail as a usage error
// (exit code 2) with a message containing `expected`, and write nothing.
void expectRejected(const std::string &network, const std::string &inputSize,
                    const std::string &schedule, const std::string &expected) {
  const std::string work = e2e::freshWorkDir("schedules-rejected");
  const std::string sizeArg = inputSize.empty() ? "" : " --input-size " + inputSize;
  e2e::CommandResult result = e2e::runCommand(
      std::string(TESSEL_EXECUTABLE) + " compile " + e2e::quote(e2e::networkPath(network)) +
      sizeArg + " --schedule " + e2e::quote(schedule) + " -o " + e2e::quote(work + "/out"));
  INFO(network << " --schedule '" << schedule << "':\n" << result.output);
  CHECK(result.exitCode == 2);
  CHECK(result.output.find(expected) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(work + "/out"));
}

// Applies `edit` to the text of the file at `path`.
void editFile(const std::string &path, const std::function<void(std::string &)> &edit) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE_MESSAGE(!text.empty(), "cannot read " << path);
  edit(text);
  std::ofstream(path, std::ios::binary) << text;
}

} // namespace

// The checker itself: generated code broken on purpose must fail, each for
// its own reason, while an intact variant next to it passes.
TEST_CASE("the schedule checker catches out-of-arena writes, wrong values and skipped work") {
  e2e::VariantsBuildOptions options;
  options.optimization = "-O1";
  options.beforeBuild = [](const std::string &work) {
    // Declare 256 bytes less than the code uses: the top of the arena spills
    // into the guard zone.
    editFile(work + "/n0_v1/n0_v1.h", [](std::string &text) {
      const std::string macro = "N0_V1_ARENA_BYTES ";
      const size_t at = text.find(macro) + macro.size();
      const size_t end = text.find('u', at);
      text.replace(at, end - at, std::to_string(std::stol(text.substr(at, end - at)) - 256));
    });
    // Read conv0's bias one float off: different values.
    editFile(work + "/n0_v2/n0_v2.cpp", [](std::string &text) {
      const size_t at = text.find("w + 224,");
      REQUIRE(at != std::string::npos);
      text.replace(at, 8, "w + 225,");
    });
    // Skip the first stripe's pool1: conv2 then reads rows nobody wrote.
    editFile(work + "/n0_v3/n0_v3.cpp", [](std::string &text) {
      const size_t at = text.find("  // pool1:");
      REQUIRE(at != std::string::npos);
      text.erase(at, text.find("\n\n", at) + 2 - at);
    });
  };
  const std::vector<e2e::NetworkVariants> batch = {
      shipped("tiny-chain.yaml", "", {"0-7:stream1", "0-7:stream1", "0-7:stream1", "0-7:stream2"})};
  const e2e::VariantsResult result =
      e2e::runScheduleVariants(e2e::freshWorkDir("schedules-checker"), batch, options);
  INFO(result.describeFailures(batch) << "driver output:\n" << result.log);
  CHECK(result.batchError.empty());
  CHECK(result.passed == 1);
  REQUIRE(result.failures.size() == 3);
  const char *expected[] = {"after the end of the arena", "output differs from layers",
                            "depends on bytes it should not read"};
  for (int i = 0; i < 3; ++i) {
    CHECK(result.failures[size_t(i)].schedule == i);
    CHECK(result.failures[size_t(i)].message.find(expected[i]) != std::string::npos);
  }
}

// The small test networks: every op and padding rule the shipped networks
// use, and the chain segments between the residual network's branches. One
// superbuild per network, so each test stays short on a busy machine.
TEST_CASE("tiny-chain: every schedule matches layers bit for bit") {
  // Outputs: 0-1 23x23, 2 11x11, 3-4 6x6, 5 3x3, 6-7 2x2.
  expectBitIdentical("schedules-tiny-chain",
                     {shipped("tiny-chain.yaml", "",
                              {"0-7:tile1x1", "0-7:tile2x2", "0-3:tile3x3, 4-7:tile2x1",
                               "0-3:tile4x4, 4-7:stream1", "0-3:tile5x5",
                               "0-3:tile6x6, 4-5:tile3x3", "0-7:stream1", "0-7:stream2",
                               "0-2:stream8, 3-7:tile2x2", "0-3:tile2x3, 4-5:stream2, 6-7:tile1x2",
                               "0:stream1, 1:tile4x5, 2:stream3, 3-5:tile3x2, 6-7:layers"})});
}

TEST_CASE("tiny-depthwise: every schedule matches layers bit for bit") {
  // Outputs: 0-2 20x20, 3 10x10, 4-7 5x5.
  expectBitIdentical("schedules-tiny-depthwise",
                     {shipped("tiny-depthwise.yaml", "",
                              {"0-7:tile1x1", "0-7:tile2x2", "0-7:tile5x5", "0-7:stream1",
                               "0-7:stream2", "0-2:stream8, 3-7:tile3x3",
                               "0-3:tile6x6, 4-7:stream5", "0-1:tile4x4, 2-7:tile2x3"})});
}

TEST_CASE("tiny-standalone: every schedule matches layers bit for bit") {
  // Outputs: 0 19x19, 1-4 9x9, 5-6 7x7, 7-10 4x4; 11-12 are fc, softmax.
  expectBitIdentical(
      "schedules-tiny-standalone",
      {shipped("tiny-standalone.yaml", "",
               {"0-10:tile1x1", "0-10:tile4x4", "0-10:stream1", "0-10:stream2",
                "0-4:tile6x6, 5-10:stream4", "0:stream8, 1-6:tile3x3, 7-10:tile2x2"})});
}

TEST_CASE("tiny-residual: every schedule matches layers bit for bit") {
  // Chains between branches: 8-9 (conv8, pool9) and 7-9 (starting at the
  // concat cat7); the others are single layers, including adds and a concat
  // that read several layers (a tile reads its window of each).
  expectBitIdentical(
      "schedules-tiny-residual",
      {shipped("tiny-residual.yaml", "",
               {"0:tile3x3, 1:stream4, 2:tile2x5, 4:tile4x4, 5:stream1, 8-9:tile2x2, 10:tile4x4",
                "3:stream3, 6:stream1, 7-9:stream1, 11:stream4", "8-9:tile4x4, 10:stream1",
                "3:tile2x2, 6:tile4x4, 7-9:tile2x2, 11:tile1x1"})});
}

TEST_CASE("tiny-residual: groups spanning branches match layers bit for bit") {
  // Layer 0 is read by conv1 and conv4 (a fork), 3 (add3) and 6 (add6)
  // are residual adds, cat7 concatenates 1, 3 and 6, and add11 adds conv10
  // to pool9. Groups whose inner results are read only inside: the whole
  // network, 0-7 (ends at the concat), 1-11 (reads conv0 whole), 4-7, 8-11.
  expectBitIdentical("schedules-tiny-residual-branches",
                     {shipped("tiny-residual.yaml", "",
                              {"0-11:stream1", "0-11:tile2x2", "0-7:stream2, 8-11:tile2x2",
                               "0-11:stream1x2", "1-11:tile2x3", "4-7:tile3x3, 8-11:stream1",
                               "0-7:tile4x1, 8-11:stream2", "0-11:stream3"})});
}

TEST_CASE("tiny-branches: tile groups running branches out of layer order match layers bit for "
          "bit") {
  // The stem feeds three branches joined by a concat (6), then a
  // downsampling residual block (7-10). Tile groups over the branches run
  // the narrow one first (chooseMemberOrder), the others in any order.
  expectBitIdentical("schedules-tiny-branches",
                     {shipped("tiny-branches.yaml", "",
                              {"0-6:tile2x2, 7-11:layers", "0-10:tile2x2, 11:layers",
                               "0-11:tile3x3", "0-6:tile4x1, 7-11:tile2x2", "1-6:tile1x2",
                               "0-11:stream1", "0-6:stream2, 7-10:tile2x1"})});
}

TEST_CASE("tiny-upsample: every schedule matches layers bit for bit") {
  // Outputs: 0 16x16, 1-2 8x8, 3 16x16 (up3 = 2x2 upsample), 4 16x16 (concat),
  // 5 8x16, 6 16x16 (up6 = [2, 1] upsample), 7 16x16. Upsamples inside tiled
  // and streamed groups, at their ends and in the middle.
  expectBitIdentical(
      "schedules-tiny-upsample",
      {shipped("tiny-upsample.yaml", "",
               {"1-3:tile2x2, 5-7:stream1", "1-3:stream2, 5-7:tile3x3",
                "0:tile2x2, 1-3:tile4x4, 4:stream4, 5-7:stream3",
                "1-2:tile2x2, 3:stream5, 5-6:tile2x1, 7:stream2", "1-3:tile1x1, 5-7:tile1x1"})});
}

TEST_CASE("tiny-reorg: schedules around a reorg match layers bit for bit") {
  // Outputs: 0 16x16 (read by pool1 and the reorg, so it ends a group), 1-2
  // 8x8, 3 the reorg (8x8, needs all of conv0: it stays whole), 4-5 8x8.
  // Tiled and streamed groups feed it and read it.
  expectBitIdentical(
      "schedules-tiny-reorg",
      {shipped("tiny-reorg.yaml", "",
               {"0:tile2x2, 1-2:tile2x2, 4-5:tile2x2", "0:stream4, 1-2:tile2x2, 4-5:stream1",
                "0:tile3x3, 1-2:stream2, 4:tile1x1, 5:stream3"})});
}

// yolov2-16's outputs: 0-3 48x48 then 24x24, 4-7 24x24 then 12x12, 8-15
// 12x12 then 6x6. Two superbuilds, so each test stays short.
TEST_CASE("yolov2-16 at 96x96: tile schedules match layers bit for bit") {
  expectBitIdentical("schedules-yolov2-16-tiles",
                     {shipped("yolov2-16.yaml", "96x96",
                              {"0-15:tile1x1", "0-15:tile2x2", "0-15:tile3x3", "0-15:tile4x4",
                               "0-15:tile5x5", "0-15:tile6x6"})});
}

TEST_CASE("yolov2-16 at 96x96: stream and mixed schedules match layers bit for bit") {
  expectBitIdentical("schedules-yolov2-16-streams",
                     {shipped("yolov2-16.yaml", "96x96",
                              {"0-15:stream1", "0-15:stream2", "0-7:stream8, 8-15:tile6x6",
                               "0-3:tile2x3, 4-9:stream2, 10-15:tile3x1"})});
}

TEST_CASE(
    "yolov2-tiny at 64x64, built for this CPU: tile and stream schedules match layers bit for "
    "bit") {
  // Outputs: 0-7 4x4 (pool7), 8-14 2x2, including the stride-1 pool11 padded
  // at the bottom and right only. Built with -march=native, so on an AVX-512
  // machine this checks the 512-bit kernels' tails and blocks per schedule.
  e2e::VariantsBuildOptions options;
  options.nativeCpu = true;
  expectBitIdentical("schedules-yolov2-tiny",
                     {shipped("yolov2-tiny.yaml", "64x64",
                              {"0-14:tile2x2", "0-14:stream1", "0-7:tile4x4, 8-14:stream2",
                               "0-3:stream8, 4-9:tile2x1, 10-14:tile1x2"})},
                     options);
}

TEST_CASE("vgg16 at 32x32: schedules of the convolutional part match layers bit for bit") {
  // 0-17 are the convolutions and pools (pool5 is 1x1); 18-21 are fully
  // connected and softmax, which stay in a layers group.
  expectBitIdentical(
      "schedules-vgg16",
      {shipped("vgg16.yaml", "32x32",
               {"0-9:tile4x4, 10-17:stream1",
                "0-2:stream5, 3-5:tile3x3, 6-9:stream2, 10-13:tile2x2, 14-17:tile1x1",
                "0-17:stream1"})});
}

TEST_CASE("resnet18 at 64x64: schedules of the chain segments match layers bit for bit") {
  // Chains: 0-1 (conv1, pool1), each block's two convolutions (2-3, 5-6,
  // 8-9, ...), and single layers: the adds (4, 7, 11, ...) and the
  // downsampling convolutions (10, 17, 24).
  expectBitIdentical(
      "schedules-resnet18",
      {shipped("resnet18.yaml", "64x64",
               {"0-1:tile4x4, 2-3:stream2, 4:stream2, 5-6:tile3x3, 7:stream1, 8-9:tile2x3, "
                "10:stream3, 11:stream1",
                "0-1:stream3, 2-3:tile5x5, 5-6:stream16, 8-9:stream1, 12-13:tile2x2, "
                "15-16:tile4x4, 19-20:stream2, 22-23:tile2x2, 26-27:stream1",
                "0-1:tile6x6, 2-3:tile6x6, 4:stream16, 5-6:stream1, 7:stream8, 14:stream1, "
                "17:tile4x4, 18:stream4, 28:stream2",
                "4:tile2x2, 7:tile6x6, 11:tile3x3, 18:tile4x4, 25:tile1x2"})});
}

TEST_CASE("mobilenet-v2 at 64x64: schedules of the chain segments match layers bit for bit") {
  // Chains: 0-5 (conv0 to b2.project), each block's expand, depthwise and
  // project (6-8, 10-12, ...), the adds alone (9, 16, ...), and 57-61 which
  // starts at the add b16.add and ends at conv18.
  expectBitIdentical(
      "schedules-mobilenet-v2",
      {shipped("mobilenet-v2.yaml", "64x64",
               {"0-5:tile4x4, 6-8:stream2, 9:stream5, 10-12:tile3x3, 13-15:stream1",
                "0-5:stream3, 6-8:tile5x5, 10-12:stream8, 21-23:tile2x2, 57-61:stream2",
                "0-5:tile6x6, 6-8:tile1x1, 13-15:tile2x3, 24-26:stream1, 57-61:stream1",
                "9:tile2x2, 16:tile3x3, 57-61:tile2x2"})});
}

TEST_CASE("resnet18 and mobilenet-v2 at 64x64: groups spanning residual blocks match layers "
          "bit for bit") {
  // resnet18: 0-4 ends at the first add (pool1, read by the block and the
  // add, inside); 5-11 spans a block and the downsampling block (add 7 is
  // read by 8 and 10 inside); 12-28 reads add 11 whole. mobilenet-v2: 0-61
  // is every spatial layer, residual adds included; 6-9 and 13-20 are
  // inverted-residual blocks with their adds.
  expectBitIdentical(
      "schedules-residual-branches",
      {shipped("resnet18.yaml", "64x64",
               {"0-28:stream1", "0-4:tile2x2, 5-11:stream1, 12-28:tile2x1",
                "1-14:stream2, 15-21:tile2x2, 22-28:stream1"}),
       shipped("mobilenet-v2.yaml", "64x64",
               {"0-61:stream1", "0-5:tile2x2, 6-9:stream2, 10-12:tile2x2, 13-20:stream1",
                "0-61:stream2", "0-20:tile2x2, 21-61:stream1"})});
}

// Channel splits. mobilenet-v2: 0-2 (conv0, b1.dw, b1.project: 32
// channels), 3-5 and 6-8 (expand, depthwise, project: 96 and 144
// channels), 10-12 (a strided depthwise), 58-60 (b17, 960 channels).
// mobilenet-v1: pointwise, depthwise, pointwise (2-4, 6-8, 8-10, 12-14,
// 20-22). Slices are whole units of 16 channels: b1 in 32 slices makes 2,
// b3 in 144 makes 9; uneven counts of units (5, 7), whole and in tiles,
// beside tile and stream groups. (mcunet-in4's 120-channel runs, below,
// end in slices of 24 and 8 channels.)
TEST_CASE("mobilenet-v2 at 64x64: channel splits match layers bit for bit") {
  expectBitIdentical(
      "schedules-channel-splits-v2",
      {shipped("mobilenet-v2.yaml", "64x64",
               {"0-2:channels2, 3-5:channels4, 6-8:channels3, 10-12:tile2x2+channels5",
                "0-2:tile3x3+channels32, 3-5:tile2x1+channels7, 6-8:stream2, 9:layers, "
                "10-12:channels6, 58-60:channels5",
                "0-2:stream1, 3-5:tile4x4+channels2, 6-8:tile1x3+channels144"})});
}

TEST_CASE("mobilenet-v1 at 64x64: channel splits match layers bit for bit") {
  expectBitIdentical(
      "schedules-channel-splits-v1",
      {shipped("mobilenet-v1.yaml", "64x64",
               {"2-4:channels3, 6-8:tile2x2+channels4, 12-14:channels5",
                "0-1:stream2, 2-4:tile3x3+channels2, 8-10:channels7, 20-22:tile2x2+channels3"})});
}

// mcunet-in4: groups over its residual blocks (adds 9, 13, 20, 24, 31, 35,
// 42, 46, 53, 57) and channel splits through depthwise kernels of 3, 5 and
// 7 (runs 0-2, 3-5, 6-8, 10-12, 14-16, ...), whole, in tiles, and beside
// streams spanning blocks.
TEST_CASE("mcunet-in4 at 64x64: groups spanning branches and channel splits match layers bit "
          "for bit") {
  expectBitIdentical(
      "schedules-mcunet-in4-branches",
      {shipped("mcunet-in4.yaml", "64x64",
               {"0-60:stream1", "0-13:tile2x2+channels4, 14-24:stream1, 25-60:tile2x2",
                "0-5:channels3, 6-9:tile2x2+channels5, 10-13:stream2, 14-20:tile3x3+channels4, "
                "21-24:channels8, 25-35:stream1, 36-60:tile2x1+channels2",
                "0-9:stream2, 10-24:tile4x4+channels6, 25-46:channels7, 47-60:stream1"})});
}

TEST_CASE("mobilenet-v1 at 64x64: schedules of the chain segments match layers bit for bit") {
  // One chain: 0-26 (conv0 to b13.pw), with outputs of 32x32 in 0-2, 16x16
  // in 3-6, 8x8 in 7-10, 4x4 in 11-22 and 2x2 in 23-26. The pool, fc and
  // softmax (27-29) stay in a layers group.
  expectBitIdentical("schedules-mobilenet-v1",
                     {shipped("mobilenet-v1.yaml", "64x64",
                              {"0-6:tile4x4, 7-10:stream2, 11-22:tile2x2, 23-26:stream1",
                               "0-2:stream3, 3-10:tile6x6, 11-16:stream1, 17-22:tile3x3",
                               "0-26:stream1", "0-10:tile2x3, 11-26:tile1x1"})});
}

TEST_CASE("mcunet-in4 at 64x64: schedules of the chain segments match layers bit for bit") {
  // Chains: 0-5 (conv0 to b2.project), each block's expand, depthwise and
  // project (6-8, 10-12, ...), the adds alone (9, 13, 20, 24, ...), and an
  // add with the next block when that block has no add (13-16, 24-27, 35-38,
  // 46-49, 57-60). Depthwise kernels of 3, 5 and 7; outputs of 32x32 in
  // 0-3, 16x16 in 4-14, 8x8 in 15-25, 4x4 in 26-47 and 2x2 in 48-60.
  expectBitIdentical(
      "schedules-mcunet-in4",
      {shipped("mcunet-in4.yaml", "64x64",
               {"0-5:tile4x4, 6-8:stream2, 9:stream3, 13-16:stream1, 21-23:tile2x2",
                "0-5:stream3, 10-12:tile3x3, 17-19:tile4x4, 24-27:stream1, 39-41:tile2x2",
                "0-5:tile6x6, 20:tile2x2, 35-38:stream2, 46-49:tile2x2, 57-60:stream1",
                "9:tile2x2, 13:tile4x4, 28-30:tile4x4, 54-56:stream1"})});
}

// Several threads: each large kernel call's region split in one band per
// thread, rows or (when a tile has few rows) columns. Every element is
// computed the same way in any band, so the output must equal one thread's
// byte for byte; 3 threads split most regions unevenly.
// The batch's networks on `threads` threads (the `layers` references stay
// on one), labelled so.
static std::vector<e2e::NetworkVariants> onThreads(std::vector<e2e::NetworkVariants> batch,
                                                   int threads) {
  for (e2e::NetworkVariants &net : batch) {
    net.label += ", " + std::to_string(threads) + (threads == 1 ? " thread" : " threads");
    net.threads = threads;
  }
  return batch;
}

// The generated C++ of the batch's network from `file`, variant k (0 is the
// `layers` reference, k the schedule k - 1), in the batch's work folder,
// where runScheduleVariants names it n<network>_v<k>. Fails the test when
// the batch has no such network: a check that reads it must not pass on an
// empty text.
static std::string generatedCode(const std::string &work,
                                 const std::vector<e2e::NetworkVariants> &batch,
                                 const std::string &file, int k) {
  for (size_t n = 0; n < batch.size(); ++n)
    if (batch[n].network == e2e::networkPath(file)) {
      const std::string id = "n" + std::to_string(n) + "_v" + std::to_string(k);
      const std::string code = e2e::readText(work + "/" + id + "/" + id + ".cpp");
      REQUIRE_MESSAGE(!code.empty(), "cannot read the generated code of " << id);
      return code;
    }
  FAIL("no " << file << " in the batch");
  return {};
}

// The batch in two shards, each one superbuild and its own test, so that
// neither runs long on a busy machine (the whole batch took 4-5 minutes under
// load). The shards split the networks about evenly by build time; the check
// of the generated code reads yolov2-16, in shard 0.
static void expectThreadsMatchOne(int threads, int shard) {
  const std::vector<e2e::NetworkVariants> shards[2] = {
      {shipped("yolov2-16.yaml", "96x96",
               {"0-15:layers", "0-15:tile3x3", "0-7:stream2, 8-15:tile2x1"}),
       shipped("tiny-residual.yaml", "", {"0-11:layers", "8-9:tile2x2, 10:stream1"})},
      {shipped("tiny-chain.yaml", "", {"0-7:layers", "0-7:tile2x2", "0-7:stream2"}),
       shipped("tiny-depthwise.yaml", "", {"0-7:layers", "0-3:tile2x3, 4-7:stream1"}),
       shipped("mobilenet-v2.yaml", "64x64", {"0-5:tile2x2, 6-8:stream1"}),
       shipped("tiny-branches.yaml", "", {"0-11:layers", "0-6:tile2x2, 7-11:layers"})}};
  const std::vector<e2e::NetworkVariants> batch = onThreads(shards[shard], threads);
  e2e::VariantsBuildOptions options;
  options.oneUnitPerNetwork = true;
  if (shard == 0)
    options.beforeBuild = [&batch, threads](const std::string &work) {
      // The comparison means something only if work is spread: yolov2-16
      // runs its tiled variant in parts and, on 3 threads, splits calls of
      // its layers variant.
      const std::string pool = "tessel::ThreadPool<" + std::to_string(threads) + ">::parallelFor(";
      CHECK(generatedCode(work, batch, "yolov2-16.yaml", threads == 2 ? 2 : 1)
                .find(pool + std::to_string(threads) + ", ") != std::string::npos);
      CHECK(generatedCode(work, batch, "yolov2-16.yaml", 0).find("parallelFor") ==
            std::string::npos); // the reference
    };
  expectBitIdentical("schedules-threads-" + std::to_string(threads) + "-shard-" +
                         std::to_string(shard),
                     batch, options);
}

TEST_CASE("2 threads match one thread bit for bit: shard 0 of 2") {
  expectThreadsMatchOne(2, 0);
}
TEST_CASE("2 threads match one thread bit for bit: shard 1 of 2") {
  expectThreadsMatchOne(2, 1);
}
TEST_CASE("3 threads match one thread bit for bit: shard 0 of 2") {
  expectThreadsMatchOne(3, 0);
}
TEST_CASE("3 threads match one thread bit for bit: shard 1 of 2") {
  expectThreadsMatchOne(3, 1);
}

// Winograd convolutions compute whole tiles on a grid fixed in map
// coordinates, reading wider windows than direct ones: tiles, stripes and
// thread parts that cut the grid anywhere must still give `layers`' output
// (with the same primitives) byte for byte, and stay inside the arena with
// their workspaces. yolov2-16's odd stripe heights and grids cut the 4x4 and
// 2x2 tiles in every way; tiny-chain's conv0 has an odd map (23x23, partial
// last tiles) and asymmetric padding after it.
static e2e::NetworkVariants withPrimitives(e2e::NetworkVariants net, const std::string &clause) {
  net.label += " (" + clause + ")";
  net.primitives = clause;
  return net;
}

TEST_CASE("Winograd convolutions: every schedule matches layers with the same primitives") {
  const std::string mixed = "winograd4: 0, 4, 8, 12; winograd2: 2, 6, 10, 14";
  expectBitIdentical(
      "schedules-winograd",
      {withPrimitives(
           shipped("yolov2-16.yaml", "96x96",
                   {"0-15:stream1", "0-15:stream3", "0-15:tile3x3", "0-15:tile5x2",
                    "0-7:stream2, 8-15:tile2x2", "0-3:tile2x3, 4-9:stream2, 10-15:tile3x1"}),
           mixed),
       withPrimitives(shipped("tiny-chain.yaml", "",
                              {"0-7:stream1", "0-5:tile3x3", "0-3:tile5x5", "0-1:stream3"}),
                      "winograd4: 0"),
       withPrimitives(shipped("tiny-chain.yaml", "", {"0-7:stream2", "0-3:tile2x3"}),
                      "winograd2: 0")});
}

// im2row computes exactly its region from a workspace of receptive fields:
// every schedule, with im2row on every convolution (resnet18: a 7x7 stride-2
// first layer, strided 3x3 and 1x1 shortcuts) or mixed with Winograd, gives
// `layers`' output byte for byte with the same primitives.
TEST_CASE("im2row convolutions: every schedule matches layers with the same primitives") {
  expectBitIdentical(
      "schedules-im2row",
      {withPrimitives(shipped("yolov2-16.yaml", "96x96",
                              {"0-15:stream1", "0-15:tile3x3", "0-7:stream2, 8-15:tile2x2"}),
                      "im2row: all; winograd4: 2, 6; winograd2: 10, 14"),
       withPrimitives(shipped("resnet18.yaml", "64x64",
                              {"0-1:tile4x4, 2-3:stream2, 5-6:tile3x3, 8-9:tile2x3, 10:stream3",
                               "0-1:stream3, 2-3:tile5x5, 12-13:tile2x2, 17:tile4x4"}),
                      "im2row: all")});
}

TEST_CASE("Winograd convolutions on 2 threads, in parts and split, match layers bit for bit") {
  const std::string mixed = "winograd4: 0, 4, 8, 12; winograd2: 2, 6, 10, 14";
  e2e::VariantsBuildOptions options;
  options.oneUnitPerNetwork = true;
  expectBitIdentical(
      "schedules-winograd-threads",
      onThreads(
          {withPrimitives(shipped("yolov2-16.yaml", "96x96",
                                  {"0-15:layers", "0-15:tile3x3", "0-15:tile2x2/split",
                                   "0-7:stream2, 8-15:tile2x1"}),
                          mixed),
           withPrimitives(shipped("tiny-chain.yaml", "", {"0:tile2x2", "0-7:tile2x2"}),
                          "winograd4: 0"),
           withPrimitives(shipped("tiny-chain.yaml", "", {"0-3:tile2x2", "0-3:tile3x1/split"}),
                          "im2row: all")},
          2),
      options);
}

// Tile and stream groups in parts (whole tiles, or a column band of a
// stream, per thread, each thread with its own tile buffers or row windows)
// and `/split` (the tiles or stripes in turn, large calls split in bands),
// on 1, 2 and 3 threads: every output element is computed by the same
// operations in the same order, so the output must equal `layers` on one
// thread byte for byte. In two shards as above; the check of the generated
// code reads tiny-chain, in shard 0.
static void expectPartsMatchLayers(int threads, int shard) {
  const std::vector<e2e::NetworkVariants> shards[2] = {
      {shipped("tiny-chain.yaml", "",
               {"0-7:tile2x2", "0-7:tile2x2/split", "0-3:tile3x3, 4-7:stream1", "0-7:stream2",
                "0-7:stream1/split", "0-2:stream8, 3-7:tile2x1/split"}),
       shipped("tiny-depthwise.yaml", "",
               {"0-7:tile5x5", "0-7:stream2", "0-2:stream8/split, 3-7:tile3x3"}),
       shipped("tiny-upsample.yaml", "", {"1-3:tile2x2, 5-7:stream1", "1-3:stream2, 5-7:tile3x3"})},
      {shipped("tiny-residual.yaml", "", {"8-9:tile2x2, 10:stream1", "7-9:stream2, 11:stream3"}),
       shipped("tiny-standalone.yaml", "", {"0-4:tile6x6, 5-10:stream4"})}};
  const std::vector<e2e::NetworkVariants> batch = onThreads(shards[shard], threads);
  e2e::VariantsBuildOptions options;
  options.oneUnitPerNetwork = true;
  if (shard == 0)
    options.beforeBuild = [&batch, threads](const std::string &work) {
      // One fork and join for the whole tiled group (0-7:tile2x2), none for
      // the reference.
      const std::string code = generatedCode(work, batch, "tiny-chain.yaml", 1);
      size_t forks = 0;
      for (size_t at = code.find("parallelFor("); at != std::string::npos;
           at = code.find("parallelFor(", at + 1))
        ++forks;
      CHECK(forks == (threads > 1 ? 1u : 0u));
    };
  expectBitIdentical("schedules-parts-" + std::to_string(threads) + "-shard-" +
                         std::to_string(shard),
                     batch, options);
}

TEST_CASE("groups in parts and /split on 1 thread match layers bit for bit: shard 0 of 2") {
  expectPartsMatchLayers(1, 0);
}
TEST_CASE("groups in parts and /split on 1 thread match layers bit for bit: shard 1 of 2") {
  expectPartsMatchLayers(1, 1);
}
TEST_CASE("groups in parts and /split on 2 threads match layers bit for bit: shard 0 of 2") {
  expectPartsMatchLayers(2, 0);
}
TEST_CASE("groups in parts and /split on 2 threads match layers bit for bit: shard 1 of 2") {
  expectPartsMatchLayers(2, 1);
}
TEST_CASE("groups in parts and /split on 3 threads match layers bit for bit: shard 0 of 2") {
  expectPartsMatchLayers(3, 0);
}
TEST_CASE("groups in parts and /split on 3 threads match layers bit for bit: shard 1 of 2") {
  expectPartsMatchLayers(3, 1);
}

// ThreadSanitizer reports two threads touching the same bytes without an
// order between them; the driver stops at the first report.
static e2e::VariantsResult runUnderThreadSanitizer(const std::string &name,
                                                   const std::vector<e2e::NetworkVariants> &batch,
                                                   const e2e::VariantsBuildOptions &base = {}) {
  e2e::VariantsBuildOptions options = base;
  options.optimization = "-O1";
  // Parts fixed to threads, so that parts of different threads always run on
  // different threads (the pool otherwise lets a free thread take any part).
  options.extraFlags = "-fsanitize=thread -DTESSEL_THREAD_POOL_FIXED_PARTS";
  setenv("TSAN_OPTIONS", "halt_on_error=1", 1);
  return e2e::runScheduleVariants(e2e::freshWorkDir(name), batch, options);
}

TEST_CASE("groups in parts run without data races under ThreadSanitizer") {
  std::vector<e2e::NetworkVariants> batch = onThreads(
      {shipped("tiny-chain.yaml", "", {"0-7:tile2x2", "0-3:stream2, 4-7:tile2x1", "0-7:layers"})},
      2);
  for (const e2e::NetworkVariants &net : onThreads(
           {shipped("tiny-depthwise.yaml", "", {"0-7:tile5x5", "0-3:stream3, 4-7:tile2x3"})}, 3))
    batch.push_back(net);
  const e2e::VariantsResult result = runUnderThreadSanitizer("schedules-tsan", batch);
  INFO(result.describeFailures(batch) << "driver output:\n" << result.log);
  CHECK(result.allPassed());
  CHECK(result.passed == 5);
}

// The check above means something: code whose second thread uses the first
// thread's tile buffer for conv0 fails it, while the intact code passes.
TEST_CASE("ThreadSanitizer catches two threads sharing a tile buffer") {
  e2e::VariantsBuildOptions options;
  options.beforeBuild = [](const std::string &work) {
    editFile(work + "/n0_v2/n0_v2.cpp", [](std::string &text) {
      auto offsetOf = [&](const std::string &pointer) {
        const std::string declaration = "float *const " + pointer + " = ";
        const size_t at = text.find(declaration);
        REQUIRE(at != std::string::npos);
        return text.substr(at, text.find(';', at) - at);
      };
      const std::string own = offsetOf("t1_1"), shared = offsetOf("t1");
      text.replace(text.find(own), own.size(),
                   "float *const t1_1 = " + shared.substr(shared.find(" = ") + 3));
    });
  };
  const std::vector<e2e::NetworkVariants> batch =
      onThreads({shipped("tiny-chain.yaml", "", {"0-7:tile2x2", "0-7:tile2x2"})}, 2);
  const e2e::VariantsResult result =
      runUnderThreadSanitizer("schedules-tsan-shared", batch, options);
  INFO(result.describeFailures(batch) << "driver output:\n" << result.log);
  CHECK(result.passed == 1);
  REQUIRE(result.failures.size() == 1);
  CHECK(result.failures[0].schedule == 1);
  CHECK(result.failures[0].message.find("ThreadSanitizer: data race") != std::string::npos);
}

// The driver runs every variant once more in a heap arena of exactly the
// planned size, so AddressSanitizer reports any access past it; the input and
// output buffers are exact too. One superbuild per network: sanitized builds
// are the slowest.
static void expectCleanUnderSanitizers(const e2e::NetworkVariants &variants) {
  e2e::VariantsBuildOptions sanitized;
  sanitized.optimization = "-O1";
  sanitized.extraFlags =
      "-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer";
  expectBitIdentical("schedules-asan-" + variants.label, {variants}, sanitized);
}

TEST_CASE("tiny-chain's tiled and streamed code is clean under AddressSanitizer and UBSan") {
  expectCleanUnderSanitizers(
      shipped("tiny-chain.yaml", "",
              {"0-7:tile2x2", "0-3:tile6x6, 4-7:stream1", "0-2:stream8, 3-7:tile2x1"}));
}

TEST_CASE("tiny-depthwise's tiled and streamed code is clean under AddressSanitizer and UBSan") {
  expectCleanUnderSanitizers(
      shipped("tiny-depthwise.yaml", "", {"0-7:tile5x5", "0-3:stream3, 4-7:tile2x3"}));
}

TEST_CASE("tiny-standalone's tiled and streamed code is clean under AddressSanitizer and UBSan") {
  expectCleanUnderSanitizers(
      shipped("tiny-standalone.yaml", "", {"0-10:stream2", "0-4:tile3x2, 5-10:tile4x4"}));
}

TEST_CASE("tiny-residual's tiled and streamed code is clean under AddressSanitizer and UBSan") {
  expectCleanUnderSanitizers(
      shipped("tiny-residual.yaml", "",
              {"8-9:tile3x3, 10:stream1", "7-9:stream2, 11:stream3",
               "3:tile2x2, 7-9:tile3x1, 11:tile2x2", "0-11:stream1", "0-7:tile3x3, 8-11:stream2"}));
}

// Tile buffers of channel slices (narrower than their maps), partial sums
// read back, buffers live across a sliced run, and windows of a stream over
// residual blocks.
TEST_CASE("mobilenet-v2's channel splits and groups spanning branches are clean under "
          "AddressSanitizer and UBSan") {
  expectCleanUnderSanitizers(shipped("mobilenet-v2.yaml", "32x32",
                                     {"0-12:tile2x2+channels4, 13-20:stream1, 21-23:channels3",
                                      "0-9:stream1, 10-12:tile3x3+channels5, 13-61:stream1"}));
}

// Found by test_random_schedules.cpp: a convolution with dilation 2 and top
// padding 1 needs input row 1 for output row 0 (its first tap lies in the
// padding) but rows 0 and 2 for output row 1. Streamed, the second stripe
// once read row 0 without any stripe computing it (uninitialized arena bytes
// in the output).
TEST_CASE("streamed groups with a dilated, padded convolution match layers bit for bit") {
  const std::string work = e2e::freshWorkDir("schedules-stream-dilation");
  const std::string network = work + "/stream-dilation.yaml";
  std::ofstream(network) << "name: stream-dilation\n"
                            "input: {channels: 1, height: 3, width: 1}\n"
                            "layers:\n"
                            "  - {name: relu, op: relu}\n"
                            "  - {name: conv, op: conv2d, filters: 1, kernel: [2, 1], "
                            "dilation: [2, 1], padding: [1, 0]}\n";
  expectBitIdentical("schedules-stream-dilation-variants",
                     {{"stream-dilation", network, "", {"0-1:stream1", "0-1:stream2"}}});
}

TEST_CASE("invalid schedules are usage errors with a helpful message") {
  expectRejected("vgg16.yaml", "32x32", "14-19:tile1x1",
                 "layer 18 'fc6' (fully_connected) needs its whole input and cannot be tiled or "
                 "streamed");
  expectRejected("tiny-chain.yaml", "", "0-7:tile3x3",
                 "a 3x3 grid does not fit the group's 2x2 output");
  expectRejected("tiny-chain.yaml", "", "0-7:stream3",
                 "stripes of 3 rows exceed the group's 2 output rows");
  expectRejected("tiny-chain.yaml", "", "0-3:tile2x2, 3-5:stream1", "overlaps");
  expectRejected("tiny-chain.yaml", "", "4-8:stream1", "outside layers 0-7");
  // pool1 feeds both the block and its shortcut: a group holding it must
  // hold the add too (2-4, reading pool1 whole, or 1-4 are fine).
  expectRejected("resnet18.yaml", "64x64", "1-3:tile2x2",
                 "the output of layer 1 'pool1' is read by layer 4 's1b1.add', outside the "
                 "group; end the group at or after it");
  expectRejected("resnet18.yaml", "64x64", "1-2:stream1",
                 "the output of layer 1 'pool1' is read by layer 4 's1b1.add', outside the group");
  // A channel split needs a run to slice; resnet18 has none.
  expectRejected("resnet18.yaml", "64x64", "2-4:channels2",
                 "no run of layers to split by channels");
  expectRejected("tiny-chain.yaml", "", "0-3:tile0x2", "is not a grid like tile5x5");
  expectRejected("tiny-chain.yaml", "", "0-3:slice2", "unknown group kind 'slice2'");
}

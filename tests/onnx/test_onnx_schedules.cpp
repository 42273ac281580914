// The shipped ONNX example under tile and stream schedules: the groups that
// start with a squeeze-and-excitation multiply (a map and per-channel
// factors from outside the group), hard-swish epilogues and a residual add
// must match the `layers` schedule bit for bit, in guarded arenas.
#include "schedule_variants.h"

#include "e2e_support.h"

#include <doctest/doctest.h>

TEST_CASE("the ONNX example: tile and stream schedules match layers bit for bit") {
  // Layers (normalized): 0 stem, 1-3 block 1, 4-7 block 2 (7 its add), 8-14
  // block 3 (10-12 squeeze-and-excitation, 13 multiply), 15-22 block 4 (20
  // multiply, 22 add), 23 head, 24 pool, 25 classifier, 26 softmax.
  const std::vector<e2e::NetworkVariants> batch = {
      {"se-mobilenet",
       e2e::networkPath("onnx/se-mobilenet.onnx"),
       "",
       {"0-3:stream4, 4-6:stream8", "0-3:tile3x3, 8-9:tile2x2, 13-14:tile2x2",
        "0-3:stream2, 4-6:tile2x2, 7-9:stream1, 13-14:stream1, 15-16:tile2x2, 20-21:tile3x3, "
        "22-23:stream2",
        "13-14:tile3x2, 20-21:stream1, 22-23:tile2x2"}}};
  const e2e::VariantsResult result =
      e2e::runScheduleVariants(e2e::freshWorkDir("onnx-schedules"), batch);
  MESSAGE("se-mobilenet: " << result.timings);
  INFO(result.describeFailures(batch));
  INFO("driver output:\n" << result.log);
  CHECK(result.allPassed());
  CHECK(result.passed == 4);
}

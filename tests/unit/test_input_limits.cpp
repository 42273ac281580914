// Size limits on everything tessel reads: files are checked before they are
// read, devices and pipes are read only up to what the caller can use, and a
// network too big for any board is refused before its weights are allocated.
#include "temp_dir.h"

#include "frontend/load_network.h"
#include "frontend/weight_file.h"
#include "reference/compare.h"
#include "reference/tensor_file.h"
#include "support/bounded_file.h"
#include "support/limits.h"
#include "target/memory_budget.h"
#include "target/target_profile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace tessel;
using tessel::testing::TempDir;

namespace {

constexpr uint64_t kThreeGiB = uint64_t(3) << 30;

std::string errorText(llvm::Error error) {
  return llvm::toString(std::move(error));
}

const char *const kOneConv = "name: one\n"
                             "input: {channels: 1, height: 2, width: 2}\n"
                             "layers:\n"
                             "  - {name: c, op: conv2d, filters: 1, kernel: 1}\n";

} // namespace

TEST_CASE("readBoundedFile reads a regular file up to the bound, and no further") {
  TempDir dir("tessel-limits-test");
  const std::string path = dir.write("ten.bin", std::string(10, 'x'));
  llvm::ErrorOr<BoundedFile> whole = readBoundedFile(path, 10);
  REQUIRE(whole);
  REQUIRE_FALSE(whole->tooLong());
  CHECK(whole->contents->getBuffer() == std::string(10, 'x'));
  CHECK(whole->size == 10u);

  llvm::ErrorOr<BoundedFile> over = readBoundedFile(path, 9);
  REQUIRE(over);
  CHECK(over->tooLong());
  CHECK(over->describeSize() == "10 bytes");
}

TEST_CASE("readBoundedFile refuses a 3 GiB sparse file without reading it") {
  TempDir dir("tessel-limits-test");
  const std::string path = dir.sparse("huge.bin", kThreeGiB);
  llvm::ErrorOr<BoundedFile> file = readBoundedFile(path, 1 << 20);
  REQUIRE(file);
  CHECK(file->tooLong());
  CHECK(file->describeSize() == std::to_string(kThreeGiB) + " bytes");
  CHECK(regularFileSize(path) == kThreeGiB);
}

TEST_CASE("readBoundedFile reads a device up to the bound plus one byte") {
  llvm::ErrorOr<BoundedFile> zero = readBoundedFile("/dev/zero", 1000);
  REQUIRE(zero);
  CHECK(zero->tooLong());
  CHECK_FALSE(zero->size.has_value());
  CHECK(zero->describeSize() == "more than 1000 bytes");
  CHECK_FALSE(regularFileSize("/dev/zero").has_value());

  llvm::ErrorOr<BoundedFile> null = readBoundedFile("/dev/null", 1000);
  REQUIRE(null);
  REQUIRE_FALSE(null->tooLong());
  CHECK(null->contents->getBufferSize() == 0);
}

TEST_CASE("readBoundedFile reads a FIFO to its end, or up to the bound plus one byte") {
  TempDir dir("tessel-limits-test");
  const std::string fifo = dir.path("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  for (size_t written : {size_t(100), size_t(110)}) {
    CAPTURE(written);
    // One write below the pipe's capacity: it completes before the reader stops.
    std::thread writer([&] {
      const int fd = ::open(fifo.c_str(), O_WRONLY);
      const std::string bytes(written, 'y');
      CHECK(::write(fd, bytes.data(), bytes.size()) == ssize_t(bytes.size()));
      ::close(fd);
    });
    llvm::ErrorOr<BoundedFile> file = readBoundedFile(fifo, 100);
    writer.join();
    REQUIRE(file);
    CHECK(file->tooLong() == (written > 100));
    if (!file->tooLong())
      CHECK(file->contents->getBuffer() == std::string(100, 'y'));
  }
}

TEST_CASE("readBoundedFile: a missing file or a directory is an error") {
  TempDir dir("tessel-limits-test");
  CHECK_FALSE(readBoundedFile(dir.path("missing"), 10));
  CHECK_FALSE(readBoundedFile(dir.path(""), 10));
}

TEST_CASE("an input file is read only up to the size the network needs") {
  llvm::Expected<std::vector<float>> zero = readFloatFile("/dev/zero", 3);
  REQUIRE_FALSE(zero);
  CHECK(errorText(zero.takeError()) ==
        "'/dev/zero' has more than 12 bytes, expected 12 bytes (3 float32 values)");

  TempDir dir("tessel-limits-test");
  const std::string huge = dir.sparse("huge.bin", kThreeGiB);
  llvm::Expected<std::vector<float>> sparse = readFloatFile(huge, 3);
  REQUIRE_FALSE(sparse);
  CHECK(errorText(sparse.takeError()).find(std::to_string(kThreeGiB) + " bytes, expected 12") !=
        std::string::npos);

  llvm::Expected<std::optional<std::vector<float>>> bounded = readFloatFileAtMost("/dev/zero", 8);
  REQUIRE(bounded);
  CHECK_FALSE(bounded->has_value());
}

TEST_CASE("a network description over 16 MiB is refused unread") {
  CHECK(kMaxDescriptionBytes == 16 << 20);
  llvm::Expected<Network> zero = loadNetwork("/dev/zero");
  REQUIRE_FALSE(zero);
  CHECK(errorText(zero.takeError()) ==
        "/dev/zero: the network description is over the limit of 16777216 bytes (16.00 MiB) for "
        "a description: it has more than 16777216 bytes");

  TempDir dir("tessel-limits-test");
  llvm::Expected<Network> sparse = loadNetwork(dir.sparse("huge.yaml", kThreeGiB));
  REQUIRE_FALSE(sparse);
  CHECK(errorText(sparse.takeError()).find("it has 3221225472 bytes") != std::string::npos);
}

TEST_CASE("a target profile over 16 MiB is refused unread") {
  llvm::Expected<TargetProfile> zero = loadTargetProfileFile("/dev/zero");
  REQUIRE_FALSE(zero);
  CHECK(errorText(zero.takeError()).find("over the limit of 16777216 bytes") != std::string::npos);
}

TEST_CASE("a weights file is read only up to the size the network needs") {
  TempDir dir("tessel-limits-test");
  const std::string zero =
      dir.write("zero.yaml", std::string(kOneConv) + "weights: {file: /dev/zero}\n");
  llvm::Expected<Network> fromDevice = loadNetwork(zero);
  REQUIRE_FALSE(fromDevice);
  CHECK(errorText(fromDevice.takeError()) ==
        zero + ":5:17: weights file '/dev/zero' has more than 8 bytes, but the network needs 8 "
               "bytes (2 float32 parameters)");

  dir.sparse("huge.weights", kThreeGiB);
  const std::string sparse =
      dir.write("sparse.yaml", std::string(kOneConv) + "weights: {file: huge.weights}\n");
  llvm::Expected<Network> fromSparse = loadNetwork(sparse);
  REQUIRE_FALSE(fromSparse);
  CHECK(errorText(fromSparse.takeError()).find("has 3221225472 bytes, but the network needs 8") !=
        std::string::npos);
}

TEST_CASE("a network of 2e9 parameters is refused before any weight is allocated") {
  TempDir dir("tessel-limits-test");
  // 50000 x 40000 weights: below the element limit of one tensor, 8 GB as float32.
  const std::string path = dir.write("big.yaml", "name: big\n"
                                                 "input: {channels: 50000, height: 1, width: 1}\n"
                                                 "layers:\n"
                                                 "  - {name: fc, op: fully_connected, units: "
                                                 "40000}\n");
  llvm::Expected<Network> net = loadNetwork(path);
  REQUIRE_FALSE(net);
  CHECK(errorText(net.takeError()) ==
        path + ":1:1: the network has 2000040000 parameters (8000160000 bytes as float32), more "
               "than the limit of 2147483648 bytes (2.00 GiB) of parameters");
}

TEST_CASE("a second YAML document is an error at its start") {
  TempDir dir("tessel-limits-test");
  const std::string path = dir.write("two.yaml", std::string(kOneConv) + "---\nname: other\n");
  llvm::Expected<Network> net = loadNetwork(path);
  REQUIRE_FALSE(net);
  CHECK(errorText(net.takeError()) ==
        path + ":5:1: a second YAML document starts here; the file must hold exactly one");

  // Markers around one document are fine.
  CHECK(bool(loadNetwork(dir.write("one.yaml", "---\n" + std::string(kOneConv) + "...\n"))));
}

TEST_CASE("NaN and infinite weights are accepted with one warning per layer") {
  TempDir dir("tessel-limits-test");
  const float values[2] = {std::nanf(""), INFINITY};
  dir.write("odd.weights", std::string(reinterpret_cast<const char *>(values), sizeof values));
  const std::string path =
      dir.write("odd.yaml", std::string(kOneConv) + "weights: {file: odd.weights}\n");
  llvm::Expected<Network> net = loadNetwork(path);
  REQUIRE(net);
  const std::vector<std::string> warnings = nonFiniteWeightWarnings(*net);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] ==
        path + ":4:5: layer 'c': 2 of 2 parameters are not finite (1 NaN, 1 infinite)");

  llvm::Expected<Network> random = loadNetwork(dir.write("random.yaml", kOneConv));
  REQUIRE(random);
  CHECK(nonFiniteWeightWarnings(*random).empty());
}

TEST_CASE("compareOutputs: NaN at the same places is equal, NaN against a number is not") {
  const float nan = std::nanf("");
  const Comparison same = compareOutputs({1, nan, 3, INFINITY}, {1, nan, 3, INFINITY});
  CHECK(same.maxAbsError == 0);
  CHECK(same.maxAbsReference == 3);
  CHECK(same.nans.any());
  CHECK(same.nans.inActual == 1);
  CHECK(same.nans.inReference == 1);
  CHECK(same.nans.first == 1);
  CHECK(same.nans.mismatches == 0);

  const Comparison moved = compareOutputs({1, nan, 3, 4}, {1, 2, nan, 4});
  CHECK(std::isinf(moved.normalizedError));
  CHECK(moved.worstIndex == 1);
  CHECK(moved.nans.mismatches == 2);
  CHECK(moved.nans.firstMismatch == 1);

  CHECK_FALSE(compareOutputs({1, 2}, {1, 2}).nans.any());
}

TEST_CASE("a target's address space: 2 GiB - 1 on 32-bit boards, more on 64-bit ones") {
  for (const char *name : {"rpi-zero2", "cortex-m33", "cortex-m0plus"}) {
    CAPTURE(name);
    llvm::Expected<TargetProfile> target = loadBuiltinTargetProfile(name);
    REQUIRE(target);
    CHECK(addressableBytes(*target) == kMaxAddressable32Bytes);
  }
  for (const char *name : {"rpi3", "rpi4", "rpi5"}) {
    CAPTURE(name);
    llvm::Expected<TargetProfile> target = loadBuiltinTargetProfile(name);
    REQUIRE(target);
    CHECK(addressableBytes(*target) == kMaxAddressable64Bytes);
  }
  llvm::Expected<TargetProfile> zero2 = loadBuiltinTargetProfile("rpi-zero2");
  REQUIRE(zero2);
  CHECK(describeAddressSpace(*zero2) == "rpi-zero2 (32-bit, armv7-unknown-linux-gnueabihf)");
  // Every parameter limit fits a 64-bit board, and a 32-bit board's objects
  // stay below PTRDIFF_MAX there.
  static_assert(kMaxParameterBytes <= kMaxAddressable64Bytes);
  static_assert(kMaxAddressable32Bytes == INT32_MAX);
}

// Raw float32 files, the deterministic input generator and the output
// comparison used by tests of generated code.
#include "reference/compare.h"
#include "reference/deterministic_input.h"
#include "reference/tensor_file.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace tessel;

namespace {

// A fresh directory, removed with everything in it at the end of the test.
struct ScratchDirectory {
  llvm::SmallString<128> path;
  ScratchDirectory() { REQUIRE(!llvm::sys::fs::createUniqueDirectory("tessel-reference", path)); }
  ~ScratchDirectory() { llvm::sys::fs::remove_directories(path); }
  std::string file(const char *name) const {
    llvm::SmallString<128> result = path;
    llvm::sys::path::append(result, name);
    return std::string(result);
  }
};

void writeBytes(const std::string &path, const std::string &bytes) {
  std::error_code error;
  llvm::raw_fd_ostream stream(path, error);
  REQUIRE(!error);
  stream << bytes;
}

int countEntries(const ScratchDirectory &directory) {
  int count = 0;
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it(directory.path, error), end; !error && it != end;
       it.increment(error))
    ++count;
  return count;
}

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

} // namespace

TEST_CASE("float file round trip keeps every bit") {
  ScratchDirectory directory;
  const std::string path = directory.file("values.bin");
  const std::vector<float> values = {1.5f,
                                     -0.0f,
                                     0x1p-140f /* subnormal */,
                                     std::numeric_limits<float>::infinity(),
                                     std::numeric_limits<float>::quiet_NaN(),
                                     -3e38f};
  REQUIRE(!llvm::errorToBool(writeFloatFile(path, values)));
  llvm::Expected<std::vector<float>> read = readFloatFile(path, int64_t(values.size()));
  REQUIRE(bool(read));
  REQUIRE(read->size() == values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    CAPTURE(i);
    CHECK(bitsOf((*read)[i]) == bitsOf(values[i]));
  }
  CHECK(countEntries(directory) == 1); // no temporary file left behind
}

TEST_CASE("float files are little-endian with no header") {
  ScratchDirectory directory;
  const std::string path = directory.file("one.bin");
  writeBytes(path, std::string("\x00\x00\x80\x3f\x00\x00\x00\xc0", 8));
  llvm::Expected<std::optional<std::vector<float>>> read = readFloatFileAtMost(path, 8);
  REQUIRE(bool(read));
  REQUIRE(read->has_value());
  CHECK(**read == std::vector<float>{1.0f, -2.0f});
}

TEST_CASE("writing replaces an existing file completely") {
  ScratchDirectory directory;
  const std::string path = directory.file("values.bin");
  REQUIRE(!llvm::errorToBool(writeFloatFile(path, std::vector<float>{1, 2, 3, 4})));
  REQUIRE(!llvm::errorToBool(writeFloatFile(path, std::vector<float>{5})));
  uint64_t size = 0;
  REQUIRE(!llvm::sys::fs::file_size(path, size));
  CHECK(size == 4);
}

TEST_CASE("reading a file of the wrong size names the file and both byte sizes") {
  ScratchDirectory directory;
  const std::string path = directory.file("short.bin");
  writeBytes(path, std::string(10, '\0'));
  llvm::Expected<std::vector<float>> read = readFloatFile(path, 3);
  REQUIRE(!read);
  const std::string message = llvm::toString(read.takeError());
  CHECK(message.find(path) != std::string::npos);
  CHECK(message.find("10 bytes") != std::string::npos);
  CHECK(message.find("12 bytes") != std::string::npos);
}

TEST_CASE("reading a file that is not whole floats fails") {
  ScratchDirectory directory;
  const std::string path = directory.file("odd.bin");
  writeBytes(path, std::string(6, '\0'));
  llvm::Expected<std::optional<std::vector<float>>> read = readFloatFileAtMost(path, 100);
  REQUIRE(!read);
  CHECK(llvm::toString(read.takeError()).find("6 bytes") != std::string::npos);
}

TEST_CASE("reading a missing file names it") {
  ScratchDirectory directory;
  const std::string path = directory.file("missing.bin");
  llvm::Expected<std::vector<float>> read = readFloatFile(path, 1);
  REQUIRE(!read);
  CHECK(llvm::toString(read.takeError()).find(path) != std::string::npos);
}

TEST_CASE("writing into a missing directory fails, names the file and creates nothing") {
  ScratchDirectory directory;
  const std::string path = directory.file("no-such-dir/values.bin");
  llvm::Error error = writeFloatFile(path, std::vector<float>{1});
  REQUIRE(bool(error));
  CHECK(llvm::toString(std::move(error)).find(path) != std::string::npos);
  CHECK(countEntries(directory) == 0);
}

TEST_CASE("deterministicInput starts with the documented values") {
  // SplitMix64 from state 1: the first outputs are 0x910a2dec89025cc1,
  // 0xbeeb8da1658eec67, 0xf893a2eefb32555e; their top 24 bits over 2^24.
  const std::vector<float> values = deterministicInput(3, 1);
  REQUIRE(values.size() == 3);
  CHECK(values[0] == 9505325.0f / 16777216.0f);
  CHECK(values[1] == 12512141.0f / 16777216.0f);
  CHECK(values[2] == 16290722.0f / 16777216.0f);
}

TEST_CASE("deterministicInput: same seed same values, every value in 0 <= v < 1") {
  const std::vector<float> values = deterministicInput(10000, 42);
  CHECK(values == deterministicInput(10000, 42));
  CHECK(values != deterministicInput(10000, 43));
  for (float value : values)
    REQUIRE((value >= 0.0f && value < 1.0f));
  CHECK(deterministicInput(0, 1).empty());
}

TEST_CASE("compareOutputs reports the worst element relative to the reference scale") {
  const Comparison same = compareOutputs({1, -2, 3}, {1, -2, 3});
  CHECK(same.maxAbsError == 0);
  CHECK(same.normalizedError == 0);

  const Comparison off = compareOutputs({1, -2.5f, 3.25f}, {1, -2, 4});
  CHECK(off.maxAbsError == 0.75);
  CHECK(off.maxAbsReference == 4);
  CHECK(off.normalizedError == doctest::Approx(0.1875));
  CHECK(off.worstIndex == 2);
}

TEST_CASE("compareOutputs: NaN and size mismatches never pass") {
  const Comparison nan = compareOutputs({1, std::nanf("")}, {1, 2});
  CHECK(std::isinf(nan.normalizedError));
  CHECK(nan.worstIndex == 1);

  const Comparison shorter = compareOutputs({1}, {1, 2});
  CHECK(std::isinf(shorter.normalizedError));
  CHECK(shorter.worstIndex == 1);

  const Comparison zeros = compareOutputs({0, 0}, {0, 0});
  CHECK(zeros.normalizedError == 0);
}

// The `tessel` command line on inputs too large or malformed: devices, huge
// sparse files, networks too big for any board, budgets beyond a target's
// address space, NaN in outputs and weights. Every case must end in seconds
// with an error naming the limit, never abort.
#include "e2e_support.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

namespace fs = std::filesystem;

namespace {

e2e::CommandResult tessel(const std::string &args) {
  return e2e::runCommand(std::string(TESSEL_EXECUTABLE) + " " + args);
}

bool contains(const e2e::CommandResult &result, const std::string &text) {
  return result.output.find(text) != std::string::npos;
}

std::string writeFile(const std::string &path, const std::string &contents) {
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

std::string writeFloats(const std::string &path, const std::vector<float> &values) {
  return writeFile(path, std::string(reinterpret_cast<const char *>(values.data()),
                                     values.size() * sizeof(float)));
}

// Two parameters: the weight and the bias of a 1x1 convolution.
std::string oneConv(const std::string &weights) {
  return "name: one\n"
         "input: {channels: 1, height: 2, width: 2}\n" +
         (weights.empty() ? std::string() : "weights: {file: " + weights + "}\n") +
         "layers:\n"
         "  - {name: c, op: conv2d, filters: 1, kernel: 1}\n";
}

// A sparse file: 3 GB that take no disk space, removed at the end of the test.
struct SparseFile {
  std::string path;
  explicit SparseFile(const std::string &at) : path(at) {
    writeFile(path, "");
    fs::resize_file(path, std::uintmax_t(3) << 30);
  }
  ~SparseFile() { fs::remove(path); }
};

const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

} // namespace

TEST_CASE("/dev/zero as network, weights or input fails at once with the size it expected") {
  const std::string work = e2e::freshWorkDir("limits-dev-zero");
  e2e::CommandResult network = tessel("info /dev/zero");
  INFO(network.output);
  CHECK(network.exitCode == 1);
  CHECK(contains(network, "/dev/zero: the network description is over the limit of 16777216 "
                          "bytes (16.00 MiB)"));

  const std::string yaml = writeFile(work + "/zero.yaml", oneConv("/dev/zero"));
  e2e::CommandResult weights = tessel("info " + e2e::quote(yaml));
  INFO(weights.output);
  CHECK(weights.exitCode == 1);
  CHECK(contains(weights, "zero.yaml:3:17: weights file '/dev/zero' has more than 8 bytes, but "
                          "the network needs 8 bytes"));

  // tiny-chain's input: 3x23x23 floats.
  e2e::CommandResult input = tessel("run " + e2e::quote(e2e::networkPath("tiny-chain.yaml")) +
                                    " --input /dev/zero --output " + e2e::quote(work + "/o.bin"));
  INFO(input.output);
  CHECK(input.exitCode == 1);
  CHECK(contains(input, "'/dev/zero' has more than 6348 bytes, expected 6348 bytes"));
  CHECK_FALSE(fs::exists(work + "/o.bin"));
}

TEST_CASE("compare reads a device no further than the other file's size") {
  const std::string work = e2e::freshWorkDir("limits-compare");
  const std::string file = e2e::quote(writeFloats(work + "/x.bin", {1, 2, 3}));
  for (const std::string &args : {file + " /dev/zero", "/dev/zero " + file}) {
    e2e::CommandResult result = tessel("compare " + args);
    INFO(args << ": " << result.output);
    CHECK(result.exitCode == 5);
    CHECK(contains(result, "sizes differ: '/dev/zero' has more than 12 bytes"));
  }
}

TEST_CASE("a 3 GB sparse file as network, weights or compared output is refused unread") {
  const std::string work = e2e::freshWorkDir("limits-sparse");
  SparseFile huge(work + "/huge.bin");

  e2e::CommandResult network = tessel("info " + e2e::quote(huge.path));
  INFO(network.output);
  CHECK(network.exitCode == 1);
  CHECK(contains(network, "over the limit of 16777216 bytes (16.00 MiB) for a description: it "
                          "has 3221225472 bytes"));

  const std::string yaml = writeFile(work + "/net.yaml", oneConv("huge.bin"));
  e2e::CommandResult weights =
      tessel("run " + e2e::quote(yaml) + " --output " + e2e::quote(work + "/o.bin"));
  INFO(weights.output);
  CHECK(weights.exitCode == 1);
  CHECK(contains(weights, "has 3221225472 bytes, but the network needs 8 bytes"));

  const std::string small = e2e::quote(writeFloats(work + "/x.bin", {1}));
  e2e::CommandResult compared = tessel("compare " + e2e::quote(huge.path) + " " + small);
  INFO(compared.output);
  CHECK(compared.exitCode == 5);
  CHECK(contains(compared, "has 3221225472 bytes"));
}

TEST_CASE("a network of 2e9 parameters is refused before allocating, naming the limit") {
  const std::string work = e2e::freshWorkDir("limits-parameters");
  const std::string yaml =
      writeFile(work + "/big.yaml", "name: big\n"
                                    "input: {channels: 50000, height: 1, width: 1}\n"
                                    "layers:\n"
                                    "  - {name: fc, op: fully_connected, units: 40000}\n");
  for (const std::string &command :
       {"info " + e2e::quote(yaml),
        "compile " + e2e::quote(yaml) + " --target rpi-zero2 -o " + e2e::quote(work + "/out")}) {
    e2e::CommandResult result = tessel(command);
    INFO(command << ": " << result.output);
    CHECK((result.exitCode == 1 || result.exitCode == 3));
    CHECK(contains(result, "big.yaml:1:1: the network has 2000040000 parameters"));
    CHECK(contains(result, "more than the limit of 2147483648 bytes (2.00 GiB) of parameters"));
  }
  CHECK_FALSE(fs::exists(work + "/out"));
}

TEST_CASE("a 32-bit target cannot take an arena beyond its address space: exit 3") {
  const std::string work = e2e::freshWorkDir("limits-address-space");
  // resnet18 at 10000x10000 with chains of layers only needs an arena of
  // at least 2.98 GiB (groups spanning its residual blocks reach less).
  e2e::CommandResult big =
      tessel("compile " + e2e::quote(e2e::networkPath("resnet18.yaml")) +
             " --input-size 10000x10000 --target rpi-zero2 --budget 100GiB --no-branch-groups -o " +
             e2e::quote(work + "/big"));
  INFO(big.output);
  CHECK(big.exitCode == 3);
  CHECK(contains(big, "warning: --budget of 107374182400 bytes (100.00 GiB) is more than "
                      "rpi-zero2 (32-bit, armv7-unknown-linux-gnueabihf) can address; using "
                      "2147483647 bytes"));
  CHECK(contains(big, "more than rpi-zero2 (32-bit, armv7-unknown-linux-gnueabihf) can address: "
                      "at most 2147483647 bytes (2.00 GiB) of arena and weights"));
  CHECK_FALSE(fs::exists(work + "/big"));

  // A schedule given by hand is checked against the same limit.
  e2e::CommandResult layers =
      tessel("compile " + e2e::quote(e2e::networkPath("tiny-chain.yaml")) +
             " --input-size 12000x12000 --target rpi-zero2 --schedule 0-7:layers -o " +
             e2e::quote(work + "/layers"));
  INFO(layers.output);
  CHECK(layers.exitCode == 3);
  CHECK(contains(layers, "the network needs an arena of 9216000000 bytes"));
  CHECK_FALSE(fs::exists(work + "/layers"));

  // What fits is compiled under the lowered budget.
  e2e::CommandResult small =
      tessel("compile --quiet " + e2e::quote(e2e::networkPath("tiny-chain.yaml")) +
             " --target rpi-zero2 --budget 100GiB -o " + e2e::quote(work + "/small"));
  INFO(small.output);
  CHECK(small.exitCode == 0);
  CHECK(contains(small, "of budget 2147483647"));
}

TEST_CASE("run refuses a network whose reference run would need more than 8 GiB") {
  const std::string work = e2e::freshWorkDir("limits-reference");
  e2e::CommandResult result =
      tessel("run " + e2e::quote(e2e::networkPath("resnet18.yaml")) +
             " --input-size 8000x8000 --output " + e2e::quote(work + "/o.bin"));
  INFO(result.output);
  CHECK(result.exitCode == 3);
  CHECK(contains(result, "more than its limit of 8589934592 bytes (8.00 GiB)"));
  CHECK_FALSE(fs::exists(work + "/o.bin"));
}

TEST_CASE("malformed --input-size and an empty --budget are usage errors") {
  const std::string work = e2e::freshWorkDir("limits-usage");
  const std::string network = e2e::quote(e2e::networkPath("tiny-chain.yaml"));
  for (const char *size : {"0x0", "2x", "abc", ""})
    for (const std::string &command :
         {"info " + network, "compile " + network + " -o " + e2e::quote(work + "/out"),
          "run " + network + " --output " + e2e::quote(work + "/o.bin")}) {
      e2e::CommandResult result = tessel(command + " --input-size " + e2e::quote(size));
      INFO(command << " --input-size '" << size << "': " << result.output);
      CHECK(result.exitCode == 2);
      CHECK(contains(result, "--input-size expects HxW with positive integers"));
    }
  e2e::CommandResult budget =
      tessel("compile " + network + " -o " + e2e::quote(work + "/out") + " --budget ''");
  INFO(budget.output);
  CHECK(budget.exitCode == 2);
  CHECK(contains(budget, "'' is not a byte size"));
  CHECK_FALSE(fs::exists(work + "/out"));

  // An empty --schedule runs every layer whole (scripts rely on it).
  e2e::CommandResult layers = tessel("info " + network + " --schedule ''");
  INFO(layers.output);
  CHECK(layers.exitCode == 0);
  CHECK(contains(layers, "schedule: 0-7:layers"));
}

TEST_CASE("compare: NaN at the same positions is equal, NaN against a number differs") {
  const std::string work = e2e::freshWorkDir("limits-nan");
  const std::string a = e2e::quote(writeFloats(work + "/a.bin", {1, kNan, 3, kInf}));
  const std::string b = e2e::quote(writeFloats(work + "/b.bin", {1, 2, kNan, kInf}));
  e2e::CommandResult same = tessel("compare " + a + " " + a);
  INFO(same.output);
  CHECK(same.exitCode == 0);
  CHECK(contains(same, "max abs error 0 "));
  CHECK(contains(same, "NaN: 1 in actual, 1 in expected, first at 1; at the same positions in "
                       "both (counted as equal)"));

  e2e::CommandResult moved = tessel("compare " + a + " " + b);
  INFO(moved.output);
  CHECK(moved.exitCode == 5);
  CHECK(contains(moved, "2 positions have NaN on one side and a number on the other, first at 1 "
                        "(counted as differences)"));
}

TEST_CASE("NaN and infinite weights are loaded with a warning naming the layer") {
  const std::string work = e2e::freshWorkDir("limits-nan-weights");
  writeFloats(work + "/odd.weights", {kNan, kInf});
  const std::string yaml = writeFile(work + "/odd.yaml", oneConv("odd.weights"));
  e2e::CommandResult result = tessel("info " + e2e::quote(yaml));
  INFO(result.output);
  CHECK(result.exitCode == 0);
  CHECK(contains(result, "warning: " + work +
                             "/odd.yaml:5:5: layer 'c': 2 of 2 parameters are not finite (1 "
                             "NaN, 1 infinite)"));
}

TEST_CASE("a second YAML document is an error at its start") {
  const std::string work = e2e::freshWorkDir("limits-documents");
  const std::string yaml = writeFile(work + "/two.yaml", oneConv("") + "---\nname: two\n");
  e2e::CommandResult result = tessel("info " + e2e::quote(yaml));
  INFO(result.output);
  CHECK(result.exitCode == 1);
  CHECK(contains(result, "two.yaml:5:1: a second YAML document starts here"));
}

TEST_CASE("--help lists tessel's options only, --help-hidden LLVM's too") {
  for (const char *command : {"--help", "compile --help", "run --help", "info --help",
                              "compare --help", "calibrate --help"}) {
    e2e::CommandResult help = tessel(command);
    INFO(command << ": " << help.output);
    CHECK(help.exitCode == 0);
    CHECK_FALSE(contains(help, "--polly"));
    CHECK_FALSE(contains(help, "--rng-seed"));
    CHECK(std::count(help.output.begin(), help.output.end(), '\n') < 60);
  }
  CHECK(contains(tessel("compile --help"), "--budget"));
  CHECK(contains(tessel("--help-hidden"), "--rng-seed"));
}

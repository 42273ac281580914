// The `tessel` command line: exit codes, diagnostics, and that a failing
// command writes nothing.
#include "e2e_support.h"

#include <doctest/doctest.h>

#include <filesystem>

namespace fs = std::filesystem;

namespace {

e2e::CommandResult tessel(const std::string &args) {
  return e2e::runCommand(std::string(TESSEL_EXECUTABLE) + " " + args);
}

} // namespace

TEST_CASE("--version and --help") {
  e2e::CommandResult version = tessel("--version");
  CHECK(version.exitCode == 0);
  CHECK(version.output.find("tessel 0.") != std::string::npos);
  e2e::CommandResult help = tessel("compile --help");
  CHECK(help.exitCode == 0);
  CHECK(help.output.find("--budget") != std::string::npos);
}

TEST_CASE("no subcommand and unknown options are usage errors") {
  CHECK(tessel("").exitCode == 2);
  CHECK(tessel("compile --no-such-option x.yaml -o y").exitCode == 2);
}

TEST_CASE("an invalid network fails with its location and writes nothing") {
  const std::string work = e2e::freshWorkDir("cli-invalid");
  const std::string bad = work + "/bad.yaml";
  {
    std::FILE *file = std::fopen(bad.c_str(), "w");
    REQUIRE(file != nullptr);
    std::fputs("name: bad\ninput: {channels: 3, height: 8, width: 8}\nlayers:\n"
               "  - {name: c, op: convolution, filters: 4, kernel: 3}\n",
               file);
    std::fclose(file);
  }
  e2e::CommandResult result =
      tessel("compile " + e2e::quote(bad) + " -o " + e2e::quote(work + "/out"));
  INFO(result.output);
  CHECK(result.exitCode == 1);
  CHECK(result.output.find("bad.yaml:4:") != std::string::npos);
  CHECK(result.output.find("convolution") != std::string::npos);
  CHECK_FALSE(fs::exists(work + "/out"));
}

TEST_CASE("a Darknet cfg or weights file at fault fails with its location and writes nothing") {
  const std::string work = e2e::freshWorkDir("cli-invalid-cfg");
  const std::string cfg = work + "/bad.cfg";
  const std::string weights = work + "/short.weights";
  {
    std::FILE *file = std::fopen(cfg.c_str(), "w");
    REQUIRE(file != nullptr);
    std::fputs("[net]\nwidth=8\nheight=8\nchannels=3\n\n[convolutional]\nfliters=4\n", file);
    std::fclose(file);
    file = std::fopen(weights.c_str(), "w");
    REQUIRE(file != nullptr);
    std::fputs("short", file);
    std::fclose(file);
  }
  e2e::CommandResult result =
      tessel("compile " + e2e::quote(cfg) + " -o " + e2e::quote(work + "/out"));
  INFO(result.output);
  CHECK(result.exitCode == 1);
  CHECK(result.output.find("bad.cfg:7:1: layer 'conv0': unknown or unsupported key 'fliters'") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(work + "/out"));

  const std::string good = work + "/good.cfg";
  {
    std::FILE *file = std::fopen(good.c_str(), "w");
    REQUIRE(file != nullptr);
    std::fputs("[net]\nwidth=8\nheight=8\nchannels=3\n\n[convolutional]\nfilters=4\n", file);
    std::fclose(file);
  }
  result = tessel("compile " + e2e::quote(good) + " --weights " + e2e::quote(weights) + " -o " +
                  e2e::quote(work + "/out"));
  INFO(result.output);
  CHECK(result.exitCode == 1);
  CHECK(result.output.find("short.weights: the weights file has 5 bytes, too short for the "
                           "header") != std::string::npos);
  CHECK_FALSE(fs::exists(work + "/out"));
}

TEST_CASE("an impossible budget fails with exit code 3, the smallest arena, and writes nothing") {
  const std::string work = e2e::freshWorkDir("cli-budget");
  const std::string network = e2e::quote(e2e::networkPath("tiny-chain.yaml"));
  e2e::CommandResult result =
      tessel("compile " + network + " -o " + e2e::quote(work + "/out") + " --budget 1KiB");
  INFO(result.output);
  CHECK(result.exitCode == 3);
  CHECK(result.output.find("no schedule fits the budget of 1024 bytes") != std::string::npos);
  CHECK(result.output.find("the smallest tessel reaches is an arena of") != std::string::npos);
  CHECK(result.output.find("with the schedule '0-") != std::string::npos);
  CHECK_FALSE(fs::exists(work + "/out"));

  // A schedule given by hand is checked as it is.
  result = tessel("compile " + network + " -o " + e2e::quote(work + "/out") +
                  " --budget 1KiB --schedule 0-7:layers");
  CHECK(result.exitCode == 3);
  CHECK(result.output.find("over the budget of 1024 bytes") != std::string::npos);
  CHECK_FALSE(fs::exists(work + "/out"));
  CHECK(tessel("compile " + network + " -o " + e2e::quote(work + "/out") + " --budget lots")
            .exitCode == 2);
}

TEST_CASE("a budget below the layers arena: the search fits it and reports its choice") {
  const std::string work = e2e::freshWorkDir("cli-search");
  const std::string network = e2e::quote(e2e::networkPath("yolov2-16.yaml"));
  // `layers` needs 1,474,560 bytes at 96x96.
  e2e::CommandResult result = tessel("compile " + network + " --input-size 96x96 -o " +
                                     e2e::quote(work + "/out") + " --budget 600000");
  INFO(result.output);
  REQUIRE(result.exitCode == 0);
  CHECK(result.output.find("chosen by the search among") != std::string::npos);
  const std::string json = e2e::readText(work + "/out/report.json");
  CHECK(json.find("\"budget_bytes\": 600000") != std::string::npos);
  CHECK(json.find("\"searched\": true") != std::string::npos);
  const std::string header = e2e::readText(work + "/out/yolov2_16.h");
  const size_t at = header.find("_ARENA_BYTES ");
  REQUIRE(at != std::string::npos);
  const long arena = std::stol(header.substr(at + 13));
  CHECK(arena <= 600000);
  CHECK(json.find("\"arena_bytes\": " + std::to_string(arena)) != std::string::npos);
  CHECK(e2e::readText(work + "/out/pareto.svg").rfind("<svg", 0) == 0);
  CHECK(e2e::readText(work + "/out/arena.svg").find("</svg>") != std::string::npos);
}

TEST_CASE("--primitives: direct keeps every convolution direct; an unknown one is a usage error") {
  const std::string work = e2e::freshWorkDir("cli-primitives");
  const std::string compile = "compile " + e2e::quote(e2e::networkPath("yolov2-16.yaml")) +
                              " --input-size 96x96 -o " + e2e::quote(work + "/out");
  e2e::CommandResult bad = tessel(compile + " --primitives direct,winograd3");
  INFO(bad.output);
  CHECK(bad.exitCode == 2);
  CHECK(bad.output.find("--primitives: unknown primitive 'winograd3'") != std::string::npos);
  CHECK_FALSE(fs::exists(work + "/out"));

  e2e::CommandResult direct = tessel(compile + " --primitives direct");
  REQUIRE(direct.exitCode == 0);
  const std::string json = e2e::readText(work + "/out/report.json");
  CHECK(json.find("\"primitive\": \"direct\"") != std::string::npos);
  CHECK(json.find("winograd") == std::string::npos);

  // A schedule names its own; the report and the layer table show them.
  e2e::CommandResult named =
      tessel(compile + " --force --schedule " + e2e::quote("0-3:stream2; winograd4: 0, 2"));
  REQUIRE(named.exitCode == 0);
  CHECK(named.output.find("schedule: 0-3:stream2, 4-15:layers; winograd4: 0, 2") !=
        std::string::npos);
  CHECK(named.output.find("conv2d+leaky    winograd4") != std::string::npos);
  CHECK(e2e::readText(work + "/out/report.json").find("\"primitive\": \"winograd4\"") !=
        std::string::npos);
}

TEST_CASE("--threads above 1 is a usage error for a bare-metal target, and writes nothing") {
  const std::string work = e2e::freshWorkDir("cli-threads");
  const std::string compile = "compile " + e2e::quote(e2e::networkPath("tiny-chain.yaml")) +
                              " -o " + e2e::quote(work + "/out");
  e2e::CommandResult bare = tessel(compile + " --target cortex-m33 --threads 2");
  INFO(bare.output);
  CHECK(bare.exitCode == 2);
  CHECK(bare.output.find("--threads 2: target cortex-m33 runs bare metal") != std::string::npos);
  CHECK_FALSE(fs::exists(work + "/out"));
  CHECK(tessel(compile + " --threads 0").exitCode == 2);
  CHECK(tessel(compile + " --threads 65").exitCode == 2);
  CHECK_FALSE(fs::exists(work + "/out"));

  e2e::CommandResult single = tessel(compile + " --target cortex-m33 --threads 1");
  CHECK(single.exitCode == 0);
  CHECK(single.output.find("; 1 thread)") != std::string::npos);
  e2e::CommandResult rpi = tessel(compile + " --target rpi4");
  CHECK(rpi.exitCode == 0);
  CHECK(rpi.output.find("; 4 threads)") != std::string::npos);
  e2e::CommandResult header =
      e2e::runCommand("grep -h '_THREADS ' " + e2e::quote(work) + "/out/*.h");
  CHECK(header.output.find("TINY_CHAIN_THREADS 4") != std::string::npos);
}

TEST_CASE("info prints the planned arena, equal to what compile declares") {
  const std::string work = e2e::freshWorkDir("cli-info");
  e2e::CommandResult info = tessel("info " + e2e::quote(e2e::networkPath("tiny-residual.yaml")));
  INFO(info.output);
  REQUIRE(info.exitCode == 0);
  size_t at = info.output.find("arena: ");
  REQUIRE(at != std::string::npos);
  std::string arenaBytes = info.output.substr(at + 7, info.output.find(' ', at + 7) - at - 7);
  REQUIRE(tessel("compile --quiet --schedule '' " +
                 e2e::quote(e2e::networkPath("tiny-residual.yaml")) + " -o " +
                 e2e::quote(work + "/gen"))
              .exitCode == 0);
  e2e::CommandResult header =
      e2e::runCommand("grep -h '_ARENA_BYTES ' " + e2e::quote(work) + "/gen/*.h");
  CHECK(header.output.find("_ARENA_BYTES " + arenaBytes + "u") != std::string::npos);

  // --threads N plans the code for N threads (the schedule tests compare its arena with what
  // compile --threads N declares); the same range as compile.
  const std::string net = " " + e2e::quote(e2e::networkPath("tiny-residual.yaml"));
  CHECK(tessel("info --threads 2" + net).exitCode == 0);
  CHECK(tessel("info --threads 0" + net).exitCode == 2);
  CHECK(tessel("info --threads 65" + net).exitCode == 2);
}

TEST_CASE(
    "info --write-weights saves what a weights file gives back, and --json describes the layers") {
  const std::string work = e2e::freshWorkDir("cli-info-weights");
  const std::string network = e2e::networkPath("tiny-standalone.yaml");
  e2e::CommandResult json = tessel("info --json " + e2e::quote(network) + " --write-weights " +
                                   e2e::quote(work + "/net.weights"));
  INFO(json.output);
  REQUIRE(json.exitCode == 0);
  CHECK(json.output.find("\"name\": \"conv0.bn\"") != std::string::npos);
  CHECK(json.output.find("arena:") == std::string::npos); // JSON only, no table

  // The same network reading the written file computes the same output.
  std::string description = e2e::readText(network);
  const std::string randomWeights = "{random: 104}";
  REQUIRE(description.find(randomWeights) != std::string::npos);
  description.replace(description.find(randomWeights), randomWeights.size(), "{file: net.weights}");
  {
    std::FILE *file = std::fopen((work + "/net.yaml").c_str(), "w");
    REQUIRE(file != nullptr);
    std::fputs(description.c_str(), file);
    std::fclose(file);
  }
  REQUIRE(
      tessel("run " + e2e::quote(network) + " --output " + e2e::quote(work + "/a.bin")).exitCode ==
      0);
  REQUIRE(
      tessel("run " + e2e::quote(work + "/net.yaml") + " --output " + e2e::quote(work + "/b.bin"))
          .exitCode == 0);
  CHECK(e2e::readText(work + "/a.bin") == e2e::readText(work + "/b.bin"));

  CHECK(tessel("info --json --schedule '' " + e2e::quote(network)).exitCode == 2);
  CHECK(tessel("info --json --threads 2 " + e2e::quote(network)).exitCode == 2);
}

TEST_CASE("run rejects an input file of the wrong size and writes nothing") {
  const std::string work = e2e::freshWorkDir("cli-run");
  {
    std::FILE *file = std::fopen((work + "/short.bin").c_str(), "wb");
    REQUIRE(file != nullptr);
    float values[5] = {};
    std::fwrite(values, sizeof(float), 5, file);
    std::fclose(file);
  }
  e2e::CommandResult result =
      tessel("run " + e2e::quote(e2e::networkPath("tiny-chain.yaml")) + " --input " +
             e2e::quote(work + "/short.bin") + " --output " + e2e::quote(work + "/out.bin"));
  INFO(result.output);
  CHECK(result.exitCode == 1);
  CHECK(result.output.find("20 bytes") != std::string::npos);
  CHECK_FALSE(fs::exists(work + "/out.bin"));
}

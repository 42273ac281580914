// Names and file names that reach generated files: the output builds and
// does only what the network says, or tessel rejects the name with its
// location and writes nothing.
#include "e2e_support.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

e2e::CommandResult tessel(const std::string &args) {
  return e2e::runCommand(std::string(TESSEL_EXECUTABLE) + " " + args);
}

void writeFile(const std::string &path, const std::string &text) {
  std::ofstream file(path, std::ios::binary);
  REQUIRE(file);
  file << text;
}

// A small chain whose layer names collide once made identifiers (a-b, a_b,
// a.b) or with the generated header's constants (kThreads, kArenaAlignment,
// kInputChannels).
const char *const kCollidingLayers = R"(name: names
input: {channels: 2, height: 7, width: 7}
layers:
  - {name: a-b, op: conv2d, filters: 3, kernel: 3, padding: same, activation: relu}
  - {name: a_b, op: conv2d, filters: 4, kernel: 1}
  - {name: a.b, op: maxpool, kernel: 3, stride: 1, padding: 1}
  - {name: threads, op: conv2d, filters: 3, kernel: 3, stride: 2}
  - {name: arenaAlignment, op: maxpool, kernel: 2, stride: 1}
  - {name: inputChannels, op: conv2d, filters: 2, kernel: 1}
)";

// Configures (from `work`, where a relative path of an injected command would
// land) and builds `gen` with warnings as errors; returns the demo's path.
std::string configureAndBuild(const std::string &work, const std::string &gen,
                              const std::string &demo) {
  const std::string build = work + "/build";
  e2e::CommandResult configure = e2e::runCommand(
      "cd " + e2e::quote(work) + " && " + E2E_CMAKE + " -S " + e2e::quote(gen) + " -B " +
      e2e::quote(build) + " -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=" +
      e2e::quote(E2E_CXX_COMPILER) + " '-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror'");
  INFO(configure.output);
  REQUIRE(configure.exitCode == 0);
  e2e::CommandResult built = e2e::runCommand(std::string(E2E_CMAKE) + " --build " +
                                             e2e::quote(build) + " --target " + demo);
  INFO(built.output);
  REQUIRE(built.exitCode == 0);
  return build + "/" + demo;
}

} // namespace

TEST_CASE("a file name with newlines stays in its comments and colliding layer names build") {
  const std::string work = e2e::freshWorkDir("names-injection");
  // Unescaped, the newline would end the `#` comment in CMakeLists.txt and
  // the `//` comments in the C++ files.
  const std::string file =
      work + "/n\nexecute_process(COMMAND touch PWNED)\n#error injected\\\n#.yaml";
  writeFile(file, kCollidingLayers);
  const std::string gen = work + "/gen";
  e2e::CommandResult compiled =
      tessel("compile --quiet " + e2e::quote(file) + " -o " + e2e::quote(gen));
  INFO(compiled.output);
  REQUIRE(compiled.exitCode == 0);

  for (const char *generated : {"CMakeLists.txt", "names.h", "names.cpp", "demo.cpp"}) {
    const std::string text = e2e::readText(gen + "/" + generated);
    INFO(generated);
    CHECK(text.find("\nexecute_process(COMMAND touch") == std::string::npos);
    CHECK(text.find("\n#error injected") == std::string::npos);
    CHECK(text.find("n?execute_process(COMMAND touch PWNED)?#error injected/?#.yaml") !=
          std::string::npos);
  }
  const std::string program = configureAndBuild(work, gen, "names_demo");
  CHECK_FALSE(fs::exists(work + "/PWNED"));
  e2e::CommandResult run = e2e::runCommand(e2e::quote(program));
  INFO(run.output);
  CHECK(run.exitCode == 0);
}

TEST_CASE("a network needing no arena still declares a valid arena array") {
  const std::string work = e2e::freshWorkDir("names-zero-arena");
  // Input and output are read and written in place: nothing lives in the arena.
  writeFile(work + "/flat.yaml", "name: flat\ninput: {channels: 4, height: 1, width: 1}\n"
                                 "layers:\n  - {name: fc, op: fully_connected, units: 3}\n");
  const std::string gen = work + "/gen";
  e2e::CommandResult compiled =
      tessel("compile --quiet " + e2e::quote(work + "/flat.yaml") + " -o " + e2e::quote(gen));
  INFO(compiled.output);
  REQUIRE(compiled.exitCode == 0);
  CHECK(e2e::readText(gen + "/report.json").find("\"arena_bytes\": 0") != std::string::npos);
  CHECK(e2e::readText(gen + "/flat.h").find("#define FLAT_ARENA_BYTES 64u") != std::string::npos);
  // The README's pattern, where a zero-size array is an error.
  writeFile(work + "/app.cpp",
            "#include \"flat.h\"\n"
            "alignas(FLAT_ARENA_ALIGNMENT) unsigned char arena[FLAT_ARENA_BYTES];\n"
            "float input[FLAT_INPUT_ELEMENTS], output[FLAT_OUTPUT_ELEMENTS];\n"
            "int main() { return flat_run(input, output, arena); }\n");
  e2e::CommandResult app = e2e::runCommand(e2e::quote(E2E_CXX_COMPILER) +
                                           " -std=c++17 -pedantic-errors -fsyntax-only -I " +
                                           e2e::quote(gen) + " " + e2e::quote(work + "/app.cpp"));
  INFO(app.output);
  CHECK(app.exitCode == 0);
  const std::string program = configureAndBuild(work, gen, "flat_demo");
  CHECK(e2e::runCommand(e2e::quote(program)).exitCode == 0);
}

TEST_CASE("network names that cannot name C++ symbols fail at the name and write nothing") {
  const std::string work = e2e::freshWorkDir("names-rejected");
  const std::string longName(300, 'x');
  const std::pair<std::string, std::string> cases[] = {
      {"int", "is a C++ keyword"},
      {"class", "is a C++ keyword"},
      {"namespace", "is a C++ keyword"},
      {"true", "is a C++ keyword"},
      {"main", "global name"},
      {"tessel", "global name"},
      {"input", "global name"},
      {"uintptr_t", "ends in '_t'"},
      {"_stdio", "reserved in C and C++"},
      {"a--b", "(as C++ 'a__b')"},
      {"test", "target name CMake reserves"},
      {longName, "is 300 characters long; generated names allow at most 64"},
  };
  for (const auto &[name, problem] : cases) {
    const std::string file = work + "/net.yaml", out = work + "/out";
    writeFile(file, "name: " + name +
                        "\ninput: {channels: 1, height: 4, width: 4}\n"
                        "layers:\n  - {name: c, op: conv2d, filters: 2, kernel: 3}\n");
    e2e::CommandResult compiled =
        tessel("compile --quiet " + e2e::quote(file) + " -o " + e2e::quote(out));
    INFO(name, ": ", compiled.output);
    CHECK(compiled.exitCode == 1);
    CHECK(compiled.output.find(file + ":1:7: network name '" + name + "'") != std::string::npos);
    CHECK(compiled.output.find(problem) != std::string::npos);
    CHECK_FALSE(fs::exists(out));
  }
}

TEST_CASE("--name takes the same checks, as a usage error") {
  const std::string work = e2e::freshWorkDir("names-option");
  const std::string network = e2e::networkPath("tiny-chain.yaml"), out = work + "/out";
  const std::string names[] = {"int", "std", "_x", std::string(65, 'n')};
  for (const std::string &name : names) {
    e2e::CommandResult compiled = tessel("compile --quiet " + e2e::quote(network) + " -o " +
                                         e2e::quote(out) + " --name " + e2e::quote(name));
    INFO(name, ": ", compiled.output);
    CHECK(compiled.exitCode == 2);
    CHECK(compiled.output.find("--name '" + name + "'") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
  }
}

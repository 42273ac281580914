// What `tessel compile -o DIR` may do to DIR: replace only files it wrote
// there itself (DIR/.tessel-manifest) unless given --force, never write over
// its inputs or through a symlink it did not create, and change nothing when
// any output cannot be written.
#include "e2e_support.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace fs = std::filesystem;

namespace {

const std::string kNetwork = e2e::networkPath("tiny-chain.yaml");

e2e::CommandResult compile(const std::string &out, const std::string &args = "",
                           const std::string &network = kNetwork) {
  return e2e::runCommand(std::string(TESSEL_EXECUTABLE) + " compile --quiet " +
                         e2e::quote(network) + " -o " + e2e::quote(out) + " " + args);
}

void compileOk(const std::string &out, const std::string &args = "") {
  e2e::CommandResult result = compile(out, args);
  INFO(result.output);
  REQUIRE(result.exitCode == 0);
}

void writeText(const std::string &path, const std::string &text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
  REQUIRE(file.good());
}

// Every entry under `folder`, symlinks not followed: a file's contents, a
// symlink's target, or "<folder>".
std::map<std::string, std::string> snapshot(const std::string &folder) {
  std::map<std::string, std::string> entries;
  for (const fs::directory_entry &entry : fs::recursive_directory_iterator(folder)) {
    const std::string relative = fs::relative(entry.path(), folder).string();
    if (entry.is_symlink())
      entries[relative] = "-> " + fs::read_symlink(entry.path()).string();
    else if (entry.is_directory())
      entries[relative] = "<folder>";
    else
      entries[relative] = e2e::readText(entry.path().string());
  }
  return entries;
}

// Staging folders or temporaries left behind in `folder` or below.
std::vector<std::string> leftovers(const std::string &folder) {
  std::vector<std::string> found;
  for (const auto &[relative, contents] : snapshot(folder))
    if (relative.find(".tessel-stage") != std::string::npos ||
        relative.find(".tessel-tmp") != std::string::npos)
      found.push_back(relative);
  return found;
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("compile refuses to replace a user's files in the output folder, unless --force") {
  const std::string work = e2e::freshWorkDir("output-user-files");
  const std::string out = work + "/out";
  fs::create_directories(out);
  writeText(out + "/CMakeLists.txt", "project(mine)\n");
  writeText(out + "/demo.cpp", "int main() {}\n");
  writeText(out + "/notes.txt", "mine\n");
  const auto before = snapshot(out);

  e2e::CommandResult refused = compile(out);
  INFO(refused.output);
  CHECK(refused.exitCode == 4);
  CHECK(contains(refused.output, "tessel did not write"));
  CHECK(contains(refused.output, "CMakeLists.txt, demo.cpp"));
  CHECK(contains(refused.output, "--force"));
  CHECK(snapshot(out) == before);
  CHECK(leftovers(work).empty());

  compileOk(out, "--force");
  CHECK(e2e::readText(out + "/CMakeLists.txt") != "project(mine)\n");
  CHECK(contains(e2e::readText(out + "/demo.cpp"), "tiny_chain"));
  CHECK(e2e::readText(out + "/notes.txt") == "mine\n"); // not tessel's to write: left alone
  CHECK(contains(e2e::readText(out + "/.tessel-manifest"), " CMakeLists.txt\n"));
  CHECK_FALSE(contains(e2e::readText(out + "/.tessel-manifest"), "notes.txt"));
  CHECK(leftovers(work).empty());
}

TEST_CASE("recompiling into tessel's own folder replaces and removes only its own files") {
  const std::string work = e2e::freshWorkDir("output-recompile");
  const std::string out = work + "/out";
  compileOk(out);
  CHECK(leftovers(work).empty());
  writeText(out + "/notes.txt", "mine\n");

  compileOk(out, "--threads 2");
  CHECK(contains(e2e::readText(out + "/tiny_chain.h"), "TINY_CHAIN_THREADS 2"));
  CHECK(e2e::readText(out + "/notes.txt") == "mine\n");

  // Another name: the files of the old one go, as they were tessel's.
  compileOk(out, "--name other");
  CHECK(fs::exists(out + "/other.h"));
  CHECK_FALSE(fs::exists(out + "/tiny_chain.h"));
  CHECK_FALSE(fs::exists(out + "/tiny_chain.weights"));
  CHECK_FALSE(contains(e2e::readText(out + "/.tessel-manifest"), "tiny_chain"));
  CHECK(e2e::readText(out + "/notes.txt") == "mine\n");

  // A file tessel wrote and the user then edited is the user's.
  writeText(out + "/demo.cpp", e2e::readText(out + "/demo.cpp") + "// edited\n");
  const auto edited = snapshot(out);
  e2e::CommandResult refused = compile(out, "--name other");
  INFO(refused.output);
  CHECK(refused.exitCode == 4);
  CHECK(contains(refused.output, "changed since"));
  CHECK(contains(refused.output, "demo.cpp"));
  CHECK(snapshot(out) == edited);

  // ... and stays when tessel no longer writes it.
  compileOk(out, "--name other --force");
  writeText(out + "/other.cpp", "// edited\n");
  compileOk(out);
  CHECK(e2e::readText(out + "/other.cpp") == "// edited\n");
  CHECK_FALSE(fs::exists(out + "/other.h"));
  CHECK(fs::exists(out + "/tiny_chain.h"));
  CHECK(leftovers(work).empty());
}

TEST_CASE("compile never writes over the network's weights file, even with --force") {
  const std::string work = e2e::freshWorkDir("output-inputs");
  const std::string net = work + "/net";
  fs::create_directories(net);
  // One 1x1 convolution with 2 filters on 1 channel: 2 weights and 2 biases.
  writeText(net + "/tiny.yaml", "name: tiny\n"
                                "input: {channels: 1, height: 4, width: 4}\n"
                                "weights: {file: tiny.weights}\n"
                                "layers:\n"
                                "  - {name: c, op: conv2d, filters: 2, kernel: 1}\n");
  const float parameters[4] = {0.5f, -1.0f, 0.25f, 2.0f};
  writeText(net + "/tiny.weights",
            std::string(reinterpret_cast<const char *>(parameters), sizeof parameters));
  const auto before = snapshot(net);

  for (const std::string args : {"", "--force"}) {
    CAPTURE(args);
    e2e::CommandResult refused = compile(net, args, net + "/tiny.yaml");
    INFO(refused.output);
    CHECK(refused.exitCode == 4);
    CHECK(contains(refused.output, "tiny.weights"));
    CHECK(contains(refused.output, "which this compile reads"));
    CHECK(snapshot(net) == before);
    CHECK(leftovers(work).empty());
  }
  // Elsewhere it compiles.
  e2e::CommandResult result = compile(work + "/out", "", net + "/tiny.yaml");
  INFO(result.output);
  CHECK(result.exitCode == 0);
}

TEST_CASE("symlinks planted at the old temporary names are not followed") {
  const std::string work = e2e::freshWorkDir("output-planted-temporaries");
  const std::string out = work + "/out", victim = work + "/victim.txt";
  compileOk(out);
  writeText(victim, "victim\n");
  // The shell's pid is tessel's after `exec`: plant a link at every name the
  // earlier "<file>.tessel-tmp<pid>" scheme would have written through.
  std::string plant;
  for (const auto &[relative, contents] : snapshot(out))
    if (contents != "<folder>")
      plant += "ln -s " + e2e::quote(victim) + " " + e2e::quote(out + "/" + relative) +
               ".tessel-tmp$$ && ";
  e2e::CommandResult result =
      e2e::runCommand(plant + "exec " + std::string(TESSEL_EXECUTABLE) + " compile --quiet " +
                      e2e::quote(kNetwork) + " -o " + e2e::quote(out) + " --threads 2");
  INFO(result.output);
  CHECK(result.exitCode == 0);
  CHECK(e2e::readText(victim) == "victim\n");
  CHECK_FALSE(fs::is_symlink(out + "/tiny_chain.h"));
  CHECK(contains(e2e::readText(out + "/tiny_chain.h"), "TINY_CHAIN_THREADS 2"));
}

TEST_CASE("a symlink in place of an output is replaced with --force, never written through") {
  const std::string work = e2e::freshWorkDir("output-symlinks");
  const std::string out = work + "/out", outside = work + "/outside.h";
  compileOk(out);
  writeText(outside, "outside\n");
  fs::remove(out + "/tiny_chain.h");
  fs::create_symlink(outside, out + "/tiny_chain.h");

  e2e::CommandResult refused = compile(out, "--threads 2");
  INFO(refused.output);
  CHECK(refused.exitCode == 4);
  CHECK(contains(refused.output, "tiny_chain.h"));
  CHECK(fs::is_symlink(out + "/tiny_chain.h"));
  CHECK(e2e::readText(outside) == "outside\n");

  compileOk(out, "--threads 2 --force");
  CHECK(e2e::readText(outside) == "outside\n");
  CHECK_FALSE(fs::is_symlink(out + "/tiny_chain.h"));
  CHECK(contains(e2e::readText(out + "/tiny_chain.h"), "TINY_CHAIN_THREADS 2"));

  // A symlinked folder on the way to an output is not written through either.
  const std::string elsewhere = work + "/elsewhere";
  fs::rename(out + "/runtime", elsewhere);
  fs::create_directory_symlink(elsewhere, out + "/runtime");
  const auto before = snapshot(elsewhere);
  e2e::CommandResult blocked = compile(out, "--force");
  INFO(blocked.output);
  CHECK(blocked.exitCode == 4);
  CHECK(contains(blocked.output, "runtime' is not a folder"));
  CHECK(snapshot(elsewhere) == before);
  CHECK(leftovers(work).empty());
}

TEST_CASE("an output that cannot be written leaves the previous output as it was") {
  const std::string work = e2e::freshWorkDir("output-failure");
  const std::string out = work + "/out";
  compileOk(out);
  fs::remove(out + "/arena.svg");
  fs::create_directories(out + "/arena.svg");
  writeText(out + "/arena.svg/keep.txt", "keep\n");
  const auto before = snapshot(out);

  for (const std::string args : {"--threads 2", "--threads 2 --force"}) {
    CAPTURE(args);
    e2e::CommandResult failed = compile(out, args);
    INFO(failed.output);
    CHECK(failed.exitCode == 4);
    CHECK(contains(failed.output, "arena.svg': a folder is in its place"));
    CHECK(snapshot(out) == before); // the header still says 1 thread, and so on
    CHECK(leftovers(work).empty());
  }
}

TEST_CASE("an output folder whose parent is a regular file is a clear error") {
  const std::string work = e2e::freshWorkDir("output-parent-file");
  writeText(work + "/file", "file\n");

  e2e::CommandResult below = compile(work + "/file/out");
  INFO(below.output);
  CHECK(below.exitCode == 4);
  CHECK(contains(below.output, "file' is not a folder"));
  e2e::CommandResult itself = compile(work + "/file");
  INFO(itself.output);
  CHECK(itself.exitCode == 4);
  CHECK(contains(itself.output, "it is not a folder"));
  CHECK(e2e::readText(work + "/file") == "file\n");
  CHECK(snapshot(work).size() == 1);
}

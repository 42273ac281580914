#include "e2e_support.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace e2e {

std::string quote(const std::string &text) {
  std::string quoted = "'";
  for (char ch : text)
    quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return quoted + "'";
}

CommandResult runCommand(const std::string &command) {
  CommandResult result;
  FILE *pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    result.output.append(buffer, got);
  int status = pclose(pipe);
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string freshWorkDir(const std::string &name) {
  fs::path dir = fs::path(E2E_WORK_DIR) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::string networkPath(const std::string &file) {
  return (fs::path(TESSEL_NETWORKS_DIR) / file).string();
}

std::string require(const std::string &command, const std::string &what) {
  const CommandResult result = runCommand(command);
  INFO(what << " failed: " << command << "\n" << result.output);
  REQUIRE(result.exitCode == 0);
  return result.output;
}

std::string compileAndBuild(const std::string &work, const std::string &network,
                            const std::string &compileArgs, const BuildOptions &build) {
  const std::string gen = work + "/gen", buildDir = work + "/build";
  require(std::string(TESSEL_EXECUTABLE) + " compile --quiet " + quote(network) + " -o " +
              quote(gen) + " " + compileArgs,
          "tessel compile");
  std::string flags = "-Wall -Wextra -Werror " + build.extraFlags;
  require(std::string(E2E_CMAKE) + " -S " + quote(gen) + " -B " + quote(buildDir) +
              " -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=" + quote(build.compiler) + " " +
              quote("-DCMAKE_CXX_FLAGS=" + flags) + " " +
              quote("-DCMAKE_CXX_FLAGS_RELEASE=" + build.releaseFlags) + " " +
              quote("-DCMAKE_EXE_LINKER_FLAGS=" + build.extraFlags) +
              (build.nativeCpu ? " -DTESSEL_NATIVE=ON" : " -DTESSEL_NATIVE=OFF"),
          "configuring the generated project");
  require(std::string(E2E_CMAKE) + " --build " + quote(buildDir), "building the generated project");
  for (const auto &entry : fs::directory_iterator(buildDir))
    if (entry.path().filename().string().size() > 5 &&
        entry.path().filename().string().rfind("_demo") ==
            entry.path().filename().string().size() - 5)
      return entry.path().string();
  FAIL("no demo program in " << buildDir);
  return {};
}

std::vector<float> readFloats(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<float> values(bytes.size() / 4);
  std::copy(bytes.begin(), bytes.begin() + long(values.size() * 4),
            reinterpret_cast<char *>(values.data()));
  return values;
}

std::string readText(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

bool sameBytes(const std::string &pathA, const std::string &pathB) {
  const std::string textA = readText(pathA);
  return !textA.empty() && textA == readText(pathB);
}

} // namespace e2e

// examples/classify, an application that compiles MobileNetV2 at build time
// with tessel_add_network(): built against an installed tessel
// (find_package) for the host and, with cmake/toolchains/rpi64.cmake, for a
// 64-bit Pi, run natively and under qemu-aarch64; both must print the same
// five classes. Also: the example configures with tessel's source tree as a
// subdirectory instead of an installed tessel.
#include "cross_support.h"

#include <doctest/doctest.h>

namespace {

const std::string kExample = std::string(TESSEL_SOURCE_DIR) + "/examples/classify";

// `cmake --install` of this build tree: the tessel binary and its CMake files.
std::string installTessel(const std::string &work) {
  const std::string prefix = work + "/prefix";
  cross::require(std::string(E2E_CMAKE) + " --install " + e2e::quote(TESSEL_BUILD_DIR) +
                     " --prefix " + e2e::quote(prefix),
                 "installing tessel");
  return prefix;
}

// "top-5: 126 (0.1323) 732 (0.1068) ..." -> "126 732 ...": the classes only,
// since the scores may differ in the last digits between targets.
std::string topClasses(const std::string &output) {
  const size_t at = output.find("top-5:");
  REQUIRE_MESSAGE(at != std::string::npos, output);
  std::string classes;
  bool inScore = false;
  for (size_t i = at + 6; i < output.size() && output[i] != '\n'; ++i) {
    if (output[i] == '(')
      inScore = true;
    else if (output[i] == ')')
      inScore = false;
    else if (!inScore)
      classes += output[i];
  }
  return classes;
}

} // namespace

TEST_CASE("examples/classify builds for the host and the Pi and gives the same top-5") {
  cross::requireTools(cross::aarch64Gcc().tools);
  const std::string work = e2e::freshWorkDir("classify");
  const std::string prefix = installTessel(work);
  const std::string cmake = std::string(E2E_CMAKE);

  const std::string host = work + "/host";
  cross::require(cmake + " -S " + e2e::quote(kExample) + " -B " + e2e::quote(host) +
                     " -DCMAKE_PREFIX_PATH=" + e2e::quote(prefix),
                 "configuring examples/classify for the host");
  cross::require(cmake + " --build " + e2e::quote(host), "building examples/classify");
  const std::string hostOutput =
      cross::require(e2e::quote(host + "/classify") + " --repeat 3", "running classify");
  MESSAGE("host: " << hostOutput);

  const std::string pi = work + "/rpi64";
  cross::require(cmake + " -S " + e2e::quote(kExample) + " -B " + e2e::quote(pi) +
                     " -DCMAKE_PREFIX_PATH=" + e2e::quote(prefix) + " -DCMAKE_TOOLCHAIN_FILE=" +
                     e2e::quote(prefix + "/lib/cmake/tessel/toolchains/rpi64.cmake"),
                 "configuring examples/classify for the Pi");
  const std::string build =
      cross::require(cmake + " --build " + e2e::quote(pi), "cross-building examples/classify");
  CHECK(build.find("tessel: compiling") != std::string::npos);
  CHECK(build.find("for rpi4") != std::string::npos); // the toolchain file's board
  const std::string piOutput =
      cross::runUnderQemu(cross::aarch64Gcc(), pi + "/classify", "--repeat 1");
  MESSAGE("aarch64 under qemu: " << piOutput);

  CHECK(topClasses(hostOutput) == topClasses(piOutput));
}

TEST_CASE("examples/classify configures with tessel's source tree as a subdirectory") {
  const std::string work = e2e::freshWorkDir("classify-subdirectory");
  const std::string build = work + "/build";
  cross::require(std::string(E2E_CMAKE) + " -S " + e2e::quote(kExample) + " -B " +
                     e2e::quote(build) + " -DTESSEL_SOURCE_DIR=" + e2e::quote(TESSEL_SOURCE_DIR),
                 "configuring examples/classify with add_subdirectory");
  // The tree has the compiler (target `tessel`) that compiles the network
  // (target `mobilenet`).
  const std::string targets =
      cross::require(std::string(E2E_CMAKE) + " --build " + e2e::quote(build) + " --target help",
                     "listing the targets");
  CHECK(targets.find("tessel") != std::string::npos);
  CHECK(targets.find("mobilenet") != std::string::npos);
}

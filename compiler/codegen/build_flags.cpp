#include "codegen/build_flags.h"

#include <fmt/format.h>

#include "llvm/ADT/StringExtras.h"

namespace tessel {
namespace {

// Sets _tessel_cpu_named when the flags the build already has (for its build
// type too) choose a CPU: those win over the defaults.
constexpr const char *kCpuNamedCheck =
    "string(TOUPPER \"${CMAKE_BUILD_TYPE}\" _tessel_config)\n"
    "set(_tessel_cpu_named OFF)\n"
    "if(\"${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${_tessel_config}}\" MATCHES \"(^| "
    ")-m(cpu|arch)=\")\n"
    "  set(_tessel_cpu_named ON)\n"
    "endif()\n";

std::string nativeFlags(const BuildFlags &flags, const std::string &library) {
  return fmt::format(
      "\n# Code for the machine that builds it (target {0}): -march=native, or -mcpu=native\n"
      "# where the compiler has no -march=native, unless cross-compiling or the flags name a\n"
      "# CPU already. -DTESSEL_NATIVE=OFF builds for the compiler's default CPU instead (on\n"
      "# x86-64: SSE2, no FMA), for a program that runs on other machines.\n"
      "option(TESSEL_NATIVE \"Build the network for this machine's CPU (-march=native)\" ON)\n"
      "{2}"
      "if(TESSEL_NATIVE AND NOT CMAKE_CROSSCOMPILING AND NOT _tessel_cpu_named)\n"
      "  include(CheckCXXCompilerFlag)\n"
      "  check_cxx_compiler_flag(-march=native TESSEL_HAS_MARCH_NATIVE)\n"
      "  if(TESSEL_HAS_MARCH_NATIVE)\n"
      "    target_compile_options({1} PRIVATE -march=native)\n"
      "  else()\n"
      "    check_cxx_compiler_flag(-mcpu=native TESSEL_HAS_MCPU_NATIVE)\n"
      "    if(TESSEL_HAS_MCPU_NATIVE)\n"
      "      target_compile_options({1} PRIVATE -mcpu=native)\n"
      "    endif()\n"
      "  endif()\n"
      "endif()\n",
      flags.target, library, kCpuNamedCheck);
}

// The check's cache variable: one per architecture, shared by every network
// of a build.
std::string checkVariable(const std::string &architecture) {
  std::string name = "TESSEL_COMPILER_TARGETS_";
  for (char c : architecture) {
    if (llvm::isAlnum(c))
      name += llvm::toUpper(c);
    else if (name.back() != '_')
      name += '_';
  }
  if (name.back() == '_')
    name.pop_back();
  return name;
}

std::string boardFlags(const BuildFlags &flags, const std::string &library) {
  const std::string list = llvm::join(flags.cpuFlags, " ");
  return fmt::format(
      "\n# Code for the board's CPU (target {0}): {2},\n"
      "# when the compiler targets {3} and the flags name no CPU already (a\n"
      "# toolchain file's -mcpu or -march wins), so the same folder still builds for\n"
      "# another machine, e.g. for tests. -DTESSEL_CPU_FLAGS=OFF leaves the CPU to the compiler.\n"
      "option(TESSEL_CPU_FLAGS \"Build the network with the board's CPU flags ({2})\" ON)\n"
      "{6}"
      "if(TESSEL_CPU_FLAGS AND NOT _tessel_cpu_named)\n"
      "  include(CheckCXXSourceCompiles)\n"
      "  check_cxx_source_compiles(\"#if !({4})\\n#error not {3}\\n#endif\\nint main() {{ return "
      "0; }}\"\n"
      "                            {5})\n"
      "  if({5})\n"
      "    target_compile_options({1} PRIVATE {2})\n"
      "  endif()\n"
      "endif()\n",
      flags.target, library, list, flags.architecture, flags.condition,
      checkVariable(flags.architecture), kCpuNamedCheck);
}

} // namespace

std::string buildFlagsCMake(const BuildFlags &flags, const std::string &library) {
  if (flags.native)
    return nativeFlags(flags, library);
  if (!flags.cpuFlags.empty())
    return boardFlags(flags, library);
  return "";
}

} // namespace tessel

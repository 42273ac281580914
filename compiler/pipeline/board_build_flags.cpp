#include "pipeline/board_build_flags.h"

#include "llvm/Support/ARMTargetParser.h"

namespace tessel {

BuildFlags buildFlagsFor(const TargetProfile &profile) {
  BuildFlags flags;
  flags.target = profile.name;
  if (profile.cpu.empty()) {
    flags.native = !profile.toolchain; // built by the machine's own compiler, for itself
    return flags;
  }
  const llvm::Triple &triple = profile.triple;
  const std::string cpuFlag = "-mcpu=" + profile.cpu;
  if (triple.isAArch64()) {
    flags.architecture = "AArch64";
    flags.condition = "defined(__aarch64__)";
    flags.cpuFlags = {cpuFlag};
  } else if (triple.isARM() || triple.isThumb()) {
    // The M profile (Cortex-M) and the A profile (a Pi's 32-bit OS) differ in
    // instruction set and FPU: a profile's flags must not reach the other. A
    // bare-metal compiler without flags (arm-none-eabi-gcc: armv4t) takes the
    // M profile's, with -mthumb, the only instruction set of the M cores.
    if (llvm::ARM::parseArchProfile(triple.getArchName()) == llvm::ARM::ProfileKind::M) {
      flags.architecture = "bare-metal Arm";
      flags.condition = "defined(__arm__) && !defined(__linux__) && "
                        "(!defined(__ARM_ARCH_PROFILE) || __ARM_ARCH_PROFILE == 'M')";
      flags.cpuFlags = {cpuFlag, "-mthumb"};
    } else {
      flags.architecture = "32-bit Arm A-profile";
      flags.condition = "defined(__arm__) && __ARM_ARCH_PROFILE == 'A'";
      flags.cpuFlags = {cpuFlag};
    }
  } else if (triple.isX86()) {
    flags.architecture = triple.isArch64Bit() ? "x86-64" : "x86";
    flags.condition = triple.isArch64Bit() ? "defined(__x86_64__)" : "defined(__i386__)";
    flags.cpuFlags = {"-march=" + profile.cpu}; // x86 compilers take the CPU as -march
  } else {
    return flags; // no known spelling of the CPU flags: none
  }
  if (!profile.fpu.empty())
    flags.cpuFlags.push_back("-mfpu=" + profile.fpu);
  return flags;
}

} // namespace tessel

# The part of the Raspberry Pi toolchain files (rpi64*.cmake, rpi32*.cmake)
# that is the same for GCC and Clang: CPU flags, where the target's libraries
# are, and how to run the target's programs on the build machine. Expects
# TESSEL_CROSS_TRIPLE: aarch64-linux-gnu or arm-linux-gnueabihf.

if(TESSEL_CROSS_TRIPLE STREQUAL "aarch64-linux-gnu")
  # One instruction set (armv8-a) for every 64-bit Pi; -mcpu tunes the
  # instruction scheduling for the model.
  set(TESSEL_RPI_MODEL pi4 CACHE STRING "Raspberry Pi model to tune for: pi3, pi4 or pi5")
  set_property(CACHE TESSEL_RPI_MODEL PROPERTY STRINGS pi3 pi4 pi5)
  if(TESSEL_RPI_MODEL STREQUAL "pi3")
    set(_tessel_arch_flags "-mcpu=cortex-a53") # also the Zero 2 W
  elseif(TESSEL_RPI_MODEL STREQUAL "pi4")
    set(_tessel_arch_flags "-mcpu=cortex-a72")
  elseif(TESSEL_RPI_MODEL STREQUAL "pi5")
    set(_tessel_arch_flags "-mcpu=cortex-a76")
  else()
    message(FATAL_ERROR "TESSEL_RPI_MODEL is '${TESSEL_RPI_MODEL}'; use pi3, pi4 or pi5")
  endif()
  # CMake's compiler checks run as separate projects: hand them the model.
  list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TESSEL_RPI_MODEL)
  # The board profile (targets/) tessel_add_network() compiles for by default.
  string(REPLACE "pi" "rpi" TESSEL_DEFAULT_TARGET "${TESSEL_RPI_MODEL}")
else()
  # What every Pi from the 2 v1.2 on runs in 32-bit mode. NEON and VFPv4
  # (which has a fused multiply-add); the hard-float ABI of Raspberry Pi OS.
  set(_tessel_arch_flags "-march=armv7-a -mfpu=neon-vfpv4 -mfloat-abi=hard")
  set(TESSEL_DEFAULT_TARGET rpi-zero2)
endif()

foreach(lang C CXX ASM)
  set(CMAKE_${lang}_FLAGS_INIT "${_tessel_arch_flags}")
endforeach()

# Headers and libraries for the target come from Debian's cross root
# (/usr/<triple>), programs (tessel, code generators) from the build machine.
set(_tessel_cross_root /usr/${TESSEL_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH ${_tessel_cross_root})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# With qemu-user installed, add_test() and try_run() run the target's programs
# through it: qemu-aarch64 or qemu-arm, with the cross root as the target's /.
string(REGEX REPLACE "-.*" "" _tessel_qemu_arch "${TESSEL_CROSS_TRIPLE}")
find_program(TESSEL_QEMU_${_tessel_qemu_arch} qemu-${_tessel_qemu_arch})
if(TESSEL_QEMU_${_tessel_qemu_arch})
  set(CMAKE_CROSSCOMPILING_EMULATOR ${TESSEL_QEMU_${_tessel_qemu_arch}} -L ${_tessel_cross_root})
endif()

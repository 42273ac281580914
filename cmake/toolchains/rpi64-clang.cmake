# Raspberry Pi 3, 4 or 5 with 64-bit Raspberry Pi OS (aarch64), built with
# Clang 14 (clang-14). Clang has no target libraries of its own: it finds the
# C and C++ libraries, startup files and linker of Debian's GCC cross
# packages, so g++-aarch64-linux-gnu must be installed too
# (scripts/install-deps.sh --cross).
#
#   cmake -S DIR -B BUILD -DCMAKE_TOOLCHAIN_FILE=<tessel>/cmake/toolchains/rpi64-clang.cmake \
#         [-DTESSEL_RPI_MODEL=pi3|pi4|pi5]
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(TESSEL_CROSS_TRIPLE aarch64-linux-gnu)

set(CMAKE_C_COMPILER clang-14)
set(CMAKE_CXX_COMPILER clang++-14)
set(CMAKE_ASM_COMPILER clang-14)
foreach(lang C CXX ASM)
  set(CMAKE_${lang}_COMPILER_TARGET ${TESSEL_CROSS_TRIPLE}) # --target=aarch64-linux-gnu
endforeach()

include(${CMAKE_CURRENT_LIST_DIR}/rpi-common.cmake)

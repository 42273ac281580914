# Raspberry Pi Zero 2 W, 2 or 3 with 32-bit Raspberry Pi OS (armv7-a, hard
# float, NEON), built with Clang 14 (clang-14). Clang uses the C and C++
# libraries, startup files and linker of Debian's GCC cross packages, so
# g++-arm-linux-gnueabihf must be installed too (scripts/install-deps.sh --cross).
#
#   cmake -S DIR -B BUILD -DCMAKE_TOOLCHAIN_FILE=<tessel>/cmake/toolchains/rpi32-clang.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(TESSEL_CROSS_TRIPLE arm-linux-gnueabihf)

set(CMAKE_C_COMPILER clang-14)
set(CMAKE_CXX_COMPILER clang++-14)
set(CMAKE_ASM_COMPILER clang-14)
foreach(lang C CXX ASM)
  set(CMAKE_${lang}_COMPILER_TARGET ${TESSEL_CROSS_TRIPLE}) # --target=arm-linux-gnueabihf
endforeach()

include(${CMAKE_CURRENT_LIST_DIR}/rpi-common.cmake)

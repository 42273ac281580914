# Raspberry Pi Zero 2 W, 2 or 3 with 32-bit Raspberry Pi OS (armv7-a, hard
# float, NEON), built with Debian's GCC cross compiler
# (g++-arm-linux-gnueabihf; scripts/install-deps.sh --cross installs it).
#
#   cmake -S DIR -B BUILD -DCMAKE_TOOLCHAIN_FILE=<tessel>/cmake/toolchains/rpi32.cmake
#
# Not for the Pi 1 or Zero (W): those are armv6, without NEON.
# Add your own flags with CXXFLAGS=... on the first configure: setting
# CMAKE_CXX_FLAGS on the command line would replace the architecture flags.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(TESSEL_CROSS_TRIPLE arm-linux-gnueabihf)

set(CMAKE_C_COMPILER ${TESSEL_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${TESSEL_CROSS_TRIPLE}-g++)
set(CMAKE_ASM_COMPILER ${TESSEL_CROSS_TRIPLE}-gcc)

include(${CMAKE_CURRENT_LIST_DIR}/rpi-common.cmake)

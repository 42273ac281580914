# Raspberry Pi 3, 4 or 5 with 64-bit Raspberry Pi OS (aarch64), built with
# Debian's GCC cross compiler (g++-aarch64-linux-gnu; scripts/install-deps.sh
# --cross installs it).
#
#   cmake -S DIR -B BUILD -DCMAKE_TOOLCHAIN_FILE=<tessel>/cmake/toolchains/rpi64.cmake \
#         [-DTESSEL_RPI_MODEL=pi3|pi4|pi5]
#
# TESSEL_RPI_MODEL (default pi4) picks the -mcpu the code is tuned for.
# Add your own flags with CXXFLAGS=... on the first configure: setting
# CMAKE_CXX_FLAGS on the command line would replace the -mcpu flag.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(TESSEL_CROSS_TRIPLE aarch64-linux-gnu)

set(CMAKE_C_COMPILER ${TESSEL_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${TESSEL_CROSS_TRIPLE}-g++)
set(CMAKE_ASM_COMPILER ${TESSEL_CROSS_TRIPLE}-gcc)

include(${CMAKE_CURRENT_LIST_DIR}/rpi-common.cmake)

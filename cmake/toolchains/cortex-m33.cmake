# Cortex-M33 with its single-precision FPU, as on the Raspberry Pi Pico 2
# (RP2350), bare metal, with Arm's GCC (Debian: gcc-arm-none-eabi;
# scripts/install-deps.sh --cross).
#
#   cmake -S DIR -B BUILD -DCMAKE_TOOLCHAIN_FILE=<tessel>/cmake/toolchains/cortex-m33.cmake \
#         -DCMAKE_BUILD_TYPE=MinSizeRel
#
# Builds the generated library only; examples/firmware shows a firmware image.
set(TESSEL_CORTEX_M_FLAGS "-mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16")
set(TESSEL_DEFAULT_TARGET cortex-m33)
include(${CMAKE_CURRENT_LIST_DIR}/cortex-m-common.cmake)

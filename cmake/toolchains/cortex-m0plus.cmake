# Cortex-M0+ without FPU (software floating point), as on the Raspberry Pi
# Pico (RP2040), bare metal, with Arm's GCC (Debian: gcc-arm-none-eabi;
# scripts/install-deps.sh --cross).
#
#   cmake -S DIR -B BUILD -DCMAKE_TOOLCHAIN_FILE=<tessel>/cmake/toolchains/cortex-m0plus.cmake \
#         -DCMAKE_BUILD_TYPE=MinSizeRel
#
# Builds the generated library only; examples/firmware shows a firmware image.
set(TESSEL_CORTEX_M_FLAGS "-mcpu=cortex-m0plus -mthumb -mfloat-abi=soft")
set(TESSEL_DEFAULT_TARGET cortex-m0plus)
include(${CMAKE_CURRENT_LIST_DIR}/cortex-m-common.cmake)

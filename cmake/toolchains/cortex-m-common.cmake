# The part of the Cortex-M toolchain files (cortex-m33.cmake,
# cortex-m0plus.cmake) that is the same for every core: Arm's bare-metal GCC
# (Debian: gcc-arm-none-eabi with newlib), no OS, and the flags firmware is
# built with. Expects TESSEL_CORTEX_M_FLAGS (the core and its FPU) and
# TESSEL_DEFAULT_TARGET (the board profile in targets/).
set(CMAKE_SYSTEM_NAME Generic) # no OS: generated projects build the library only
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
# A test program cannot link without startup code and a memory map: CMake's
# compiler checks build a static library instead.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# -ffreestanding: no hosted C library assumptions. -ffunction-sections and
# -fdata-sections with --gc-sections: unused code and data are dropped from
# the image. C++ without exceptions, RTTI or thread-safe statics needs nothing
# from the C++ runtime library (link with gcc, not g++). -Os: firmware is
# usually size-bound; the MinSizeRel build type keeps it (Release would use -O3).
set(_tessel_firmware_flags "${TESSEL_CORTEX_M_FLAGS} -ffreestanding -ffunction-sections -fdata-sections -Os")
set(CMAKE_C_FLAGS_INIT "${_tessel_firmware_flags}")
set(CMAKE_CXX_FLAGS_INIT "${_tessel_firmware_flags} -fno-exceptions -fno-rtti -fno-threadsafe-statics")
set(CMAKE_ASM_FLAGS_INIT "${TESSEL_CORTEX_M_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections")

# newlib's headers and libraries for the core come with the compiler; search
# nothing on the build machine but programs.
set(CMAKE_FIND_ROOT_PATH /usr/lib/arm-none-eabi)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

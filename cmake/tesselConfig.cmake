# find_package(tessel): an installed tessel (`cmake --install`), giving
#   tessel::tessel          the compiler, an imported executable
#   tessel_add_network()    compile a network at build time (TesselAddNetwork.cmake)
#   TESSEL_TOOLCHAINS_DIR   the toolchain files: rpi64.cmake, cortex-m33.cmake, ...
#
# Installed as <prefix>/lib/cmake/tessel/tesselConfig.cmake. tessel runs on the
# build machine, so a cross build must look for it outside the target's root:
#   find_package(tessel REQUIRED NO_CMAKE_FIND_ROOT_PATH)
get_filename_component(_tessel_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)

if(NOT EXISTS "${_tessel_prefix}/bin/tessel")
  set(tessel_FOUND FALSE)
  set(tessel_NOT_FOUND_MESSAGE "the tessel executable is missing: ${_tessel_prefix}/bin/tessel")
  return()
endif()
if(NOT TARGET tessel::tessel)
  add_executable(tessel::tessel IMPORTED)
  set_target_properties(tessel::tessel PROPERTIES IMPORTED_LOCATION "${_tessel_prefix}/bin/tessel")
endif()

set(TESSEL_TOOLCHAINS_DIR "${CMAKE_CURRENT_LIST_DIR}/toolchains")
include("${CMAKE_CURRENT_LIST_DIR}/TesselAddNetwork.cmake")
unset(_tessel_prefix)

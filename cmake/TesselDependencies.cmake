# Finds the compiler's dependencies, all from Debian packages:
#   llvm-14-dev (LLVM Support: command line, errors, JSON),
#   libfmt-dev, libyaml-cpp-dev, doctest-dev, libonnx-dev and libprotobuf-dev.
# scripts/install-deps.sh installs them.

find_package(LLVM 14 CONFIG REQUIRED
  HINTS /usr/lib/llvm-14/lib/cmake/llvm /usr/lib/llvm-14/cmake)
message(STATUS "tessel: LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}")

# One imported target for LLVM Support. Debian ships LLVM as one shared
# library; prefer it (fast links), fall back to the static component.
add_library(tessel::llvm_support INTERFACE IMPORTED)
target_include_directories(tessel::llvm_support SYSTEM INTERFACE ${LLVM_INCLUDE_DIRS})
separate_arguments(_tessel_llvm_defs NATIVE_COMMAND "${LLVM_DEFINITIONS}")
target_compile_definitions(tessel::llvm_support INTERFACE ${_tessel_llvm_defs})
if(TARGET LLVM)
  target_link_libraries(tessel::llvm_support INTERFACE LLVM)
else()
  llvm_map_components_to_libnames(_tessel_llvm_libs support)
  target_link_libraries(tessel::llvm_support INTERFACE ${_tessel_llvm_libs})
endif()

# The ONNX importer reads models through Debian's libonnx-dev (the generated
# protobuf classes, target onnx_proto) on libprotobuf-dev.
find_package(Protobuf REQUIRED)
find_package(ONNX CONFIG REQUIRED)

find_package(fmt CONFIG REQUIRED)
find_package(yaml-cpp CONFIG REQUIRED)
# Debian's yaml-cpp 0.7 config names its target `yaml-cpp`; newer ones add a namespace.
if(TARGET yaml-cpp::yaml-cpp)
  set(TESSEL_YAML_TARGET yaml-cpp::yaml-cpp)
else()
  set(TESSEL_YAML_TARGET yaml-cpp)
endif()

if(TESSEL_BUILD_TESTS)
  find_package(doctest CONFIG REQUIRED)
  include(doctest) # doctest_discover_tests()
endif()

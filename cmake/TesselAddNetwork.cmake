# tessel_add_network(): compile a network with tessel while your project
# builds, and link the generated code like any static library.
#
#   tessel_add_network(<target>
#     NETWORK <file.yaml>          the network description
#     [BUDGET <size>]              e.g. 64MiB; default: the board profile's
#     [TARGET <board> | TARGET_FILE <profile.yaml>]
#                                  board profile (targets/); default: the one the
#                                  toolchain file names (rpi4, cortex-m33, ...), else host
#     [SCHEDULE <text>]            e.g. "0-7:tile3x3, 8-15:stream2"
#     [INPUT_SIZE <HxW>]           run the network at another input size
#     [NAME <identifier>]          prefix of the generated files and symbols; default <target>
#     [DEPENDS <file>...])         other files the network reads (a weights file)
#
# <target> is a static library; linking it gives its header <NAME>.h:
#
#   tessel_add_network(detector NETWORK nets/yolo.yaml BUDGET 64MiB INPUT_SIZE 320x320)
#   target_link_libraries(app PRIVATE detector)     # app calls detector_run()
#
# The tessel compiler used, in this order: TESSEL_EXECUTABLE (a path), the
# imported target tessel::tessel (find_package(tessel)), or the target
# `tessel` (add_subdirectory of tessel's source tree). tessel runs on the build
# machine, so a cross build needs an installed tessel or TESSEL_EXECUTABLE.
#
# The generated folder has its own CMakeLists.txt, but it does not exist
# until the build runs tessel, so this function declares the same library
# directly from the generated file names. Its compile options are read from
# the template of that CMakeLists.txt, so the two stay the same.
include_guard(GLOBAL)

# The template of the generated CMakeLists.txt: in tessel's source tree, or
# installed beside this file.
foreach(_tessel_candidate "${CMAKE_CURRENT_LIST_DIR}/../codegen_templates/CMakeLists.txt.in"
                          "${CMAKE_CURRENT_LIST_DIR}/codegen_templates/CMakeLists.txt.in")
  if(EXISTS "${_tessel_candidate}")
    get_filename_component(_tessel_template_file "${_tessel_candidate}" ABSOLUTE)
    break()
  endif()
endforeach()
if(NOT _tessel_template_file)
  message(FATAL_ERROR "TesselAddNetwork: codegen_templates/CMakeLists.txt.in not found "
                      "near ${CMAKE_CURRENT_LIST_DIR}")
endif()

# The C++ options the generated CMakeLists.txt compiles the network with,
# from its line `$<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions ...>`.
file(READ "${_tessel_template_file}" _tessel_template)
if(NOT _tessel_template MATCHES "target_compile_options\\(@c_name@ PRIVATE[ \t\r\n]+\\$<\\$<COMPILE_LANGUAGE:CXX>:([^>]+)>\\)")
  message(FATAL_ERROR "TesselAddNetwork: cannot find the compile options in "
                      "${_tessel_template_file}; update the pattern in "
                      "${CMAKE_CURRENT_LIST_FILE} to match it")
endif()
separate_arguments(_tessel_options UNIX_COMMAND "${CMAKE_MATCH_1}")
# A global property, so the function sees it when called from any directory.
set_property(GLOBAL PROPERTY TESSEL_GENERATED_CXX_OPTIONS "${_tessel_options}")
unset(_tessel_template)
unset(_tessel_options)
unset(_tessel_template_file)
unset(_tessel_candidate)

function(tessel_add_network target)
  cmake_parse_arguments(PARSE_ARGV 1 arg ""
                        "NETWORK;BUDGET;TARGET;TARGET_FILE;SCHEDULE;INPUT_SIZE;NAME" "DEPENDS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "tessel_add_network(${target}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_NETWORK)
    message(FATAL_ERROR "tessel_add_network(${target}): NETWORK <file.yaml> is required")
  endif()
  if(arg_TARGET AND arg_TARGET_FILE)
    message(FATAL_ERROR "tessel_add_network(${target}): give TARGET or TARGET_FILE, not both")
  endif()
  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  if(NOT "ASM" IN_LIST languages OR NOT "CXX" IN_LIST languages)
    message(FATAL_ERROR "tessel_add_network(${target}): the generated code needs the CXX and "
                        "ASM languages (the weights are embedded by an assembler file): "
                        "project(... LANGUAGES CXX ASM)")
  endif()

  set(name "${target}")
  if(arg_NAME)
    set(name "${arg_NAME}")
  endif()
  if(NOT name MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "tessel_add_network(${target}): '${name}' is not a C identifier; "
                        "give NAME <identifier>")
  endif()

  # Which tessel to run, and what the command depends on.
  if(TESSEL_EXECUTABLE)
    set(tessel "${TESSEL_EXECUTABLE}")
    set(tessel_file "${TESSEL_EXECUTABLE}")
  elseif(TARGET tessel::tessel)
    set(tessel tessel::tessel)
    set(tessel_file "$<TARGET_FILE:tessel::tessel>")
  elseif(TARGET tessel)
    set(tessel tessel)
    set(tessel_file tessel) # a target: rebuilt first, and the command reruns when it changes
  else()
    message(FATAL_ERROR "tessel_add_network(${target}): no tessel compiler; use "
                        "find_package(tessel), add_subdirectory(<tessel source>) or set "
                        "TESSEL_EXECUTABLE")
  endif()

  get_filename_component(network "${arg_NETWORK}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  set(options --quiet --name "${name}")
  set(board "${arg_TARGET}")
  if(NOT board AND NOT arg_TARGET_FILE)
    set(board "${TESSEL_DEFAULT_TARGET}") # set by tessel's toolchain files
  endif()
  if(board)
    list(APPEND options --target "${board}")
  else()
    set(board host)
  endif()
  if(arg_TARGET_FILE)
    get_filename_component(profile "${arg_TARGET_FILE}" ABSOLUTE
                           BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND options --target-file "${profile}")
    list(APPEND arg_DEPENDS "${profile}")
    set(board "${arg_TARGET_FILE}")
  endif()
  if(arg_BUDGET)
    list(APPEND options --budget "${arg_BUDGET}")
  endif()
  if(arg_SCHEDULE)
    list(APPEND options --schedule "${arg_SCHEDULE}")
  endif()
  if(arg_INPUT_SIZE)
    list(APPEND options --input-size "${arg_INPUT_SIZE}")
  endif()

  # The files `tessel compile --name NAME` writes that the build uses.
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/${target}_generated")
  set(header "${dir}/${name}.h")
  set(source "${dir}/${name}.cpp")
  set(weights_asm "${dir}/${name}_weights.S")
  set(weights "${dir}/${name}.weights")
  add_custom_command(
    OUTPUT "${header}" "${source}" "${weights_asm}" "${weights}"
    COMMAND ${tessel} compile "${network}" -o "${dir}" ${options}
    DEPENDS "${network}" "${tessel_file}" ${arg_DEPENDS}
    COMMENT "tessel: compiling ${arg_NETWORK} for ${board}"
    VERBATIM)

  # As the generated CMakeLists.txt declares it (codegen_templates/CMakeLists.txt.in).
  add_library(${target} STATIC "${source}" "${weights_asm}")
  target_include_directories(${target} PUBLIC "${dir}" PRIVATE "${dir}/runtime")
  target_compile_features(${target} PUBLIC cxx_std_17)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
  get_property(cxx_options GLOBAL PROPERTY TESSEL_GENERATED_CXX_OPTIONS)
  target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:${cxx_options}>")
  set_source_files_properties("${weights_asm}" PROPERTIES
    COMPILE_DEFINITIONS "TESSEL_WEIGHTS_FILE=\"${weights}\""
    OBJECT_DEPENDS "${weights}")
endfunction()

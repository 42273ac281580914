# Runs EXE when /proc/cpuinfo lists CPU_FLAG; otherwise prints a line the
# test's SKIP_REGULAR_EXPRESSION matches, so CTest reports a skip, not a pass.
#   cmake -DCPU_FLAG=avx512f -DEXE=path -P run_if_cpu_has.cmake
set(cpuinfo "")
if(EXISTS /proc/cpuinfo)
  file(READ /proc/cpuinfo cpuinfo)
endif()
if(NOT cpuinfo MATCHES "[ \t]${CPU_FLAG}[ \n]")
  message("skipped: this CPU does not have ${CPU_FLAG}")
  return()
endif()
execute_process(COMMAND ${EXE} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${EXE} failed: ${result}")
endif()

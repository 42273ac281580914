# Warnings for the project's own code: everything reasonable, as errors in CI.
option(TESSEL_WERROR "Treat warnings as errors" OFF)

function(tessel_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local)
  if(TESSEL_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

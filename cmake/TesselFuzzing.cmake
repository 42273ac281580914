# libFuzzer builds (-DTESSEL_FUZZ=ON, Clang only): every library of the
# compiler is instrumented for coverage and checked by AddressSanitizer and
# UBSan, so the fuzz targets in tests/fuzz/ see and report everything they
# reach. Use a build folder of its own: tests/fuzz/run.sh makes one.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "TESSEL_FUZZ needs Clang (libFuzzer), e.g. -DCMAKE_CXX_COMPILER=clang++-14; "
                      "the compiler is ${CMAKE_CXX_COMPILER_ID}")
endif()
set(TESSEL_FUZZ_SANITIZERS "address,undefined")
add_compile_options(-fsanitize=fuzzer-no-link,${TESSEL_FUZZ_SANITIZERS}
                    -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g)
add_link_options(-fsanitize=${TESSEL_FUZZ_SANITIZERS})

// Runs the network once from firmware: the input, output and arena are
// static arrays, so all memory is known at link time and nothing is
// allocated. The network is compiled with `--name network`, which names its
// header network.h, its function network_run() and its macros NETWORK_*.
#include "network.h"

#if !defined(__ARM_ARCH_PROFILE) || __ARM_ARCH_PROFILE != 'M'
#error "build with a Cortex-M toolchain file, e.g. cmake/toolchains/cortex-m33.cmake"
#endif

// The arena holds every activation; it must be aligned as the header says.
// (NETWORK_ARENA_BYTES is never 0, even for a network that needs no arena.)
static _Alignas(NETWORK_ARENA_ALIGNMENT) unsigned char arena[NETWORK_ARENA_BYTES];
static float input[NETWORK_INPUT_ELEMENTS];   // NCHW, e.g. from a camera or sensor
static float output[NETWORK_OUTPUT_ELEMENTS]; // NCHW

// Written so the compiler cannot drop the run; a debugger can read them.
volatile int run_status;
volatile float first_output;

int main(void) {
  // Stand-in for sensor data: a ramp of values in [0, 1].
  for (unsigned i = 0; i < NETWORK_INPUT_ELEMENTS; ++i)
    input[i] = (float)(i % 256u) / 255.0f;

  run_status = network_run(input, output, arena); // 0 on success
  first_output = output[0];
  return 0;
}

// Minimal startup code for the check image: a vector table with the initial
// stack pointer and the reset handler, and a reset handler that sets up
// memory as C expects and calls main(). A board's SDK supplies a complete one
// (interrupt vectors, clocks, boot block).
#include <stdint.h>
#include <string.h>

// Defined by memory.ld.
extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[], __stack_top[];

int main(void);

void reset_handler(void) {
  // Initialized data is stored in flash and copied to SRAM; .bss (the arena)
  // starts zeroed.
  memcpy(__data_start, __data_load, (size_t)((char *)__data_end - (char *)__data_start));
  memset(__bss_start, 0, (size_t)((char *)__bss_end - (char *)__bss_start));
  main();
  for (;;) {
  }
}

// The first two entries of the Cortex-M vector table; the core loads the
// stack pointer and the reset address from here.
struct vector_table {
  uint32_t *initial_stack_pointer;
  void (*reset)(void);
};

__attribute__((section(".vectors"), used)) static const struct vector_table vectors = {
    __stack_top,
    reset_handler,
};

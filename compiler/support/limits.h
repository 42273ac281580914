// Size limits the compiler accepts. They keep every size computation far from
// integer overflow, and no network a small board can run comes near them.
#pragma once

#include <cstdint>
#include <initializer_list>

namespace tessel {

// Largest value of any single size attribute (channels, kernel, stride,
// padding, ...) and of any spatial extent.
constexpr int kMaxDimension = 1'000'000;

// Largest element count of any feature map or parameter tensor, and of all
// parameters of a network together (2^31 - 1, so counts fit in an int; the
// parameters are held tighter still by kMaxParameterBytes).
constexpr int64_t kMaxTensorElements = (int64_t(1) << 31) - 1;

// Largest network description or target profile file: real ones are a few
// KiB, so anything bigger is a mistake (a device, a weights file) and is
// refused before it is read.
constexpr int64_t kMaxDescriptionBytes = int64_t(16) << 20;

// Largest total size of a network's parameters as float32 (2 GiB, 512 Mi
// parameters: several times VGG-16). Checked before any weight is allocated
// or read; no board tessel targets holds more.
constexpr int64_t kMaxParameterBytes = int64_t(1) << 31;

// Most threads generated code runs on: the runtime thread pool's limit,
// kMaxPoolThreads in tessel/thread_pool.h (test_thread_pool checks they agree).
constexpr int kMaxThreads = 64;

// Largest raw float32 file `tessel compare` reads: the largest feature map.
constexpr int64_t kMaxFloatFileBytes = kMaxTensorElements * 4;

// Most bytes read from a device or pipe (no size known in advance) when
// nothing else bounds it, e.g. `tessel compare` of two such files.
constexpr int64_t kMaxUnsizedFileBytes = int64_t(256) << 20;

// Most memory `tessel run` may use: the reference executor keeps every
// layer's output and computes each in double. Beyond it a run would exhaust
// the machine rather than fail cleanly.
constexpr int64_t kMaxReferenceBytes = int64_t(8) << 30;

// Largest arena plus weights the generated code may declare on a 32-bit
// target: one object must stay below PTRDIFF_MAX (2^31 - 1) there, and the
// arena and the weights share the address space with the program and the OS.
constexpr int64_t kMaxAddressable32Bytes = (int64_t(1) << 31) - 1;

// The same on a 64-bit target: far beyond any board's RAM, and far from any
// overflow in the sizes generated code computes.
constexpr int64_t kMaxAddressable64Bytes = int64_t(1) << 40;

// Product of non-negative factors below 2^32, or kMaxTensorElements + 1 as
// soon as it passes the limit (so it cannot overflow).
inline int64_t limitedProduct(std::initializer_list<int64_t> factors) {
  int64_t product = 1;
  for (int64_t factor : factors) {
    product *= factor;
    if (product > kMaxTensorElements)
      return kMaxTensorElements + 1;
  }
  return product;
}

} // namespace tessel

// Checks of the compiler's own invariants. A broken one is a compiler bug,
// not bad input, so it aborts (in release builds too) with a message naming
// the part of the compiler, rather than produce silently wrong code.
#pragma once

#include "llvm/Support/ErrorHandling.h"

#include <fmt/format.h>

#include <string>
#include <utility>

namespace tessel {

template <typename... Args>
void requireInvariant(bool condition, const char *component, fmt::format_string<Args...> what,
                      Args &&...args) {
  if (condition)
    return;
  const std::string message =
      std::string(component) + ": " + fmt::format(what, std::forward<Args>(args)...);
  llvm::report_fatal_error(message.c_str(), /*gen_crash_diag=*/false);
}

} // namespace tessel

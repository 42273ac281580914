// The reference trusts the frontend to hand it a well-formed network. These
// checks turn a broken invariant into an abort that names the layer, instead
// of an oracle that silently computes the wrong thing.
#pragma once

#include "ir/network.h"

#include "llvm/Support/ErrorHandling.h"

#include <fmt/format.h>

#include <utility>

namespace tessel::reference {

template <typename... Args>
void require(bool condition, const Layer &layer, fmt::format_string<Args...> what, Args &&...args) {
  if (condition)
    return;
  std::string message =
      fmt::format("reference executor: layer '{}' ({}): {}", layer.name, opName(layer.op),
                  fmt::format(what, std::forward<Args>(args)...));
  llvm::report_fatal_error(message.c_str(), /*gen_crash_diag=*/false);
}

} // namespace tessel::reference

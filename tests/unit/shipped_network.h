// A network from networks/, loaded and normalized as the compiler uses it,
// and its layers by name.
#pragma once

#include "frontend/load_network.h"
#include "normalize/normalize.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>

namespace tessel::testing {

// networks/<name>.yaml, at `size` x `size` when given.
inline Network loadShipped(const std::string &name, std::optional<int> size = std::nullopt) {
  LoadOptions options;
  if (size)
    options.inputSize = std::make_pair(*size, *size);
  llvm::Expected<Network> net =
      loadNetwork(std::string(TESSEL_SOURCE_DIR) + "/networks/" + name + ".yaml", options);
  if (!net)
    FAIL(llvm::toString(net.takeError()));
  return normalize(*net);
}

// The normalized index of the layer named `name`.
inline int layerNamed(const Network &net, const std::string &name) {
  for (size_t i = 0; i < net.layers.size(); ++i)
    if (net.layers[i].name == name)
      return int(i);
  FAIL("no layer '" << name << "'");
  return -1;
}

} // namespace tessel::testing

// What the fuzz targets share: a private scratch file per process for front
// ends that read from a path, and the steps `tessel info` takes with a
// network once it is read.
#pragma once

#include "analysis/parameter_layout.h"
#include "analysis/shape_inference.h"
#include "frontend/load_network.h"
#include "normalize/normalize.h"
#include "schedule/execution_plan.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <unistd.h>
#include <utility>

namespace fuzz {

// Writes the input to `<tmp>/tessel-fuzz-<pid>-<name>` and returns its path.
// Aborts when the file cannot be written: a fuzzer that silently tests
// nothing is worse than one that stops.
inline std::string writeInputFile(const char *name, const uint8_t *data, size_t size) {
  const char *tmp = std::getenv("TMPDIR");
  const std::string path = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                           "/tessel-fuzz-" + std::to_string(getpid()) + "-" + name;
  std::FILE *file = std::fopen(path.c_str(), "wb");
  if (file == nullptr || std::fwrite(data, 1, size, file) != size || std::fclose(file) != 0) {
    std::perror(path.c_str());
    std::abort();
  }
  return path;
}

// Valid but large networks (a cfg may declare 1,000,000 x 1,000,000 inputs;
// yolov2-16 at 608x608 is among the seeds) take seconds under the sanitizers,
// and their time and memory are not the fuzzer's to find: they are parsed,
// checked and measured, but not loaded.
constexpr int64_t kMaxLoadedParameters = 1'000'000;
constexpr int64_t kMaxLoadedActivationElements = 4'000'000;

// Whether `net`, as parsed but not yet loaded, is small enough to load.
// Infers its shapes first; a network they fail on counts as small, since the
// loader reports the same error.
inline bool smallEnoughToLoad(tessel::Network &net) {
  if (llvm::Error error = tessel::inferShapes(net)) {
    llvm::consumeError(std::move(error));
    return true;
  }
  int64_t activations = 0;
  for (const tessel::Layer &layer : net.layers)
    activations += layer.output.elements();
  return tessel::networkParameterCount(net) <= kMaxLoadedParameters &&
         activations <= kMaxLoadedActivationElements;
}

// The input, written to a file `name`, through what `tessel info` does with
// it: load, normalize, plan `layers`. Returns the normalized network, or
// nothing when the loader rejects the input.
inline std::optional<tessel::Network> loadAndPlanLayers(const char *name, const uint8_t *data,
                                                        size_t size) {
  llvm::Expected<tessel::Network> loaded = tessel::loadNetwork(writeInputFile(name, data, size));
  if (!loaded) {
    llvm::consumeError(loaded.takeError());
    return std::nullopt;
  }
  tessel::Network net = tessel::normalize(*loaded);
  llvm::Expected<tessel::ExecutionPlan> plan =
      tessel::lowerSchedule(net, tessel::layerByLayer(net));
  if (!plan)
    llvm::consumeError(plan.takeError());
  return net;
}

} // namespace fuzz

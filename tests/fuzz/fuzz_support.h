// What the fuzz targets share: a private scratch file per process for front
// ends that read from a path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

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

} // namespace fuzz

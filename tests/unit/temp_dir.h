// A unique temporary folder for one test, removed with everything in it when
// the test ends.
#pragma once

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <string>

namespace tessel::testing {

class TempDir {
public:
  explicit TempDir(const char *prefix) {
    llvm::SmallString<128> path;
    REQUIRE_FALSE(llvm::sys::fs::createUniqueDirectory(prefix, path));
    path_ = std::string(path);
  }
  ~TempDir() { llvm::sys::fs::remove_directories(path_); }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  std::string path(const std::string &name) const { return path_ + "/" + name; }

  // Writes `contents` to the file `name` in the folder; returns its path.
  std::string write(const std::string &name, const std::string &contents) const {
    const std::string file = path(name);
    std::ofstream(file, std::ios::binary) << contents;
    return file;
  }

  // A sparse file of `bytes` bytes: it takes no disk space.
  std::string sparse(const std::string &name, uint64_t bytes) const {
    const std::string file = write(name, "");
    int fd = -1;
    REQUIRE_FALSE(llvm::sys::fs::openFileForWrite(file, fd));
    CHECK_FALSE(llvm::sys::fs::resize_file(fd, bytes));
    llvm::sys::fs::closeFile(fd);
    return file;
  }

private:
  std::string path_;
};

} // namespace tessel::testing

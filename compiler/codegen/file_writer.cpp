#include "codegen/file_writer.h"

#include "llvm/Support/Errc.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace tessel {
namespace {

namespace fs = llvm::sys::fs;

llvm::Error ioError(const std::string &path, std::error_code code) {
  return llvm::createStringError(code, "cannot write '%s': %s", path.c_str(),
                                 code.message().c_str());
}

void removeAll(const std::vector<std::string> &paths) {
  for (const std::string &path : paths)
    fs::remove(path);
}

// Writes `contents` to `fd` and closes it.
std::error_code writeAndClose(int fd, llvm::StringRef contents) {
  llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
  out << contents;
  out.close();
  std::error_code code = out.error();
  out.clear_error(); // returned; an unhandled one would abort
  return code;
}

// Creates a new entry `directory/model` (each '%' a random hex digit): a file,
// opened into `fd`, or a folder when `fd` is null. LLVM's createUniqueFile
// would randomize a '%' anywhere in the path, the directory's included.
std::error_code createUnique(const std::string &directory, llvm::StringRef model, int *fd,
                             std::string &path) {
  std::error_code code;
  for (int attempt = 0; attempt < 128; ++attempt) {
    llvm::SmallString<128> name;
    fs::createUniquePath(model, name, /*MakeAbsolute=*/false);
    llvm::SmallString<256> candidate(directory);
    llvm::sys::path::append(candidate, name);
    code = fd ? fs::openFileForWrite(candidate, *fd, fs::CD_CreateNew)
              : fs::create_directory(candidate, /*IgnoreExisting=*/false);
    path = std::string(candidate);
    if (code != llvm::errc::file_exists)
      return code;
  }
  return code;
}

} // namespace

llvm::Error writeNewFile(const std::string &path, llvm::StringRef contents) {
  int fd = -1;
  if (std::error_code code = fs::openFileForWrite(path, fd, fs::CD_CreateNew))
    return ioError(path, code);
  if (std::error_code code = writeAndClose(fd, contents)) {
    fs::remove(path);
    return ioError(path, code);
  }
  return llvm::Error::success();
}

llvm::Expected<std::string> createUniqueFolder(const std::string &directory,
                                               llvm::StringRef model) {
  std::string path;
  if (std::error_code code = createUnique(directory, model, nullptr, path))
    return llvm::createStringError(code, "cannot create a folder in '%s': %s", directory.c_str(),
                                   code.message().c_str());
  return path;
}

llvm::Error writeFilesAtomically(const std::string &directory,
                                 const std::vector<GeneratedFile> &files) {
  std::vector<std::string> temporaries;
  for (const GeneratedFile &file : files) {
    llvm::SmallString<256> path(directory);
    llvm::sys::path::append(path, file.path);
    const std::string parent = std::string(llvm::sys::path::parent_path(path));
    if (std::error_code code = fs::create_directories(parent)) {
      removeAll(temporaries);
      return ioError(std::string(path), code);
    }
    const std::string model = llvm::sys::path::filename(path).str() + ".tessel-tmp-%%%%%%%%";
    std::string temporary;
    int fd = -1;
    if (std::error_code code = createUnique(parent, model, &fd, temporary)) {
      removeAll(temporaries);
      return ioError(std::string(path), code);
    }
    temporaries.push_back(temporary);
    if (std::error_code code = writeAndClose(fd, file.contents)) {
      removeAll(temporaries);
      return ioError(temporary, code);
    }
  }
  for (size_t i = 0; i < files.size(); ++i) {
    llvm::SmallString<256> path(directory);
    llvm::sys::path::append(path, files[i].path);
    if (std::error_code code = fs::rename(temporaries[i], path)) {
      removeAll(std::vector<std::string>(temporaries.begin() + long(i), temporaries.end()));
      return ioError(std::string(path), code);
    }
  }
  return llvm::Error::success();
}

} // namespace tessel

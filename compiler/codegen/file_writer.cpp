#include "codegen/file_writer.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

namespace tessel {
namespace {

llvm::Error ioError(const std::string &path, std::error_code code) {
  return llvm::createStringError(code, "cannot write '%s': %s", path.c_str(),
                                 code.message().c_str());
}

void removeAll(const std::vector<std::string> &paths) {
  for (const std::string &path : paths)
    llvm::sys::fs::remove(path);
}

} // namespace

llvm::Error writeFilesAtomically(const std::string &directory,
                                 const std::vector<GeneratedFile> &files) {
  std::vector<std::string> temporaries;
  const std::string suffix = fmt::format(".tessel-tmp{}", llvm::sys::Process::getProcessId());
  for (const GeneratedFile &file : files) {
    llvm::SmallString<256> path(directory);
    llvm::sys::path::append(path, file.path);
    if (std::error_code code = llvm::sys::fs::create_directories(llvm::sys::path::parent_path(path))) {
      removeAll(temporaries);
      return ioError(std::string(path), code);
    }
    std::string temporary = std::string(path) + suffix;
    std::error_code code;
    llvm::raw_fd_ostream out(temporary, code, llvm::sys::fs::OF_None);
    if (!code) {
      temporaries.push_back(temporary);
      out << file.contents;
      out.close();
      code = out.error();
      out.clear_error(); // reported below; an unhandled one would abort
    }
    if (code) {
      removeAll(temporaries);
      return ioError(temporary, code);
    }
  }
  for (size_t i = 0; i < files.size(); ++i) {
    llvm::SmallString<256> path(directory);
    llvm::sys::path::append(path, files[i].path);
    if (std::error_code code = llvm::sys::fs::rename(temporaries[i], path)) {
      removeAll(std::vector<std::string>(temporaries.begin() + long(i), temporaries.end()));
      return ioError(std::string(path), code);
    }
  }
  return llvm::Error::success();
}

} // namespace tessel

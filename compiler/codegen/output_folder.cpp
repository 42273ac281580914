#include "codegen/output_folder.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace tessel {
namespace {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

// Relative path -> hash of the contents tessel wrote there.
using Manifest = std::map<std::string, std::string>;

llvm::Error failure(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s", message.c_str());
}

std::string joined(llvm::StringRef directory, llvm::StringRef relative) {
  llvm::SmallString<256> result(directory);
  path::append(result, relative);
  return std::string(result);
}

// Detects edits, not attacks: whoever can write into the folder can do more.
std::string contentHash(llvm::StringRef contents) {
  return fmt::format("{:016x}", llvm::xxHash64(contents));
}

// What is at `file` itself: a symlink there is not followed.
fs::file_type typeAt(const std::string &file) {
  fs::file_status status;
  if (fs::status(file, status, /*Follow=*/false))
    return fs::file_type::file_not_found;
  return status.type();
}

// The input `file` is, if it is one: a file read must not be written over.
const std::string *sameInput(const std::string &file, const std::vector<std::string> &inputs) {
  for (const std::string &input : inputs) {
    bool same = false;
    if (!input.empty() && !fs::equivalent(file, input, same) && same)
      return &input;
  }
  return nullptr;
}

// The first folder on the way from `folder` to `relative` that exists as
// something else (a file, a symlink, which would be written through), or "".
std::string blockedFolder(const std::string &folder, llvm::StringRef relative) {
  llvm::SmallString<256> at(folder);
  const llvm::StringRef parents = path::parent_path(relative);
  for (auto it = path::begin(parents), end = path::end(parents); it != end; ++it) {
    path::append(at, *it);
    const fs::file_type type = typeAt(std::string(at));
    if (type == fs::file_type::file_not_found)
      return "";
    if (type != fs::file_type::directory_file)
      return std::string(at);
  }
  return "";
}

// True when `file` is a regular file holding what tessel wrote there.
bool unchangedSinceWritten(const std::string &file, const std::string &hash) {
  if (typeAt(file) != fs::file_type::regular_file)
    return false;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> contents =
      llvm::MemoryBuffer::getFile(file, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  return contents && contentHash((*contents)->getBuffer()) == hash;
}

// Relative, inside the folder: a manifest edited by hand cannot make tessel
// replace or remove a file elsewhere.
bool isPlainRelative(llvm::StringRef relative) {
  if (relative.empty() || path::is_absolute(relative))
    return false;
  return std::none_of(path::begin(relative), path::end(relative),
                      [](llvm::StringRef part) { return part == "." || part == ".."; });
}

Manifest readManifest(const std::string &folder) {
  Manifest manifest;
  const std::string file = joined(folder, kManifestName);
  // A symlink there is nobody's record.
  if (typeAt(file) != fs::file_type::regular_file)
    return manifest;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text = llvm::MemoryBuffer::getFile(file);
  if (!text)
    return manifest;
  llvm::SmallVector<llvm::StringRef, 64> lines;
  (*text)->getBuffer().split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef line : lines) {
    auto [hash, relative] = line.split(' ');
    if (!line.startswith("#") && hash.size() == 16 && isPlainRelative(relative))
      manifest[relative.str()] = hash.str();
  }
  return manifest;
}

std::string manifestText(const std::vector<GeneratedFile> &files) {
  std::string text = "# Written by tessel compile: the files it wrote in this folder, each with a\n"
                     "# hash of its contents. Compiling again replaces or removes only these, and\n"
                     "# only while unchanged.\n";
  for (const GeneratedFile &file : files)
    text += contentHash(file.contents) + " " + file.path + "\n";
  return text;
}

// `directory` made absolute with symlinks resolved, so that the staging folder
// beside it is on the same file system (rename cannot cross one) and a
// symlink to a folder is written into rather than replaced. Creates its
// parent folders.
llvm::Expected<std::string> resolveFolder(const std::string &directory) {
  llvm::SmallString<256> absolute(directory);
  if (std::error_code code = fs::make_absolute(absolute))
    return failure(fmt::format("cannot write to '{}': {}", directory, code.message()));
  path::remove_dots(absolute); // "out/" and "out/." name "out"
  llvm::SmallString<256> real;
  fs::file_status status;
  if (!fs::status(absolute, status)) {
    if (status.type() != fs::file_type::directory_file)
      return failure(fmt::format("cannot write to '{}': it is not a folder", directory));
    if (std::error_code code = fs::real_path(absolute, real))
      return failure(fmt::format("cannot write to '{}': {}", directory, code.message()));
    return std::string(real);
  }
  const std::string parent = path::parent_path(absolute).str();
  if (std::error_code code = fs::create_directories(parent))
    return failure(fmt::format("cannot create '{}': {}", parent, code.message()));
  if (!fs::is_directory(parent))
    return failure(fmt::format("cannot write to '{}': '{}' is not a folder", directory, parent));
  if (std::error_code code = fs::real_path(parent, real))
    return failure(fmt::format("cannot write to '{}': {}", directory, code.message()));
  path::append(real, path::filename(absolute));
  return std::string(real);
}

// Fails when writing `outputs` into the existing `folder` would replace a
// folder, write through a symlinked folder, write over an input, or replace
// a file tessel did not write without options.force.
llvm::Error checkReplacements(const std::string &directory, const std::string &folder,
                              const std::vector<std::string> &outputs, const Manifest &previous,
                              const OutputFolderOptions &options) {
  std::vector<std::string> foreign;
  for (const std::string &relative : outputs) {
    const std::string shown = joined(directory, relative), target = joined(folder, relative);
    const std::string blocked = blockedFolder(folder, relative);
    if (!blocked.empty())
      return failure(
          fmt::format("cannot write '{}': '{}' is not a folder; move it away", shown, blocked));
    const fs::file_type type = typeAt(target);
    if (type == fs::file_type::file_not_found)
      continue;
    if (type == fs::file_type::directory_file)
      return failure(
          fmt::format("cannot write '{}': a folder is in its place; move it away", shown));
    if (const std::string *input = sameInput(target, options.inputs))
      return failure(fmt::format("cannot write '{}': it is '{}', which this compile reads; "
                                 "choose another output folder",
                                 shown, *input));
    bool ours = type == fs::file_type::regular_file; // the manifest is tessel's by its name
    if (relative != kManifestName) {
      const auto listed = previous.find(relative);
      ours = listed != previous.end() && unchangedSinceWritten(target, listed->second);
    }
    if (!ours)
      foreign.push_back(relative);
  }
  if (foreign.empty() || options.force)
    return llvm::Error::success();
  const size_t listedCount = std::min<size_t>(foreign.size(), 6);
  std::string names;
  for (size_t i = 0; i < listedCount; ++i)
    names += (i ? ", " : "") + foreign[i];
  if (listedCount < foreign.size())
    names += fmt::format(" and {} more", foreign.size() - listedCount);
  return failure(fmt::format("cannot write to '{}': compiling would replace files there that "
                             "tessel did not write, or that changed since it did: {}. Give "
                             "--force to replace them, or choose another output folder",
                             directory, names));
}

// Files the previous compile wrote that this one does not, still as written.
std::vector<std::string> staleFiles(const std::string &folder,
                                    const std::vector<std::string> &outputs,
                                    const Manifest &previous,
                                    const std::vector<std::string> &inputs) {
  std::vector<std::string> stale;
  for (const auto &[relative, hash] : previous) {
    const std::string file = joined(folder, relative);
    if (std::find(outputs.begin(), outputs.end(), relative) == outputs.end() &&
        blockedFolder(folder, relative).empty() && !sameInput(file, inputs) &&
        unchangedSinceWritten(file, hash))
      stale.push_back(file);
  }
  return stale;
}

// Writes every file, the manifest last, into a new folder beside `folder`.
llvm::Expected<std::string> stage(const std::string &folder,
                                  const std::vector<GeneratedFile> &files) {
  llvm::Expected<std::string> staging = createUniqueFolder(
      path::parent_path(folder).str(), path::filename(folder).str() + ".tessel-stage-%%%%%%%%");
  if (!staging)
    return staging.takeError();
  auto write = [&](const std::string &relative, llvm::StringRef contents) -> llvm::Error {
    const std::string file = joined(*staging, relative);
    if (std::error_code code = fs::create_directories(path::parent_path(file)))
      return failure(fmt::format("cannot write '{}': {}", file, code.message()));
    return writeNewFile(file, contents);
  };
  for (const GeneratedFile &file : files)
    if (llvm::Error error = write(file.path, file.contents)) {
      fs::remove_directories(*staging);
      return error;
    }
  if (llvm::Error error = write(kManifestName, manifestText(files))) {
    fs::remove_directories(*staging);
    return error;
  }
  return staging;
}

} // namespace

llvm::Error writeOutputFolder(const std::string &directory, const std::vector<GeneratedFile> &files,
                              const OutputFolderOptions &options) {
  llvm::Expected<std::string> resolved = resolveFolder(directory);
  if (!resolved)
    return resolved.takeError();
  const std::string &folder = *resolved;
  const bool exists = fs::is_directory(folder);

  std::vector<std::string> outputs;
  for (const GeneratedFile &file : files)
    outputs.push_back(file.path);
  outputs.push_back(kManifestName); // moved in last: it vouches for the others
  const Manifest previous = exists ? readManifest(folder) : Manifest();
  if (exists)
    if (llvm::Error error = checkReplacements(directory, folder, outputs, previous, options))
      return error;

  llvm::Expected<std::string> staging = stage(folder, files);
  if (!staging)
    return staging.takeError();
  // A new folder arrives whole, by one rename.
  if (!exists) {
    if (std::error_code code = fs::rename(*staging, folder)) {
      fs::remove_directories(*staging);
      return failure(fmt::format("cannot create '{}': {}", directory, code.message()));
    }
    return llvm::Error::success();
  }
  // Into an existing one, file by file, each replaced atomically; whatever
  // could fail was checked above, before the first replacement.
  const std::vector<std::string> stale = staleFiles(folder, outputs, previous, options.inputs);
  for (size_t i = 0; i < outputs.size(); ++i) {
    const std::string target = joined(folder, outputs[i]);
    std::error_code code = fs::create_directories(path::parent_path(target));
    if (!code)
      code = fs::rename(joined(*staging, outputs[i]), target);
    if (code) {
      fs::remove_directories(*staging);
      return failure(fmt::format("cannot write '{}': {}{}", joined(directory, outputs[i]),
                                 code.message(),
                                 i ? fmt::format(" ({} files before it were replaced)", i) : ""));
    }
  }
  for (const std::string &file : stale)
    fs::remove(file);
  fs::remove_directories(*staging);
  return llvm::Error::success();
}

} // namespace tessel

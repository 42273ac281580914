#include "support/byte_size.h"

#include "llvm/ADT/StringSwitch.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

namespace tessel {

llvm::Expected<int64_t> parseByteSize(llvm::StringRef text) {
  auto invalid = [&]() {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "'%s' is not a byte size (examples: 4MiB, 512KiB, 3MB, 65536)",
                                   text.str().c_str());
  };
  llvm::StringRef trimmed = text.trim();
  size_t unitStart = trimmed.find_first_not_of("0123456789.");
  llvm::StringRef number = trimmed.substr(0, unitStart);
  llvm::StringRef unit = unitStart == llvm::StringRef::npos ? "" : trimmed.substr(unitStart).trim();
  if (number.empty() || number.count('.') > 1)
    return invalid();
  double multiplier = llvm::StringSwitch<double>(unit)
                          .Cases("", "B", 1.0)
                          .Cases("K", "KiB", 1024.0)
                          .Cases("M", "MiB", 1024.0 * 1024)
                          .Cases("G", "GiB", 1024.0 * 1024 * 1024)
                          .Cases("kB", "KB", 1e3)
                          .Case("MB", 1e6)
                          .Case("GB", 1e9)
                          .Default(-1.0);
  if (multiplier < 0)
    return invalid();
  double bytes = std::strtod(number.str().c_str(), nullptr) * multiplier;
  if (!(bytes >= 1.0) || bytes > 1e15)
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "byte size '%s' is out of range",
                                   text.str().c_str());
  return int64_t(std::llround(bytes));
}

std::string formatBytes(int64_t bytes) {
  const char *units[] = {"B", "KiB", "MiB", "GiB"};
  double value = double(bytes);
  int unit = 0;
  while (value >= 1024.0 && unit < 3) {
    value /= 1024.0;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.2f} {}", value, units[unit]);
}

} // namespace tessel

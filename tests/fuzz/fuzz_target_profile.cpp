// libFuzzer target: arbitrary bytes as a target profile (`--target-file`).
#include "target/target_profile.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::Expected<tessel::TargetProfile> profile =
      tessel::parseTargetProfile(llvm::StringRef(reinterpret_cast<const char *>(data), size),
                                 "fuzz-target.yaml", "fuzz-target");
  if (!profile)
    llvm::consumeError(profile.takeError());
  return 0;
}

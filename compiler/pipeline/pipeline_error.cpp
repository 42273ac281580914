#include "pipeline/pipeline_error.h"

#include "llvm/ADT/StringExtras.h"

namespace tessel {

char PipelineError::ID = 0;

void PipelineError::log(llvm::raw_ostream &os) const {
  os << llvm::join(messages_, "\n");
}

llvm::Error failureOf(FailureKind kind, llvm::Error error) {
  if (!error)
    return error;
  std::vector<std::string> messages;
  llvm::handleAllErrors(std::move(error), [&](const llvm::ErrorInfoBase &info) {
    messages.push_back(info.message());
  });
  return llvm::make_error<PipelineError>(kind, std::move(messages));
}

llvm::Error failureOf(FailureKind kind, const std::string &message) {
  return llvm::make_error<PipelineError>(kind, std::vector<std::string>{message});
}

FailureKind failureKind(const llvm::ErrorInfoBase &error) {
  if (error.isA<PipelineError>())
    return static_cast<const PipelineError &>(error).kind();
  return FailureKind::InvalidInput;
}

} // namespace tessel

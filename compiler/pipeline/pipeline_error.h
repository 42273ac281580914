// Failures of the pipeline's entry points, each with the kind of problem it
// is, so a command line can map it to an exit code (README "exit codes")
// while the messages stay those of the stage that failed.
#pragma once

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace tessel {

enum class FailureKind {
  InvalidInput, // a bad network description, weights, input or profile file
  BadRequest,   // options that contradict each other or are out of range
  Impossible,   // e.g. a budget the network cannot fit; a failed calibration build
  CannotWrite,  // the output cannot be written
};

class PipelineError : public llvm::ErrorInfo<PipelineError> {
public:
  static char ID;

  PipelineError(FailureKind kind, std::vector<std::string> messages)
      : kind_(kind), messages_(std::move(messages)) {}

  FailureKind kind() const { return kind_; }
  // One message per error the stage reported, as it worded them.
  const std::vector<std::string> &messages() const { return messages_; }

  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override { return llvm::inconvertibleErrorCode(); }

private:
  FailureKind kind_;
  std::vector<std::string> messages_;
};

// `error` (success passes through) as a failure of `kind`.
llvm::Error failureOf(FailureKind kind, llvm::Error error);
// A failure of `kind` with one message.
llvm::Error failureOf(FailureKind kind, const std::string &message);

// The kind of a failure; InvalidInput for errors that carry none.
FailureKind failureKind(const llvm::ErrorInfoBase &error);

} // namespace tessel

// Loads the network named on the command line (honouring --input-size) and
// normalizes it, for the subcommands that generate or describe code.
#pragma once

#include "ir/network.h"

#include "llvm/Support/Error.h"

namespace tessel::driver {

llvm::Expected<Network> loadCommandLineNetwork();
llvm::Expected<Network> loadNormalizedNetwork();

} // namespace tessel::driver

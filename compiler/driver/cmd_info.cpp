// Placeholder until the subcommand lands.
#include "driver/options.h"
int tessel::driver::runInfoCommand() { return kExitUsage; }

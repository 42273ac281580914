// Activation functions, evaluated in double.
#pragma once

#include "ir/network.h"

namespace tessel::reference {

// linear: x; relu: max(x, 0); relu6: min(max(x, 0), 6);
// leaky: x > 0 ? x : alpha * x; sigmoid: 1 / (1 + e^-x);
// hard_sigmoid: min(max(alpha x + 0.5, 0), 1); hard_swish: x min(max(x / 6 + 0.5, 0), 1).
double activate(double x, const Activation &activation);

} // namespace tessel::reference

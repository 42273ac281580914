#include "reference/activation.h"

#include <algorithm>
#include <cmath>

namespace tessel::reference {

double activate(double x, const Activation &activation) {
  switch (activation.kind) {
  case ActivationKind::Linear: return x;
  case ActivationKind::Relu: return std::max(x, 0.0);
  case ActivationKind::Relu6: return std::min(std::max(x, 0.0), 6.0);
  case ActivationKind::Leaky: return x > 0.0 ? x : double(activation.alpha) * x;
  case ActivationKind::Sigmoid: return 1.0 / (1.0 + std::exp(-x));
  case ActivationKind::HardSigmoid:
    return std::min(std::max(double(activation.alpha) * x + 0.5, 0.0), 1.0);
  case ActivationKind::HardSwish: return x * std::min(std::max(x / 6.0 + 0.5, 0.0), 1.0);
  }
  return x;
}

} // namespace tessel::reference

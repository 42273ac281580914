// Rolling row windows for streamed groups: before a stripe computes new
// rows into a layer's window, the rows its consumer still needs move to the
// window's start and older rows are dropped (storage folding by copying; the
// kept rows are only the halo, a few rows per stripe).
#pragma once

namespace tessel {

// window[k] = window[k + dropFloats] for k in [0, keepFloats). Source and
// destination may overlap; copying forwards is safe because dropFloats > 0.
inline void shiftWindow(float *window, long dropFloats, long keepFloats) {
  for (long k = 0; k < keepFloats; ++k)
    window[k] = window[k + dropFloats];
}

} // namespace tessel

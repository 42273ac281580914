// Instantiates every runtime kernel with every activation, so building this
// file with strict warnings and -ffreestanding -fno-exceptions -fno-rtti
// proves the headers fit the constraints of generated code: no C++ runtime
// library, no exceptions, no RTTI, warning-free.
#include "tessel/runtime.h"
#include "tessel/winograd.h" // not called by generated code yet

namespace tessel {

#define TESSEL_INSTANTIATE(A)                                                                      \
  template void conv2d<A>(const Conv2dParams &, const float *, const float *, ConstMapView,        \
                          MapView, Region);                                                        \
  template void depthwiseConv2d<A>(const Conv2dParams &, const float *, const float *,             \
                                   ConstMapView, MapView, Region);                                 \
  template void fullyConnected<A>(int, int, const float *, const float *, const float *, float *,  \
                                  float);                                                          \
  template void add<A>(const ConstMapView *, int, MapView, Region, float);                         \
  template void multiply<A>(ConstMapView, ConstMapView, MapView, Region, bool, float);             \
  template void activateMap<A>(ConstMapView, MapView, Region, float);                              \
  template void conv2dWinograd<2, A>(const Conv2dParams &, const float *, const float *,           \
                                     ConstMapView, MapView, Region, float *, int);                 \
  template void conv2dWinograd<4, A>(const Conv2dParams &, const float *, const float *,           \
                                     ConstMapView, MapView, Region, float *, int);

TESSEL_INSTANTIATE(Act::Linear)
TESSEL_INSTANTIATE(Act::Relu)
TESSEL_INSTANTIATE(Act::Relu6)
TESSEL_INSTANTIATE(Act::Leaky)
TESSEL_INSTANTIATE(Act::Sigmoid)
TESSEL_INSTANTIATE(Act::HardSigmoid)
TESSEL_INSTANTIATE(Act::HardSwish)

#undef TESSEL_INSTANTIATE

} // namespace tessel

// The other kernels, referenced from external constants (plain addresses, so
// no static constructor) so their code is emitted and checked too.
namespace tessel::check {
extern void (*const kMaxPool)(const PoolParams &, ConstMapView, MapView, Region) = &maxPool2d;
extern void (*const kAvgPool)(const PoolParams &, ConstMapView, MapView, Region) = &avgPool2d;
extern void (*const kGlobalAvgPool)(ConstMapView, float *) = &globalAvgPool;
extern void (*const kSoftmax)(const float *, float *, int) = &softmax;
extern void (*const kNchwToHwc)(const float *, float *, int, int, int) = &nchwToHwc;
extern void (*const kHwcToNchw)(const float *, float *, int, int, int) = &hwcToNchw;
extern void (*const kConcat)(const ConstMapView *, int, MapView, Region) = &concatChannels;
extern void (*const kFlattenConcat)(const ConstMapView *, int, float *) = &flattenConcat;
extern void (*const kUpsample)(const UpsampleParams &, ConstMapView, MapView,
                               Region) = &upsampleNearest;
extern bool (*const kIsArenaAligned)(const void *) = &isArenaAligned;
extern void (*const kShiftWindow)(float *, long, long) = &shiftWindow;
} // namespace tessel::check

// The normalize pass: rewrites a loaded network into the form code
// generation consumes.
//
//  * A batch norm right after a convolution (its only consumer) is folded
//    into the convolution's weights and bias. Any other batch norm becomes a
//    1x1 depthwise convolution, so no separate kernel is needed for it.
//  * A stand-alone activation whose producer is a convolution, fully
//    connected layer or add, with no activation of its own and no other
//    consumer, becomes that producer's epilogue.
//
// The reference executor runs the network as loaded, so the end-to-end tests
// check these rewrites too.
#pragma once

#include "ir/network.h"

namespace tessel {

Network normalize(const Network &loaded);

} // namespace tessel

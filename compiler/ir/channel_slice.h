// A part of a layer's channels that a `channels` group (schedule.h) runs on
// its own, and the layer as that part computes it.
//
// A channels group splits the channels its first layer makes into slices
// and runs each slice through the whole group before the next: the first
// layer computes output channels [c0, c1), the channel-wise layers after it
// the same channels of their maps, and the last layer (a 1x1 convolution)
// sums input channels [c0, c1) into every output channel, adding to the
// partial sums of the slices before.
#pragma once

#include "ir/map_region.h"
#include "ir/network.h"

namespace tessel {

struct ChannelSlice {
  int c0 = 0, c1 = kAllChannels;
  // [c0, c1) are the input channels summed (the group's last layer), else
  // output channels.
  bool ofInput = false;
  // ofInput: adds to the sums the output holds (every slice but the first).
  bool accumulates = false;
  // ofInput: the last slice, which applies the layer's epilogue.
  bool finishes = true;

  bool whole() const { return c0 == 0 && c1 == kAllChannels; }
  int width() const { return c1 - c0; }
  bool operator==(const ChannelSlice &o) const {
    return c0 == o.c0 && c1 == o.c1 && ofInput == o.ofInput && accumulates == o.accumulates &&
           finishes == o.finishes;
  }
};

// Layer `layer` of `net` as `slice` computes it, in a network of its own:
// one placeholder layer per input (inputs of the slice narrowed to its
// channels), then the layer (its outputIndex()) with its channel counts,
// weights and bias cut to the slice. What the op rules (parameters, region
// rule, MACs, kernel class, kernel parameters, weight packing) see for one
// slice's calls. Needs a layer a channels group may slice
// (sliceableRole).
Network sliceLayer(const Network &net, int layer, const ChannelSlice &slice);

// How a layer may take part in a channels group.
enum class SliceRole {
  None,
  Splits,      // a convolution with one group: computes any output channels from all inputs
  ChannelWise, // each output channel reads its own input channel only
  Sums,        // a 1x1 convolution with one group: sums input channels
};

// Every role the layer can play, as bits of 1 << int(SliceRole).
unsigned sliceRoles(const Network &net, int layer);

} // namespace tessel

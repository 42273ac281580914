// A `layers` group: each layer computes its whole output map at once.
#include "schedule/group_lowering.h"

namespace tessel {

void lowerLayersGroup(LoweringContext &context, const GroupSchedule &group) {
  for (int i = group.first; i <= group.last; ++i) {
    KernelCall call;
    call.layer = i;
    for (int input : context.net.layers[i].inputs)
      call.inputs.push_back(context.wholeWindow(input));
    call.output = context.wholeWindow(i);
    call.region = wholeMap(context.net.layers[i].output);
    context.addKernel(std::move(call));
  }
}

} // namespace tessel

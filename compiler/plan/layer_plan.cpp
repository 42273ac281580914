#include "plan/layer_plan.h"

#include <algorithm>

namespace tessel {

bool layoutsCoincide(const Shape &shape) { return shape.c == 1 || (shape.h == 1 && shape.w == 1); }

LayerPlan planLayers(const Network &net) {
  LayerPlan plan;
  const int layerCount = int(net.layers.size());
  const int output = net.outputIndex();
  plan.inputConverted = !layoutsCoincide(net.layers[0].output);
  plan.outputConverted = !layoutsCoincide(net.layers[output].output);
  const int conversionStep = layerCount; // after the last layer

  plan.tensorOffset.assign(size_t(layerCount), -1);
  std::vector<int> bufferOfLayer(size_t(layerCount), -1);
  for (int i = 0; i < layerCount; ++i) {
    bool userBuffer = (i == 0 && !plan.inputConverted) || (i == output && !plan.outputConverted);
    if (userBuffer)
      continue;
    int lastStep = i;
    for (int consumer : net.consumersOf(i))
      lastStep = std::max(lastStep, consumer);
    if (i == output)
      lastStep = conversionStep;
    bufferOfLayer[i] = int(plan.buffers.size());
    plan.buffers.push_back(
        BufferRequest{net.layers[i].name, net.layers[i].output.elements() * 4, i, lastStep});
  }
  plan.arena = planArena(plan.buffers);
  for (int i = 0; i < layerCount; ++i)
    if (bufferOfLayer[i] >= 0)
      plan.tensorOffset[i] = plan.arena.offsets[bufferOfLayer[i]];
  return plan;
}

} // namespace tessel

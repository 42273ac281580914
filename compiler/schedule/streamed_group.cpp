// A `stream H` group: full-width stripes of H output rows, top to bottom.
// Every inner layer keeps a rolling window of its rows: before computing the
// rows a stripe newly needs, the rows still needed move to the window's
// start and older rows are dropped, so no row is ever computed twice.
#include "schedule/group_lowering.h"

#include <fmt/format.h>

namespace tessel {
namespace {

struct RowRange {
  int begin = 0, end = 0;
  bool empty() const { return begin >= end; }
};

// Rolling-window state of one inner layer.
struct Window {
  int start = 0;    // first row held
  int computed = 0; // rows [start, computed) are held; all rows before are done
};

} // namespace

void lowerStreamedGroup(LoweringContext &context, const GroupSchedule &group) {
  const Network &net = context.net;
  const int first = context.firstMember(group), last = group.last;
  const Shape &out = net.layers[last].output;
  std::vector<Window> windows(size_t(last - first + 1));
  auto window = [&](int layer) -> Window & { return windows[size_t(layer - first)]; };

  for (int stripeStart = 0; stripeStart < out.h; stripeStart += group.stripeRows) {
    RowRange stripe{stripeStart, std::min(stripeStart + group.stripeRows, out.h)};
    if (context.comments)
      context.addComment(fmt::format("stripe of {} rows: output rows [{}, {})", group.stripeRows,
                                     stripe.begin, stripe.end));
    // Backwards: the rows each layer must newly compute, and the first row
    // its consumer still reads (the new start of its window).
    std::vector<RowRange> fresh(windows.size());
    std::vector<int> keepFrom(windows.size(), 0);
    fresh[size_t(last - first)] = stripe;
    for (int i = last; i > first; --i) {
      const RowRange &rows = fresh[size_t(i - first)];
      Window &below = window(i - 1);
      if (rows.empty()) {
        fresh[size_t(i - 1 - first)] = RowRange{below.computed, below.computed};
        keepFrom[size_t(i - 1 - first)] = below.start;
        continue;
      }
      const int width = net.layers[i].output.w;
      InputNeed need = inputNeed(net, i, 0, MapRegion{rows.begin, rows.end, 0, width});
      // Rows are computed in order, without gaps, so every row below
      // `computed` exists. Later stripes read no row above the first window's
      // first tap (row begin * stride - padding, which only grows), so rows
      // before it can go; when that tap lies in the padding, keep from row 0.
      // (The bounding box's first row is not monotonic: with dilation the
      // first tap inside the map can be lower for row 0 than for row 1.)
      fresh[size_t(i - 1 - first)] =
          RowRange{below.computed, std::max(below.computed, need.region.y1)};
      keepFrom[size_t(i - 1 - first)] = need.padTop > 0 ? 0 : need.region.y0;
    }
    // Forwards: shift windows, compute the new rows.
    for (int i = first; i <= last; ++i) {
      const RowRange &rows = fresh[size_t(i - first)];
      if (rows.empty())
        continue;
      const Shape &shape = net.layers[i].output;
      KernelCall call;
      call.layer = i;
      call.region = MapRegion{rows.begin, rows.end, 0, shape.w};
      if (i == first) {
        for (int input : net.layers[i].inputs)
          call.inputs.push_back(context.wholeWindow(input));
      } else {
        const Window &below = window(i - 1);
        call.inputs.push_back(WindowRef{i - 1, below.start, 0, below.computed - below.start,
                                        net.layers[i - 1].output.w});
      }
      if (i == last) {
        call.output = context.wholeWindow(i);
      } else {
        Window &own = window(i);
        const int newStart = std::min(keepFrom[size_t(i - first)], own.computed);
        const int kept = own.computed - newStart;
        if (newStart > own.start && kept > 0) {
          Operation shift;
          shift.kind = Operation::Kind::ShiftRows;
          shift.shift = RowShift{i, newStart - own.start, kept};
          context.plan.operations.push_back(shift);
        }
        own.start = newStart;
        own.computed = rows.end;
        call.output = WindowRef{i, own.start, 0, own.computed - own.start, shape.w};
        int64_t bytes = int64_t(own.computed - own.start) * shape.w * shape.c * 4;
        context.capacity[i] = std::max(context.capacity[i], bytes);
      }
      context.addKernel(std::move(call));
    }
  }
}

} // namespace tessel

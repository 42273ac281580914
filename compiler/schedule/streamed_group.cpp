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

// What one stripe asks of each layer of the group, by its place in the group:
// the rows it must newly compute, and the first row its consumer still reads
// (the new start of its window).
struct StripeNeeds {
  std::vector<RowRange> fresh;
  std::vector<int> keepFrom;
};

// Lowers a group stripe by stripe, keeping every inner layer's window.
class StreamLowering {
public:
  StreamLowering(LoweringContext &context, const GroupSchedule &group)
      : context_(context), net_(context.net), first_(context.firstMember(group)), last_(group.last),
        windows_(size_t(last_ - first_ + 1)) {}

  // Computes the rows of every layer the group's output rows `stripe` need.
  void lowerStripe(const RowRange &stripe) {
    const StripeNeeds needs = traceBack(stripe);
    for (int i = first_; i <= last_; ++i) {
      const RowRange &rows = needs.fresh[place(i)];
      if (!rows.empty())
        computeRows(i, rows, needs.keepFrom[place(i)]);
    }
  }

private:
  size_t place(int layer) const { return size_t(layer - first_); }
  Window &window(int layer) { return windows_[place(layer)]; }

  // From the last layer backwards.
  StripeNeeds traceBack(const RowRange &stripe) {
    StripeNeeds needs{std::vector<RowRange>(windows_.size()), std::vector<int>(windows_.size(), 0)};
    needs.fresh[place(last_)] = stripe;
    for (int i = last_; i > first_; --i) {
      const RowRange &rows = needs.fresh[place(i)];
      const Window &below = window(i - 1);
      if (rows.empty()) {
        needs.fresh[place(i - 1)] = RowRange{below.computed, below.computed};
        needs.keepFrom[place(i - 1)] = below.start;
        continue;
      }
      const int width = net_.layers[i].output.w;
      InputNeed need = inputNeed(net_, i, 0, MapRegion{rows.begin, rows.end, 0, width});
      // Rows are computed in order, without gaps, so every row below
      // `computed` exists. Later stripes read no row above the first window's
      // first tap (row begin * stride - padding, which only grows), so rows
      // before it can go; when that tap lies in the padding, keep from row 0.
      // (The bounding box's first row is not monotonic: with dilation the
      // first tap inside the map can be lower for row 0 than for row 1.)
      needs.fresh[place(i - 1)] =
          RowRange{below.computed, std::max(below.computed, need.region.y1)};
      needs.keepFrom[place(i - 1)] = need.padTop > 0 ? 0 : need.region.y0;
    }
    return needs;
  }

  void computeRows(int i, const RowRange &rows, int keepFrom) {
    KernelCall call;
    call.layer = i;
    call.region = MapRegion{rows.begin, rows.end, 0, net_.layers[i].output.w};
    if (i == first_) {
      for (int input : net_.layers[i].inputs)
        call.inputs.push_back(context_.wholeWindow(input));
    } else {
      const Window &below = window(i - 1);
      call.inputs.push_back(WindowRef{i - 1, below.start, 0, below.computed - below.start,
                                      net_.layers[i - 1].output.w});
    }
    call.output = i == last_ ? context_.wholeWindow(i) : advanceWindow(i, rows, keepFrom);
    context_.addKernel(std::move(call));
  }

  // Drops the rows before `keepFrom` from the layer's window, moving the kept
  // ones to its start, and makes room for `rows` after them.
  WindowRef advanceWindow(int i, const RowRange &rows, int keepFrom) {
    const Shape &shape = net_.layers[i].output;
    Window &own = window(i);
    const int newStart = std::min(keepFrom, own.computed);
    const int kept = own.computed - newStart;
    if (newStart > own.start && kept > 0) {
      Operation shift;
      shift.kind = Operation::Kind::ShiftRows;
      shift.shift = RowShift{i, newStart - own.start, kept};
      context_.plan.operations.push_back(shift);
    }
    own.start = newStart;
    own.computed = rows.end;
    int64_t bytes = int64_t(own.computed - own.start) * shape.w * shape.c * 4;
    context_.capacity[i] = std::max(context_.capacity[i], bytes);
    return WindowRef{i, own.start, 0, own.computed - own.start, shape.w};
  }

  LoweringContext &context_;
  const Network &net_;
  const int first_, last_;
  std::vector<Window> windows_;
};

} // namespace

void lowerStreamedGroup(LoweringContext &context, const GroupSchedule &group,
                        const Stripes &stripes) {
  const int outputRows = context.net.layers[group.last].output.h;
  StreamLowering lowering(context, group);
  for (int stripeStart = 0; stripeStart < outputRows; stripeStart += stripes.rows) {
    const RowRange stripe{stripeStart, std::min(stripeStart + stripes.rows, outputRows)};
    if (context.comments)
      context.addComment(fmt::format("stripe of {} rows: output rows [{}, {})", stripes.rows,
                                     stripe.begin, stripe.end));
    lowering.lowerStripe(stripe);
  }
}

} // namespace tessel

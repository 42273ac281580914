// A `stream H` group: full-width stripes of H output rows, top to bottom,
// every layer computing up to H rows at a time just before its consumer
// reads them.
// Every inner layer keeps a rolling window of its rows: before computing new
// rows, the rows still needed move to the window's start and older rows are
// dropped, so no row is ever computed twice.
//
// On several threads the group's output columns are cut into one band per
// thread (groupParts), and each thread streams its band top to bottom with
// windows of its own, holding the columns its band needs of each layer: the
// columns a band's receptive field shares with its neighbour are computed by
// both. `stream HxB` cuts the output (each thread's band) into B column
// bands streamed one after another the same way, reusing the windows.
#include "schedule/group_lowering.h"
#include "schedule/thread_split.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

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
  // By reader inside the group: the first row its next step may read
  // (0 until it has read). Rows before the smallest can go.
  std::vector<std::pair<int, int>> keepFrom;
  int readers = 0; // the layers of the group reading it
};

// Lowers a group stripe by stripe over output columns [x0, x1), keeping
// every inner layer's window.
//
// Rows are produced on demand: before a layer computes its next rows, the
// members it reads compute (recursively) just the rows those read and have
// not been computed yet. Every layer computes at most `step` rows at a time,
// so a member's window holds what one step of its readers reads, in the
// first stripe as in every later one, however deep the group. A member read
// by several layers (the input of a residual block: its branch and the add)
// keeps the rows the reader furthest behind still needs.
class StreamLowering {
public:
  StreamLowering(LoweringContext &context, const GroupSchedule &group, const AxisRange &columns,
                 int step)
      : context_(context), net_(context.net), first_(context.firstMember(group)), last_(group.last),
        step_(step), holdsOutput_(context.holdsOutput(group)), windows_(size_t(last_ - first_ + 1)),
        columns_(traceColumns(columns)) {
    for (int i = first_ + 1; i <= last_; ++i) {
      const std::vector<int> &inputs = net_.layers[size_t(i)].inputs;
      for (size_t k = 0; k < inputs.size(); ++k) // each distinct input once
        if (inputs[k] >= first_ && std::find(inputs.begin(), inputs.begin() + long(k), inputs[k]) ==
                                       inputs.begin() + long(k))
          ++window(inputs[k]).readers;
    }
  }

  // Computes the group's output rows `stripe`, and first whatever rows of the
  // other layers they need.
  void lowerStripe(const RowRange &stripe) {
    produceInputsOf(last_, stripe);
    computeRows(last_, stripe); // nothing of the last layer is read again
  }

private:
  size_t place(int layer) const { return size_t(layer - first_); }
  Window &window(int layer) { return windows_[place(layer)]; }
  // Rows [y0, y1) of the layer's columns.
  MapRegion rowsOf(int layer, int y0, int y1) const {
    const AxisRange &c = columns_[place(layer)];
    return MapRegion{y0, y1, int(c.begin), int(c.end)};
  }

  // The columns of each member that the group's output columns need: every
  // column when they are all of them (one thread), else traced back (the
  // span of what its readers read).
  std::vector<AxisRange> traceColumns(const AxisRange &output) const {
    std::vector<AxisRange> columns(windows_.size());
    const bool whole = output.size() == net_.layers[size_t(last_)].output.w;
    for (int i = last_; i >= first_; --i) {
      AxisRange &own = columns[place(i)];
      if (whole)
        own = AxisRange{0, net_.layers[size_t(i)].output.w};
      else if (i == last_)
        own = output;
      if (whole || own.size() <= 0)
        continue;
      const Shape &shape = net_.layers[size_t(i)].output;
      const std::vector<int> &inputs = net_.layers[size_t(i)].inputs;
      for (size_t k = 0; k < inputs.size(); ++k) {
        if (inputs[k] < first_)
          continue;
        const MapRegion need =
            inputNeed(net_, i, int(k), MapRegion{0, shape.h, int(own.begin), int(own.end)}).region;
        AxisRange &read = columns[place(inputs[k])];
        read = read.size() <= 0 ? AxisRange{need.x0, need.x1}
                                : AxisRange{std::min<int64_t>(read.begin, need.x0),
                                            std::max<int64_t>(read.end, need.x1)};
      }
    }
    return columns;
  }

  // Makes the members layer i reads hold every row its `rows` read.
  void produceInputsOf(int i, const RowRange &rows) {
    if (rows.empty())
      return;
    const std::vector<int> &inputs = net_.layers[size_t(i)].inputs;
    for (size_t k = 0; k < inputs.size(); ++k) {
      if (inputs[k] < first_)
        continue; // read whole
      const InputNeed need = inputNeed(net_, i, int(k), rowsOf(i, rows.begin, rows.end));
      // Rows are computed in order, without gaps, so every row below
      // `computed` exists. Later steps read no row above this step's first
      // tap (row begin * stride - padding, which only grows), so rows before
      // it can go; when that tap lies in the padding, keep from row 0. (The
      // bounding box's first row is not monotonic: with dilation the first
      // tap inside the map can be lower for row 0 than for row 1.)
      keepFor(inputs[k], i, need.padTop > 0 ? 0 : need.region.y0);
      produceRows(inputs[k], need.region.y1);
    }
  }

  // Records that `reader`'s next steps read `layer`'s rows from `row` on.
  void keepFor(int layer, int reader, int row) {
    std::vector<std::pair<int, int>> &keep = window(layer).keepFrom;
    for (auto &[who, from] : keep)
      if (who == reader) {
        from = row;
        return;
      }
    keep.emplace_back(reader, row);
  }

  // The first row some reader inside the group may still read.
  int keptFrom(int layer) {
    const Window &own = window(layer);
    if (int(own.keepFrom.size()) < own.readers)
      return 0; // a reader that has not read yet needs every row
    int from = std::numeric_limits<int>::max();
    for (const auto &[who, row] : own.keepFrom)
      from = std::min(from, row);
    return from;
  }

  // Computes the layer's rows up to `end`, at most `step` rows at a time
  // and never past `end` (so the window holds no row before its reader
  // reads it).
  void produceRows(int i, int end) {
    while (window(i).computed < end) {
      const int begin = window(i).computed;
      const RowRange rows{begin, std::min(begin + step_, end)};
      produceInputsOf(i, rows);
      computeRows(i, rows);
    }
  }

  void computeRows(int i, const RowRange &rows) {
    KernelCall call;
    call.layer = i;
    call.region = rowsOf(i, rows.begin, rows.end);
    for (int input : net_.layers[size_t(i)].inputs) {
      if (input < first_) {
        call.inputs.push_back(context_.wholeWindow(input));
        continue;
      }
      const Window &held = window(input);
      call.inputs.push_back(context_.heldWindow(input, rowsOf(input, held.start, held.computed)));
    }
    if (i < last_ || holdsOutput_)
      call.output = advanceWindow(i, rows);
    else
      call.output = context_.wholeWindow(i);
    const WindowRef written = call.output;
    const MapRegion region = call.region;
    context_.addKernel(std::move(call));
    if (i == last_ && holdsOutput_)
      context_.addOutputConversion(written, region);
  }

  // Drops the rows no reader needs any more from the layer's window, moving
  // the kept ones to its start, and makes room for `rows` after them.
  WindowRef advanceWindow(int i, const RowRange &rows) {
    const Shape &shape = net_.layers[i].output;
    const int width = int(columns_[place(i)].size());
    Window &own = window(i);
    const int keepFrom = i == last_ ? rows.begin : keptFrom(i);
    const int newStart = std::max(own.start, std::min(keepFrom, own.computed));
    const int kept = own.computed - newStart;
    if (newStart > own.start && kept > 0)
      context_.addShift(RowShift{i, newStart - own.start, kept, width, context_.copy()});
    own.start = newStart;
    own.computed = rows.end;
    int64_t bytes = int64_t(own.computed - own.start) * width * shape.c * 4;
    context_.capacity[i] = std::max(context_.capacity[i], bytes);
    return context_.heldWindow(i, rowsOf(i, own.start, own.computed));
  }

  LoweringContext &context_;
  const Network &net_;
  const int first_, last_;
  const int step_;         // rows a layer computes at a time
  const bool holdsOutput_; // the last layer writes a row window, converted to NCHW
  std::vector<Window> windows_;
  const std::vector<AxisRange> columns_; // of each layer, by place
};

} // namespace

void lowerStreamedGroup(LoweringContext &context, const GroupSchedule &group,
                        const Stripes &stripes) {
  const Shape &out = context.net.layers[group.last].output;
  const int parts = groupParts(context.net, group, context.plan.threads);
  const std::vector<AxisRange> threadBands = balancedSplit(out.w, parts);
  if (context.comments && parts > 1)
    context.addComment(fmt::format("{} column bands on {} threads, each streamed with its own "
                                   "row windows",
                                   parts, parts));
  context.beginParts(parts, context.firstMember(group));
  for (int part = 0; part < parts; ++part) {
    context.beginPart(part);
    const AxisRange &threadBand = threadBands[size_t(part)];
    const int bandCount = int(std::min<int64_t>(stripes.bands, threadBand.size()));
    for (const AxisRange &offsets : balancedSplit(int(threadBand.size()), bandCount)) {
      const AxisRange band{threadBand.begin + offsets.begin, threadBand.begin + offsets.end};
      const bool fullWidth = band.size() == out.w;
      if (context.comments && bandCount > 1)
        context.addComment(fmt::format("column band [{}, {}) of the output, streamed top to "
                                       "bottom with windows of its own width",
                                       band.begin, band.end));
      StreamLowering lowering(context, group, band, stripes.rows);
      for (int stripeStart = 0; stripeStart < out.h; stripeStart += stripes.rows) {
        const RowRange stripe{stripeStart, std::min(stripeStart + stripes.rows, out.h)};
        if (context.comments)
          context.addComment(
              fullWidth ? fmt::format("stripe of {} rows: output rows [{}, {})", stripes.rows,
                                      stripe.begin, stripe.end)
                        : fmt::format("stripe of {} rows: output rows [{}, {}), columns [{}, {})",
                                      stripes.rows, stripe.begin, stripe.end, band.begin, band.end),
              /*opensStripe=*/true);
        lowering.lowerStripe(stripe);
      }
    }
  }
  context.endParts();
}

} // namespace tessel

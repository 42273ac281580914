// conv2d: direct convolution, grouped and depthwise included, with an
// optional batch norm (`batch_norm: true` adds a `<name>.bn` layer that
// normalize folds back in) and an activation epilogue.
#include "ops/attribute_readers.h"
#include "ops/conv_primitives.h"
#include "ops/emit_helpers.h"
#include "ops/op_kinds.h"
#include "ops/window_rules.h"
#include "support/limits.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

namespace tessel::ops {
namespace {

void readGroups(const AttributeMap &attrs, ConvAttrs &conv) {
  std::optional<YAML::Node> node = attrs.find("groups");
  if (!node)
    return;
  if (node->IsScalar() && node->Scalar() == "depthwise") {
    conv.depthwise = true;
    return;
  }
  if (node->IsScalar() && llvm::any_of(node->Scalar(), llvm::isAlpha))
    attrs.context().fail(*node,
                         fmt::format("'groups' takes a positive integer or depthwise, got {}",
                                     describeValue(*node)));
  conv.groups = readInt(*node, attrs.context(), "groups", IntRange{});
}

void parse(const AttributeMap &attrs, llvm::StringRef, std::vector<Layer> &layers) {
  Layer &layer = layers.front();
  ConvAttrs &conv = layer.conv();
  conv.outChannels = attrs.integer("filters");
  conv.window = readKernelWindow(attrs, {/*strideIsKernel=*/false, /*dilated=*/true});
  readGroups(attrs, conv);

  const bool batchNorm = attrs.flagOr("batch_norm", false);
  conv.bias = attrs.flagOr("bias", !batchNorm);
  const Activation activation = activationOr(attrs);
  if (!batchNorm) {
    if (std::optional<YAML::Node> epsilon = attrs.find("epsilon"))
      attrs.context().fail(*epsilon, "'epsilon' applies only with batch_norm: true");
    layer.activation = activation;
    return;
  }
  // The normalized result is what the layer stands for, so the batch-norm
  // layer carries the activation.
  Layer norm;
  norm.name = layer.name + ".bn";
  norm.op = OpKind::BatchNorm;
  norm.loc = attrs.context().locOf(*attrs.find("batch_norm"));
  norm.batchNorm().epsilon = epsilonOr(attrs);
  norm.activation = activation;
  layers.push_back(norm);
}

llvm::Expected<Shape> inferShape(ShapeSite &site) {
  ConvAttrs &conv = site.layer().conv();
  if (!ShapeSite::inRange({conv.outChannels}, 1))
    return site.outOfRange("filters");
  if (llvm::Error error = checkWindowRanges(site, conv.window, /*dilated=*/true))
    return error;

  const Shape in = site.input();
  if (conv.depthwise)
    conv.groups = in.c;
  if (conv.groups < 1 || in.c % conv.groups != 0)
    return site.fail("groups", fmt::format("groups ({}) must divide the input channels ({})",
                                           conv.groups, in.c));
  if (conv.outChannels % conv.groups != 0)
    return conv.depthwise
               ? site.fail("filters",
                           fmt::format("depthwise needs filters ({}) to be a multiple of the "
                                       "input channels ({})",
                                       conv.outChannels, in.c))
               : site.fail("groups", fmt::format("groups ({}) must divide filters ({})",
                                                 conv.groups, conv.outChannels));

  KernelWindow &window = conv.window;
  if (rowAxis(window, in.h).effectiveKernel() > kMaxDimension ||
      columnAxis(window, in.w).effectiveKernel() > kMaxDimension)
    return site.fail("dilation",
                     fmt::format("the dilated kernel spans more than {} cells", kMaxDimension));
  if (window.samePadding)
    window.padding = resolveSamePadding(window, in);
  llvm::Expected<std::pair<int, int>> size = slideWindow(site, window, in);
  if (!size)
    return size.takeError();

  if (limitedProduct({conv.outChannels, in.c / conv.groups, window.kernelH, window.kernelW}) >
      kMaxTensorElements)
    return site.fail("filters", fmt::format("the weight tensor would have more than {} elements",
                                            kMaxTensorElements));
  return Shape{conv.outChannels, size->first, size->second};
}

int groupsOf(const ConvAttrs &conv) {
  return conv.groups > 0 ? conv.groups : 1; // set by shape inference
}

int64_t fanIn(const OpSite &site) {
  const ConvAttrs &conv = site.layer().conv();
  return int64_t(site.input().c / groupsOf(conv)) * conv.window.kernelH * conv.window.kernelW;
}

std::vector<ParameterTensor> parameters(const OpSite &site) {
  const ConvAttrs &conv = site.layer().conv();
  const KernelWindow &window = conv.window;
  std::vector<ParameterTensor> tensors{
      {ParameterRole::Weight,
       {conv.outChannels, site.input().c / groupsOf(conv), window.kernelH, window.kernelW},
       fanIn(site)}};
  if (conv.bias)
    tensors.push_back({ParameterRole::Bias, {conv.outChannels}, 0});
  return tensors;
}

// Every input channel of the groups whose output channels `output` holds,
// under the windows of every output cell the call computes (Winograd's
// whole tiles).
InputNeed inputNeed(const OpSite &site, int, const MapRegion &output) {
  const ConvAttrs &conv = site.layer().conv();
  const Shape in = site.input();
  InputNeed need = windowInputNeed(conv.window, in.h, in.w, computedRegion(site, output));
  need.region.c0 = 0;
  need.region.c1 = kAllChannels;
  if (!output.allChannels() && groupsOf(conv) > 1) {
    const int outPerGroup = conv.outChannels / groupsOf(conv);
    const int inPerGroup = in.c / groupsOf(conv);
    const int lastChannel = std::min(output.c1, conv.outChannels);
    need.region.c0 = output.c0 / outPerGroup * inPerGroup;
    need.region.c1 = (lastChannel + outPerGroup - 1) / outPerGroup * inPerGroup;
  }
  return need;
}

int64_t macs(const OpSite &site) {
  return site.layer().output.elements() * fanIn(site);
}

KernelClass kernelClass(const OpSite &site) {
  const KernelWindow &w = site.layer().conv().window;
  switch (site.layer().conv().primitive) {
  case ConvPrimitive::Direct: break;
  case ConvPrimitive::Winograd2: return KernelClass::Winograd2;
  case ConvPrimitive::Winograd4: return KernelClass::Winograd4;
  case ConvPrimitive::Im2row: return KernelClass::Im2row;
  }
  if (isDepthwise(site.layer(), site.input()))
    return KernelClass::Depthwise;
  if (w.kernelH == 1 && w.kernelW == 1)
    return KernelClass::Conv1x1;
  if (w.kernelH == 3 && w.kernelW == 3 && w.dilationH == 1 && w.dilationW == 1)
    return w.strideH == 1 && w.strideW == 1 ? KernelClass::Conv3x3 : KernelClass::Conv3x3Strided;
  return KernelClass::Conv;
}

WeightPacking weightPacking(const OpSite &site) {
  return isDepthwise(site.layer(), site.input()) ? WeightPacking::DepthwiseTaps
                                                 : WeightPacking::ConvBlocked;
}

std::optional<KernelParams> kernelParams(const OpSite &site) {
  const ConvAttrs &c = site.layer().conv();
  const KernelWindow &w = c.window;
  return KernelParams{"tessel::Conv2dParams",
                      {{"inChannels", intLiteral(site.input().c)},
                       {"outChannels", intLiteral(c.outChannels)},
                       {"kernelH", intLiteral(w.kernelH)},
                       {"kernelW", intLiteral(w.kernelW)},
                       {"strideH", intLiteral(w.strideH)},
                       {"strideW", intLiteral(w.strideW)},
                       {"dilationH", intLiteral(w.dilationH)},
                       {"dilationW", intLiteral(w.dilationW)},
                       {"groups", intLiteral(c.groups)},
                       {"padTop", intLiteral(w.padding.top)},
                       {"padLeft", intLiteral(w.padding.left)},
                       {"alpha", slopeLiteral(site.layer().activation)}}};
}

std::string emitCall(const CallPieces &call) {
  if (const int m = winogradTileSize(call.site.layer().conv().primitive))
    return regionKernelCall(
        fmt::format("conv2dWinograd<{}, {}>", m, call.activation),
        fmt::format("{}, {}, {}", call.params, call.weights, call.bias), call.inputViews[0],
        call.outputView,
        fmt::format("{}, {}, {}", call.region, call.workspace, workspaceChunkTiles()), call.indent);
  if (call.site.layer().conv().primitive == ConvPrimitive::Im2row)
    return regionKernelCall(
        fmt::format("conv2dIm2row<{}>", call.activation),
        fmt::format("{}, {}, {}", call.params, call.weights, call.bias), call.inputViews[0],
        call.outputView,
        fmt::format("{}, {}, {}", call.region, call.workspace, im2rowChunkPixels(call.site)),
        call.indent);
  if (call.accumulates)
    return regionKernelCall(fmt::format("conv2dAccumulate<{}>", call.activation),
                            fmt::format("{}, {}", call.params, call.weights), call.inputViews[0],
                            call.outputView, call.region, call.indent);
  const char *kernel =
      isDepthwise(call.site.layer(), call.site.input()) ? "depthwiseConv2d" : "conv2d";
  return regionKernelCall(fmt::format("{}<{}>", kernel, call.activation),
                          fmt::format("{}, {}, {}", call.params, call.weights, call.bias),
                          call.inputViews[0], call.outputView, call.region, call.indent);
}

} // namespace

const OpDescription &conv2d() {
  static const OpDescription op = [] {
    OpDescription d(OpKind::Conv2d, "conv2d");
    d.spellings = {{"conv2d",
                    {"filters", "kernel", "stride", "padding", "dilation", "groups", "bias",
                     "batch_norm", "epsilon", "activation"}}};
    d.fusesActivation = true;
    d.splitsAcrossThreads = true;
    d.parse = parse;
    d.inferShape = inferShape;
    d.parameters = parameters;
    d.inputNeed = inputNeed;
    d.macs = macs;
    d.kernelClass = kernelClass;
    d.weightPacking = weightPacking;
    d.kernelParams = kernelParams;
    d.emitCall = emitCall;
    return d;
  }();
  return op;
}

} // namespace tessel::ops

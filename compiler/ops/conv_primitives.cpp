#include "ops/conv_primitives.h"

// The runtime's constexpr geometry and its weight transform: included here
// only, so that its names stay out of the rest of the compiler.
#include "tessel/im2row.h"
#include "tessel/winograd.h"

#include <algorithm>

namespace tessel {
namespace {

// The runtime's parameter struct for a conv2d layer (geometry only).
Conv2dParams runtimeParams(const OpSite &site) {
  const ConvAttrs &c = site.layer().conv();
  const KernelWindow &w = c.window;
  Conv2dParams p{};
  p.inChannels = site.input().c;
  p.outChannels = c.outChannels;
  p.kernelH = w.kernelH;
  p.kernelW = w.kernelW;
  p.strideH = w.strideH;
  p.strideW = w.strideW;
  p.dilationH = w.dilationH;
  p.dilationW = w.dilationW;
  p.groups = c.groups;
  p.padTop = w.padding.top;
  p.padLeft = w.padding.left;
  return p;
}

Region runtimeRegion(const MapRegion &r) {
  return Region{r.y0, r.y1, r.x0, r.x1};
}

} // namespace

const char *primitiveName(ConvPrimitive primitive) {
  switch (primitive) {
  case ConvPrimitive::Direct: return "direct";
  case ConvPrimitive::Im2row: return "im2row";
  case ConvPrimitive::Winograd2: return "winograd2";
  case ConvPrimitive::Winograd4: return "winograd4";
  }
  return "direct";
}

std::optional<ConvPrimitive> primitiveNamed(llvm::StringRef name) {
  for (ConvPrimitive primitive : kAllPrimitives)
    if (name == primitiveName(primitive))
      return primitive;
  return std::nullopt;
}

ConvPrimitive primitiveOf(const Layer &layer) {
  return layer.op == OpKind::Conv2d ? layer.conv().primitive : ConvPrimitive::Direct;
}

bool primitiveApplies(const OpSite &site, ConvPrimitive primitive) {
  if (site.layer().op != OpKind::Conv2d)
    return primitive == ConvPrimitive::Direct;
  switch (primitive) {
  case ConvPrimitive::Direct: return true;
  case ConvPrimitive::Im2row: return im2rowApplies(runtimeParams(site));
  case ConvPrimitive::Winograd2:
  case ConvPrimitive::Winograd4: return winogradApplies(runtimeParams(site));
  }
  return false;
}

int winogradTileSize(ConvPrimitive primitive) {
  switch (primitive) {
  case ConvPrimitive::Direct:
  case ConvPrimitive::Im2row: return 0;
  case ConvPrimitive::Winograd2: return 2;
  case ConvPrimitive::Winograd4: return 4;
  }
  return 0;
}

MapRegion computedRegion(const OpSite &site, const MapRegion &region) {
  const int m = winogradTileSize(primitiveOf(site.layer()));
  if (m == 0 || region.empty())
    return region;
  const WinogradTiles tiles = winogradTiles(m, runtimeRegion(region));
  const Shape &out = site.layer().output;
  MapRegion computed = region;
  computed.y0 = tiles.ty0 * m;
  computed.y1 = std::min(tiles.ty1 * m, out.h);
  computed.x0 = tiles.tx0 * m;
  computed.x1 = std::min(tiles.tx1 * m, out.w);
  return computed;
}

int64_t winogradTileCount(const OpSite &site, const MapRegion &region) {
  const int m = winogradTileSize(primitiveOf(site.layer()));
  return m == 0 || region.empty() ? 0 : winogradTiles(m, runtimeRegion(region)).count();
}

namespace {

// The pixels a call computing `region` holds in its im2row chunks.
int64_t regionPixels(const MapRegion &region) {
  return region.empty() ? 0 : int64_t(region.height()) * region.width();
}

int64_t chunksOf(int64_t items, int64_t perChunk) {
  return (items + perChunk - 1) / perChunk;
}

} // namespace

int64_t streamedWeightFloats(const OpSite &site, const MapRegion &region) {
  const ConvPrimitive primitive = primitiveOf(site.layer());
  if (primitive == ConvPrimitive::Direct || region.empty())
    return 0;
  const Conv2dParams p = runtimeParams(site);
  if (primitive == ConvPrimitive::Im2row)
    return chunksOf(regionPixels(region), im2rowChunkPixels(site)) * im2rowRowFloats(p) *
           p.outChannels;
  const int m = winogradTileSize(primitive);
  return chunksOf(winogradTileCount(site, region), workspaceChunkTiles()) *
         winogradWeightFloats(p, m);
}

int64_t primitiveWeightFloats(const OpSite &site) {
  const Conv2dParams p = runtimeParams(site);
  const int64_t direct = int64_t(p.kernelH) * p.kernelW * (p.inChannels / p.groups) * p.outChannels;
  return direct + primitiveExtraWeightFloats(site);
}

int64_t weightPasses(const OpSite &site, const MapRegion &region) {
  if (region.empty())
    return 0;
  const ConvPrimitive primitive = primitiveOf(site.layer());
  if (primitive == ConvPrimitive::Im2row)
    return chunksOf(regionPixels(region), im2rowChunkPixels(site));
  if (primitive != ConvPrimitive::Direct)
    return chunksOf(winogradTileCount(site, region), workspaceChunkTiles());
  // conv2d's bands: as many output rows as kConvBandInputBytes of input
  // rows (the call's input window) hold.
  const Conv2dParams p = runtimeParams(site);
  const int64_t inWidth = std::min<int64_t>(
      site.input().w, int64_t(region.width() - 1) * p.strideW + (p.kernelW - 1) * p.dilationW + 1);
  const int64_t rowBytes = int64_t(p.strideH) * inWidth * p.inChannels * 4;
  const int64_t band =
      std::max<int64_t>(1, detail::kConvBandInputBytes / std::max<int64_t>(1, rowBytes));
  return chunksOf(region.height(), band);
}

int64_t im2rowCopiedFloats(const OpSite &site, const MapRegion &region) {
  if (primitiveOf(site.layer()) != ConvPrimitive::Im2row)
    return 0;
  const Conv2dParams p = runtimeParams(site);
  return regionPixels(region) * im2rowRowFloats(p) * p.groups;
}

int workspaceChunkTiles() {
  return kWinogradChunkTiles;
}

int im2rowChunkPixels(const OpSite &site) {
  return tessel::im2rowChunkPixels(runtimeParams(site));
}

int64_t workspaceBytes(const OpSite &site, const MapRegion &region) {
  if (region.empty())
    return 0;
  const ConvPrimitive primitive = primitiveOf(site.layer());
  if (primitive == ConvPrimitive::Im2row)
    return 4 * im2rowWorkspaceFloats(runtimeParams(site), runtimeRegion(region),
                                     im2rowChunkPixels(site));
  const int m = winogradTileSize(primitive);
  if (m == 0)
    return 0;
  return 4 * winogradWorkspaceFloats(runtimeParams(site), m, runtimeRegion(region),
                                     workspaceChunkTiles());
}

int64_t primitiveExtraWeightFloats(const OpSite &site) {
  return primitiveExtraWeightFloats(site, primitiveOf(site.layer()));
}

int64_t primitiveExtraWeightFloats(const OpSite &site, ConvPrimitive primitive) {
  const int m = winogradTileSize(primitive);
  if (m == 0 || !primitiveApplies(site, primitive))
    return 0;
  const Conv2dParams p = runtimeParams(site);
  return winogradWeightFloats(p, m) - int64_t(9) * p.inChannels * p.outChannels;
}

std::vector<float> primitiveWeights(const OpSite &site, std::vector<float> packed) {
  const int m = winogradTileSize(primitiveOf(site.layer()));
  if (m == 0)
    return packed;
  const Conv2dParams p = runtimeParams(site);
  std::vector<float> transformed(size_t(winogradWeightFloats(p, m)));
  winogradTransformWeights(p, m, packed.data(), transformed.data());
  return transformed;
}

} // namespace tessel

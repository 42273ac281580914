// The primitives a conv2d may compute with (ConvPrimitive in ir/attributes.h)
// and what each means to the rest of the compiler: where it applies, which
// output cells a call really computes, the workspace a call needs, and its
// weights. im2row + GEMM computes exactly the cells asked for, from a
// workspace holding a chunk of receptive fields, with the direct kernel's
// weights. Winograd F(m x m, 3 x 3) computes whole m x m tiles on a grid
// fixed in map coordinates, so a call reads and computes more than its
// region asks when the region cuts tiles; every schedule then computes each
// output cell the same way, and stays bit-identical to `layers` for the same
// primitives. The figures come from the runtime's own constexpr functions
// (runtime/include/tessel/im2row.h and winograd.h), so the compiler and the
// kernels agree.
#pragma once

#include "ir/map_region.h"
#include "ir/network.h"
#include "ops/op_site.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace tessel {

// In the order schedules and reports list them.
inline constexpr ConvPrimitive kAllPrimitives[] = {ConvPrimitive::Direct, ConvPrimitive::Im2row,
                                                   ConvPrimitive::Winograd2,
                                                   ConvPrimitive::Winograd4};

// "direct", "im2row", "winograd2", "winograd4": the words of schedules,
// options and reports.
const char *primitiveName(ConvPrimitive primitive);
std::optional<ConvPrimitive> primitiveNamed(llvm::StringRef name);

// The primitive a layer computes with: its conv2d attribute, Direct for
// every other op.
ConvPrimitive primitiveOf(const Layer &layer);

// Whether `primitive` computes the layer at `site`: Direct any conv2d,
// Im2row any but a depthwise one (one input channel per group), Winograd a
// 3x3, stride-1, undilated convolution with one group.
bool primitiveApplies(const OpSite &site, ConvPrimitive primitive);

// Winograd's output tile size m (2 or 4); 0 for the other primitives.
int winogradTileSize(ConvPrimitive primitive);

// The output cells a call asked for `region` computes, inside the map: the
// region itself, or the Winograd tiles it touches.
MapRegion computedRegion(const OpSite &site, const MapRegion &region);

// The Winograd tiles a call computing `region` transforms (0 for the other
// primitives).
int64_t winogradTileCount(const OpSite &site, const MapRegion &region);

// The weight floats a call computing `region` streams: its primitive's whole
// weights once per chunk (of Winograd tiles, or of im2row pixels and
// group); 0 for Direct.
int64_t streamedWeightFloats(const OpSite &site, const MapRegion &region);

// The floats of the layer's weights as its primitive stores them (biases
// aside), and how many times a call computing `region` streams them: once
// per band of rows (direct: the rows whose input fits conv2d's band
// budget), per chunk of tiles (Winograd) or per chunk of pixels (im2row).
int64_t primitiveWeightFloats(const OpSite &site);
int64_t weightPasses(const OpSite &site, const MapRegion &region);

// The floats a call computing `region` copies into its im2row patch
// matrices (0 for the other primitives).
int64_t im2rowCopiedFloats(const OpSite &site, const MapRegion &region);

// The bytes of scratch a call computing `region` needs beside its input and
// output (0 for Direct), and the chunk of Winograd tiles or im2row pixels
// the generated call passes.
int64_t workspaceBytes(const OpSite &site, const MapRegion &region);
int workspaceChunkTiles();
int im2rowChunkPixels(const OpSite &site);

// How many more weight floats the layer's primitive stores than the direct
// kernel (Winograd's transformed kernels are (m + 2)^2 instead of 9 per
// channel pair); 0 for Direct and every other op.
int64_t primitiveExtraWeightFloats(const OpSite &site);
// The same were the layer to compute with `primitive` (0 where it does not apply).
int64_t primitiveExtraWeightFloats(const OpSite &site, ConvPrimitive primitive);

// The layer's weights for its primitive, from conv2d's packed layout
// (codegen/weight_packing.h): Direct's unchanged, Winograd's transformed
// (G g G^T per channel pair and position, at compile time).
std::vector<float> primitiveWeights(const OpSite &site, std::vector<float> packed);

} // namespace tessel

#include "target/latency_profile.h"

#include "support/attribute_map.h"
#include "support/parse_error.h"
#include "support/yaml_values.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace tessel {
namespace {

struct ClassInfo {
  KernelClass kind;
  const char *name;
  // Default fraction of the core's throughput the class reaches per unit of
  // work (a MAC is two flops); for element-wise and copy classes, floats per
  // flop-equivalent. Rough figures, replaced by calibration.
  double efficiency;
};

constexpr ClassInfo kClasses[kKernelClassCount] = {
    {KernelClass::Conv3x3, "conv3x3", 0.55},
    {KernelClass::Conv3x3Strided, "conv3x3_s2", 0.45},
    {KernelClass::Conv1x1, "conv1x1", 0.5},
    {KernelClass::Conv, "conv", 0.35},
    {KernelClass::Depthwise, "depthwise", 0.12},
    {KernelClass::Pool, "pool", 0.1},
    {KernelClass::Elementwise, "elementwise", 0.1},
    {KernelClass::Dense, "dense", 0.1},
    {KernelClass::Reduce, "reduce", 0.05},
    {KernelClass::Copy, "copy", 0.1},
    {KernelClass::Winograd2, "winograd2x2", 0.5},
    {KernelClass::Winograd4, "winograd4x4", 0.5},
    {KernelClass::Im2row, "im2row", 0.45},
};

constexpr const char *kCostKeys[] = {"ns_per_work", "ns_per_pixel", "ns_per_row", "ns_per_call"};

double &costField(KernelCost &cost, int field) {
  switch (field) {
  case 0: return cost.nsPerWork;
  case 1: return cost.nsPerPixel;
  case 2: return cost.nsPerRow;
  default: return cost.nsPerCall;
  }
}

} // namespace

const char *kernelClassName(KernelClass kind) {
  return kClasses[size_t(kind)].name;
}

std::optional<KernelClass> kernelClassNamed(const std::string &name) {
  for (const ClassInfo &info : kClasses)
    if (name == info.name)
      return info.kind;
  return std::nullopt;
}

LatencyProfile defaultLatencyProfile(double gflopsPerCore) {
  LatencyProfile profile;
  profile.source = fmt::format("defaults from gflops_per_core {} (not calibrated)", gflopsPerCore);
  for (const ClassInfo &info : kClasses) {
    KernelCost &cost = profile.cost(info.kind);
    cost.nsPerWork = 2.0 / (gflopsPerCore * info.efficiency);
    cost.nsPerPixel = 0.5;
    cost.nsPerRow = 20;
    cost.nsPerCall = 200;
  }
  return profile;
}

namespace {

// Sets `into` from `key` of the section when there: a non-negative number.
void readNonNegative(const AttributeMap &section, const ReadContext &context, const char *key,
                     double &into) {
  std::optional<YAML::Node> node = section.find(key);
  if (!node)
    return;
  into = readNumber(*node, context, key);
  if (!(into >= 0) || !std::isfinite(into))
    context.fail(*node, fmt::format("'{}' must be a non-negative number, got {}", key,
                                    describeValue(*node)));
}

} // namespace

LatencyProfile readLatencyProfile(const YAML::Node &node, const ReadContext &context,
                                  LatencyProfile base) {
  AttributeMap section(node, context, "'latency'");
  std::vector<llvm::StringRef> allowed = {"source", "cache_bytes", "ns_per_spilled_byte",
                                          "fork_join_ns", "parallel_efficiency"};
  for (const ClassInfo &info : kClasses)
    allowed.push_back(info.name);
  section.allowOnly(allowed, "latency");
  base.calibrated = true;
  if (std::optional<YAML::Node> source = section.find("source"))
    base.source = readString(*source, context, "source");
  else
    base.source = "latency figures from the profile";
  readNonNegative(section, context, "cache_bytes", base.cacheBytes);
  readNonNegative(section, context, "ns_per_spilled_byte", base.nsPerSpilledByte);
  readNonNegative(section, context, "fork_join_ns", base.nsPerForkJoin);
  if (std::optional<YAML::Node> efficiency = section.find("parallel_efficiency")) {
    base.parallelEfficiency = readNumber(*efficiency, context, "parallel_efficiency");
    if (!(base.parallelEfficiency > 0 && base.parallelEfficiency <= 1))
      context.fail(*efficiency,
                   fmt::format("'parallel_efficiency' must be a number in (0, 1], got {}",
                               describeValue(*efficiency)));
  }
  for (const ClassInfo &info : kClasses) {
    std::optional<YAML::Node> entry = section.find(info.name);
    if (!entry)
      continue;
    AttributeMap costs(*entry, context, fmt::format("'{}'", info.name));
    costs.allowOnly({kCostKeys[0], kCostKeys[1], kCostKeys[2], kCostKeys[3]}, info.name);
    KernelCost &cost = base.cost(info.kind);
    for (int field = 0; field < 4; ++field)
      readNonNegative(costs, context, kCostKeys[field], costField(cost, field));
  }
  return base;
}

std::string formatLatencyProfile(const LatencyProfile &profile) {
  std::string text = "latency:\n";
  std::string source = profile.source;
  std::replace(source.begin(), source.end(), '"', '\'');
  text += fmt::format("  source: \"{}\"\n", source);
  for (const ClassInfo &info : kClasses) {
    KernelCost cost = profile.cost(info.kind);
    text += fmt::format("  {}: {{", info.name);
    for (int field = 0; field < 4; ++field)
      text += fmt::format("{}{}: {:.6g}", field == 0 ? "" : ", ", kCostKeys[field],
                          costField(cost, field));
    text += "}\n";
  }
  text += fmt::format("  cache_bytes: {:.0f}\n", profile.cacheBytes);
  text += fmt::format("  ns_per_spilled_byte: {:.6g}\n", profile.nsPerSpilledByte);
  text += fmt::format("  fork_join_ns: {:.6g}\n", profile.nsPerForkJoin);
  text += fmt::format("  parallel_efficiency: {:.6g}\n", profile.parallelEfficiency);
  return text;
}

} // namespace tessel

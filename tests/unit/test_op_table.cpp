// The op table: every op kind has a complete description, the spellings a
// description may use are unique, the kernel parameters each op emits name
// every field of the runtime's parameter struct, and upsample's shape and
// region rules.
#include "analysis/regions.h"
#include "frontend/load_network.h"
#include "ops/op_table.h"

#include "tessel/conv2d.h"
#include "tessel/pool.h"
#include "tessel/reorg.h"
#include "tessel/upsample.h"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <utility>

using namespace tessel;

namespace {

// The number of members of aggregate T: the most values T{...} takes.
struct AnyValue {
  template <typename T> constexpr operator T() const { return T{}; }
};

template <typename T, typename... Values>
constexpr auto bracesTake(int) -> decltype(T{std::declval<Values>()...}, true) {
  return true;
}
template <typename T, typename... Values> constexpr bool bracesTake(...) {
  return false;
}

template <typename T, size_t... I> constexpr bool takesValues(std::index_sequence<I...>) {
  return bracesTake<T, decltype((void)I, AnyValue{})...>(0);
}

template <typename T, size_t N = 0> constexpr size_t memberCount() {
  if constexpr (!takesValues<T>(std::make_index_sequence<N + 1>{}))
    return N;
  else
    return memberCount<T, N + 1>();
}

Network loadShipped(const std::string &name) {
  llvm::Expected<Network> network =
      loadNetwork(std::string(TESSEL_SOURCE_DIR) + "/networks/" + name);
  REQUIRE_MESSAGE(bool(network), llvm::toString(network.takeError()));
  return std::move(*network);
}

} // namespace

TEST_CASE("every op kind has a complete description of itself") {
  std::set<std::string> spellings, names;
  for (int kind = 0; kind < kOpKindCount; ++kind) {
    const OpDescription &op = describeOp(OpKind(kind));
    CAPTURE(op.name.str());
    CHECK(op.kind == OpKind(kind));
    CHECK(names.insert(op.name.str()).second);
    CHECK(bool(op.parse));
    CHECK(bool(op.inferShape));
    CHECK(bool(op.parameters));
    CHECK(bool(op.macs));
    CHECK(bool(op.kernelClass));
    CHECK(bool(op.weightPacking));
    CHECK(bool(op.kernelParams));
    // Ops without a kernel are those normalize removes.
    CHECK(!op.emitCall == (op.kind == OpKind::BatchNorm));
    // A kernel split into bands computes regions, so the op has a region rule.
    if (op.splitsAcrossThreads)
      CHECK(bool(op.inputNeed));
    for (const OpSpelling &spelling : op.spellings) {
      CHECK(spellings.insert(spelling.name.str()).second);
      CHECK(findOpSpelling(spelling.name).op == &op);
    }
  }
  CHECK(describeOp(OpKind::Input).spellings.empty());
  CHECK(findOpSpelling("resize").op == nullptr);
  CHECK(opSpellingNames().size() == spellings.size());
}

TEST_CASE("kernel parameters name every field of the runtime's struct") {
  const std::map<std::string, size_t> runtimeFields = {
      {"tessel::Conv2dParams", memberCount<tessel::Conv2dParams>()},
      {"tessel::PoolParams", memberCount<tessel::PoolParams>()},
      {"tessel::UpsampleParams", memberCount<tessel::UpsampleParams>()}};
  CHECK(runtimeFields.at("tessel::Conv2dParams") == 12);
  CHECK(runtimeFields.at("tessel::UpsampleParams") == 3);

  std::set<std::string> seen;
  for (const char *name : {"tiny-upsample.yaml", "tiny-standalone.yaml", "tiny-depthwise.yaml"}) {
    const Network network = loadShipped(name);
    for (int index = 1; index < int(network.layers.size()); ++index) {
      const OpDescription &op = describeOp(network.layers[size_t(index)].op);
      const std::optional<KernelParams> params = op.kernelParams(OpSite(network, index));
      if (!params)
        continue;
      CAPTURE(params->type.str());
      REQUIRE(runtimeFields.count(params->type.str()) == 1);
      CHECK(params->fields.size() == runtimeFields.at(params->type.str()));
      std::set<std::string> fieldNames;
      for (const ParamsField &field : params->fields)
        CHECK(fieldNames.insert(field.name.str()).second);
      seen.insert(params->type.str());
    }
  }
  CHECK(seen.size() == runtimeFields.size()); // the networks above use every struct
}

TEST_CASE("upsample multiplies height and width and reads the cells it repeats") {
  const Network network = loadShipped("tiny-upsample.yaml");
  const int up = network.indexOf("up3"), upRows = network.indexOf("up6");
  REQUIRE(up > 0);
  REQUIRE(upRows > 0);
  CHECK(network.layers[size_t(up)].output == Shape{16, 16, 16});
  CHECK(network.layers[size_t(upRows)].output == Shape{8, 16, 16}); // scale [2, 1] of 8x8x16

  // Output rows [3, 7) and columns [5, 16) of a 2x2 upsample repeat input
  // rows [1, 4) and columns [2, 8).
  InputNeed need = inputNeed(network, up, 0, MapRegion{3, 7, 5, 16});
  CHECK(need.region == MapRegion{1, 4, 2, 8});
  CHECK(need.padTop + need.padLeft + need.padBottom + need.padRight == 0);
  need = inputNeed(network, upRows, 0, MapRegion{15, 16, 0, 16});
  CHECK(need.region == MapRegion{7, 8, 0, 16});
  // A channel range passes through to the input.
  MapRegion someChannels{0, 2, 0, 2};
  someChannels.c0 = 4;
  someChannels.c1 = 9;
  need = inputNeed(network, up, 0, someChannels);
  CHECK(need.region.c0 == 4);
  CHECK(need.region.c1 == 9);
  CHECK(isSpatiallyTileable(OpKind::Upsample));
}

TEST_CASE("reorg moves space into channels and needs its whole input") {
  const Network network = loadShipped("tiny-reorg.yaml");
  const int reorg = network.indexOf("reorg3");
  REQUIRE(reorg > 0);
  CHECK(network.layers[size_t(reorg)].output == Shape{32, 8, 8});
  CHECK_FALSE(isSpatiallyTileable(OpKind::Reorg));
  const std::optional<KernelParams> params =
      describeOp(OpKind::Reorg).kernelParams(OpSite(network, reorg));
  REQUIRE(params);
  CHECK(params->type == "tessel::ReorgParams");
  CHECK(params->fields.size() == memberCount<tessel::ReorgParams>());
}

TEST_CASE("concat's region rule gives each input its own channels of the range") {
  const Network network = loadShipped("tiny-upsample.yaml");
  const int cat = network.indexOf("cat4"); // up3 (16 channels) ++ conv0 (8 channels)
  REQUIRE(cat > 0);
  MapRegion channels{0, 4, 0, 4};
  channels.c0 = 12;
  channels.c1 = 20;
  const MapRegion first = inputNeed(network, cat, 0, channels).region;
  const MapRegion second = inputNeed(network, cat, 1, channels).region;
  CHECK(first.c0 == 12);
  CHECK(first.c1 == 16);
  CHECK(second.c0 == 0);
  CHECK(second.c1 == 4);
  // Every channel stays every channel.
  CHECK(inputNeed(network, cat, 1, MapRegion{0, 4, 0, 4}).region.allChannels());
}

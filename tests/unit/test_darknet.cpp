// The Darknet frontend: every supported section becomes the documented
// layers and shapes, libdarknet's weights file is read in its order, and
// every problem names the cfg line.
#include "temp_dir.h"

#include "frontend/darknet_weights.h"
#include "frontend/load_network.h"
#include "frontend/splitmix64.h"
#include "normalize/normalize.h"
#include "reference/ops.h"
#include "reference/run_reference.h"
#include "tessel/reorg.h"

#include "llvm/ADT/bit.h"
#include "llvm/Support/Endian.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

using namespace tessel;
using tessel::testing::TempDir;

namespace {

// Every section the importer supports, in a small network.
const char *const kEverySection = R"([net]
# Testing
batch=1
width=8
height = 8
channels=3
learning_rate=0.001

[convolutional]
batch_normalize=1
filters=4
size=3
stride=1
pad=1
activation=leaky

[maxpool]
size=2
stride=2

[convolutional]
filters=4
size=1
stride=1
pad=1
activation=linear

[shortcut]
from=-2
activation=relu

[maxpool]
size=2
stride=1

[route]
layers=-1,-3

[route]
layers=2

[upsample]
stride=2

[dropout]
probability=.5

[convolutional]
filters=6
size=3
stride=2
pad=1
groups=2
activation=logistic

[avgpool]

[connected]
output=5
batch_normalize=1
activation=linear

[softmax]
groups=1
)";

struct Loaded {
  std::string message; // "" when it loads
  Network network;
};

Loaded load(const TempDir &dir, const std::string &cfg, const LoadOptions &options = {}) {
  const std::string path = dir.write("net.cfg", cfg);
  llvm::Expected<Network> network = loadNetwork(path, options);
  if (!network)
    return {llvm::toString(network.takeError()), {}};
  return {"", std::move(*network)};
}

// The message a cfg gives, checked to start at "net.cfg:LINE:COL: ".
void checkError(const std::string &cfg, const std::string &position, const std::string &expected,
                const LoadOptions &options = {}) {
  TempDir dir("tessel-darknet");
  const Loaded loaded = load(dir, cfg, options);
  INFO("message: ", loaded.message);
  CHECK(loaded.message.rfind(dir.path("net.cfg") + ":" + position + ": ", 0) == 0);
  CHECK(loaded.message.find(expected) != std::string::npos);
}

const char *const kHeader = "[net]\nwidth=8\nheight=8\nchannels=3\n\n";

std::string withHeader(const std::string &sections) {
  return kHeader + sections;
}

const Layer &named(const Network &network, const std::string &name) {
  const int index = network.indexOf(name);
  REQUIRE_MESSAGE(index >= 0, "no layer ", name);
  return network.layers[size_t(index)];
}

void writeBytes(const std::string &path, const std::vector<char> &bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

} // namespace

TEST_CASE("every supported section becomes the documented layers") {
  TempDir dir("tessel-darknet");
  const Loaded loaded = load(dir, kEverySection);
  REQUIRE_MESSAGE(loaded.message.empty(), loaded.message);
  const Network &net = loaded.network;
  CHECK(net.name == "net");
  CHECK(net.inputShape == Shape{3, 8, 8});

  const Layer &conv0 = named(net, "conv0");
  CHECK(conv0.op == OpKind::Conv2d);
  CHECK_FALSE(conv0.conv().bias);
  CHECK(conv0.conv().window.padding.top == 1);
  const Layer &norm0 = named(net, "conv0.bn");
  CHECK(norm0.op == OpKind::BatchNorm);
  CHECK(norm0.batchNorm().epsilonAfterSqrt);
  CHECK(norm0.batchNorm().epsilon == 1e-6f);
  CHECK(norm0.activation.kind == ActivationKind::Leaky);
  CHECK(norm0.activation.alpha == 0.1f);

  // A 1x1 convolution's pad=1 means size / 2 = 0.
  const Layer &conv2 = named(net, "conv2");
  CHECK(conv2.conv().window.padding.top == 0);
  CHECK(conv2.output == Shape{4, 4, 4});

  const Layer &shortcut = named(net, "shortcut3");
  CHECK(shortcut.op == OpKind::Add);
  CHECK(shortcut.inputs == std::vector<int>{net.indexOf("conv2"), net.indexOf("maxpool1")});
  CHECK(shortcut.activation.kind == ActivationKind::Relu);

  // Darknet's 2x2 pool with stride 1 pads one row and column after.
  const Layer &pool4 = named(net, "maxpool4");
  CHECK(pool4.output == Shape{4, 4, 4});
  CHECK(pool4.pool().window.padding.top == 0);
  CHECK(pool4.pool().window.padding.bottom == 1);
  CHECK(pool4.pool().window.padding.right == 1);

  const Layer &route5 = named(net, "route5");
  CHECK(route5.op == OpKind::Concat);
  CHECK(route5.output == Shape{8, 4, 4});
  // A route of one layer (route6, absolute index 2) names conv2 itself.
  const Layer &upsample = named(net, "upsample7");
  CHECK(upsample.inputs == std::vector<int>{net.indexOf("conv2")});
  CHECK(upsample.output == Shape{4, 8, 8});

  // The dropout (8) is dropped; the grouped conv reads the upsample.
  const Layer &conv9 = named(net, "conv9");
  CHECK(conv9.inputs == std::vector<int>{net.indexOf("upsample7")});
  CHECK(conv9.conv().groups == 2);
  CHECK(conv9.conv().bias);
  CHECK(conv9.activation.kind == ActivationKind::Sigmoid);
  CHECK(conv9.output == Shape{6, 4, 4});

  CHECK(named(net, "avgpool10").op == OpKind::GlobalAvgPool);
  const Layer &fc = named(net, "fc11");
  CHECK(fc.op == OpKind::FullyConnected);
  CHECK_FALSE(fc.fc().bias);
  CHECK(named(net, "fc11.bn").inputs == std::vector<int>{net.indexOf("fc11")});
  CHECK(net.layers.back().name == "softmax12");
  CHECK(net.layers.back().output == Shape{5, 1, 1});
}

TEST_CASE("region and yolo end the network at the tensor they read") {
  TempDir dir("tessel-darknet");
  const Loaded region = load(dir, withHeader("[convolutional]\nfilters=2\nsize=1\n"
                                             "activation=linear\n\n[region]\nanchors=1,2\n"
                                             "classes=80\nnum=5\n"));
  REQUIRE_MESSAGE(region.message.empty(), region.message);
  CHECK(region.network.layers.back().name == "conv0");

  // The output is a route of one layer: a copy of it comes last.
  const Loaded routed =
      load(dir, withHeader("[convolutional]\nfilters=2\nsize=1\n\n[convolutional]\nfilters=2\n"
                           "size=1\n\n[route]\nlayers=0\n\n[yolo]\nmask=0,1\n"));
  REQUIRE_MESSAGE(routed.message.empty(), routed.message);
  const Layer &last = routed.network.layers.back();
  CHECK(last.name == "output");
  CHECK(last.op == OpKind::Activation);
  CHECK(last.inputs == std::vector<int>{routed.network.indexOf("conv0")});
}

TEST_CASE("several yolo heads make one output: their tensors flattened back to back") {
  TempDir dir("tessel-darknet");
  // Two heads, as YOLOv3 has them: the second after a route past the first.
  const Loaded heads = load(dir, withHeader("[convolutional]\nfilters=4\nsize=1\n\n"
                                            "[convolutional]\nfilters=3\nsize=1\n\n"
                                            "[yolo]\nmask=0\n\n[route]\nlayers=-3\n\n"
                                            "[maxpool]\nsize=2\nstride=2\n\n"
                                            "[convolutional]\nfilters=2\nsize=1\n\n"
                                            "[yolo]\nmask=1\n"));
  REQUIRE_MESSAGE(heads.message.empty(), heads.message);
  const Layer &output = heads.network.layers.back();
  CHECK(output.op == OpKind::FlattenConcat);
  CHECK(output.inputs ==
        std::vector<int>{heads.network.indexOf("conv1"), heads.network.indexOf("conv5")});
  CHECK(output.output == Shape{3 * 8 * 8 + 2 * 4 * 4, 1, 1});
  // The reference writes each head's NCHW values in turn.
  std::vector<float> input(size_t(heads.network.inputShape.elements()), 0.5f);
  const std::vector<std::vector<float>> all = runReferenceAllLayers(heads.network, input);
  std::vector<float> expected = all[size_t(heads.network.indexOf("conv1"))];
  const std::vector<float> &second = all[size_t(heads.network.indexOf("conv5"))];
  expected.insert(expected.end(), second.begin(), second.end());
  CHECK(all.back() == expected);

  checkError(withHeader("[convolutional]\n\n[yolo]\n\n[convolutional]\n"), "10:1",
             "only a [route] may follow a [yolo] head");
  checkError(withHeader("[convolutional]\n\n[yolo]\n\n[route]\nlayers=-1\n"), "11:8",
             "'layers' refers to layer 1, a detection head");
  checkError(withHeader("[convolutional]\n\n[yolo]\n\n[route]\nlayers=-2\n"), "10:1",
             "the sections after the last detection head compute nothing the output holds");
}

TEST_CASE("Debian's yolov2 (608x608) and yolov3-tiny (416x416) cfgs load") {
  const std::string cfgs = "/usr/share/darknet/cfg/";
  if (!std::ifstream(cfgs + "yolov2.cfg").good()) {
    MESSAGE("skipped: Debian's darknet package is not installed");
    return;
  }
  llvm::Expected<Network> yolov2 = loadNetwork(cfgs + "yolov2.cfg");
  REQUIRE(yolov2);
  CHECK(yolov2->inputShape == Shape{3, 608, 608});
  CHECK(yolov2->layers.back().output == Shape{425, 19, 19}); // 5 anchors x (80 classes + 5)
  CHECK(std::count_if(yolov2->layers.begin(), yolov2->layers.end(),
                      [](const Layer &layer) { return layer.op == OpKind::Reorg; }) == 1);
  llvm::Expected<Network> tiny = loadNetwork(cfgs + "yolov3-tiny.cfg");
  REQUIRE(tiny);
  CHECK(tiny->inputShape == Shape{3, 416, 416});
  // 255 x 13 x 13 then 255 x 26 x 26.
  CHECK(tiny->layers.back().output == Shape{255 * 13 * 13 + 255 * 26 * 26, 1, 1});
}

TEST_CASE("the cfg's problems name the line and column") {
  SUBCASE("a misspelled key suggests the known one") {
    checkError(withHeader("[convolutional]\nfliters=4\nsize=3\n"), "7:1",
               "layer 'conv0': unknown or unsupported key 'fliters' in [convolutional] (did you "
               "mean 'filters'?)");
  }
  SUBCASE("an unknown section") {
    checkError(withHeader("[convolutional]\nfilters=4\n\n  [crop]\ncrop_width=4\n"), "9:3",
               "unsupported section [crop]");
  }
  SUBCASE("a line that is not key=value") {
    checkError(withHeader("[convolutional]\nfilters 4\n"), "7:1",
               "expected 'key=value' or a '[section]' header, got 'filters4'");
  }
  SUBCASE("a value that is not an integer, at the value") {
    checkError(withHeader("[convolutional]\nfilters = four\n"), "7:11",
               "'filters' takes an integer");
  }
  SUBCASE("a key given twice") {
    checkError(withHeader("[maxpool]\nsize=2\nsize=3\n"), "8:1", "'size' is given twice");
  }
  SUBCASE("[net] first, with the input size") {
    checkError("[convolutional]\nfilters=4\n", "1:1", "the first section must be [net]");
    checkError("[net]\nwidth=8\nheight=8\n\n[convolutional]\n", "1:1", "[net] needs 'channels'");
  }
  SUBCASE("an unsupported activation") {
    checkError(withHeader("[convolutional]\nactivation=mish\n"), "7:12",
               "unsupported activation 'mish'");
  }
  SUBCASE("a route to a layer that is not before it") {
    checkError(withHeader("[convolutional]\n\n[route]\nlayers=-1, 3\n"), "9:8",
               "'layers' refers to layer 3 (from 3), but only layers 0 to 0 come before");
  }
  SUBCASE("a shortcut between maps of different shapes") {
    checkError(withHeader("[convolutional]\nfilters=4\npad=1\nsize=3\n\n[maxpool]\nsize=2\n"
                          "stride=2\n\n[shortcut]\nfrom=-2\n"),
               "16:6", "layer 'shortcut2': add needs inputs of equal shape");
  }
  SUBCASE("a 1x1 convolution with a stride") {
    checkError(withHeader("[convolutional]\nsize=1\nstride=2\n"), "8:8",
               "a 1x1 convolution with stride > 1 is not supported");
  }
  SUBCASE("a reorg whose input does not divide by the stride") {
    checkError(withHeader("[convolutional]\nfilters=4\n\n[reorg]\nstride=3\n"), "10:8",
               "layer 'reorg1': reorg needs height and width divisible by the stride (3), got 8x8");
  }
  SUBCASE("a reverse reorg") {
    checkError(withHeader("[convolutional]\nfilters=4\n\n[reorg]\nstride=2\nreverse=1\n"), "11:9",
               "'reverse' is not supported");
  }
  SUBCASE("sections after the detection head") {
    checkError(withHeader("[convolutional]\n\n[region]\n\n[convolutional]\n"), "10:1",
               "[convolutional] after the detection head [region]");
  }
  SUBCASE("a shape problem the input size causes names the key") {
    checkError(withHeader("[convolutional]\nsize=9\n"), "7:6", "layer 'conv0':");
  }
}

TEST_CASE("a .weights file is read in libdarknet's order") {
  TempDir dir("tessel-darknet");
  const Loaded random = load(dir, kEverySection);
  REQUIRE_MESSAGE(random.message.empty(), random.message);

  for (const darknet::WeightsHeader header :
       {darknet::WeightsHeader{0, 2, 0, 12345}, darknet::WeightsHeader{0, 1, 0, 7}}) {
    CAPTURE(header.minor);
    const std::vector<char> bytes = darknet::darknetWeightsFile(random.network, header);
    const std::string weights = dir.path("net.weights");
    writeBytes(weights, bytes);
    LoadOptions options;
    options.weightsPath = weights;
    const Loaded read = load(dir, kEverySection, options);
    REQUIRE_MESSAGE(read.message.empty(), read.message);
    for (size_t i = 0; i < random.network.layers.size(); ++i) {
      const LayerWeights &a = random.network.layers[i].weights, &b = read.network.layers[i].weights;
      CHECK(a.weight == b.weight);
      CHECK(a.bias == b.bias);
      CHECK(a.gamma == b.gamma);
      CHECK(a.beta == b.beta);
      CHECK(a.mean == b.mean);
      CHECK(a.variance == b.variance);
    }
  }
}

TEST_CASE("a convolution's parameters sit where libdarknet puts them") {
  TempDir dir("tessel-darknet");
  // 2 filters of 1 channel, 1x1: biases, scales, rolling mean and variance,
  // then the weights.
  const std::string cfg =
      "[net]\nwidth=1\nheight=1\nchannels=1\n\n[convolutional]\nbatch_normalize=1\nfilters=2\n"
      "size=1\nactivation=linear\n";
  std::vector<char> bytes;
  auto word = [&](uint32_t bits) {
    char b[4];
    llvm::support::endian::write32le(b, bits);
    bytes.insert(bytes.end(), b, b + 4);
  };
  for (uint32_t header : {0u, 2u, 0u, 0u, 0u})
    word(header);
  for (float value : {1.f, 2.f, 3.f, 4.f, 5.f, 6.f, 7.f, 8.f, 9.f, 10.f})
    word(llvm::bit_cast<uint32_t>(value));
  writeBytes(dir.path("net.weights"), bytes);
  LoadOptions options;
  options.weightsPath = dir.path("net.weights");
  const Loaded loaded = load(dir, cfg, options);
  REQUIRE_MESSAGE(loaded.message.empty(), loaded.message);
  const LayerWeights &norm = named(loaded.network, "conv0.bn").weights;
  CHECK(norm.beta == std::vector<float>{1, 2});
  CHECK(norm.gamma == std::vector<float>{3, 4});
  CHECK(norm.mean == std::vector<float>{5, 6});
  CHECK(norm.variance == std::vector<float>{7, 8});
  CHECK(named(loaded.network, "conv0").weights.weight == std::vector<float>{9, 10});
}

TEST_CASE("batch norm divides by sqrt(variance) + 1e-6, as libdarknet does") {
  TempDir dir("tessel-darknet");
  const std::string cfg = "[net]\nwidth=1\nheight=1\nchannels=1\n\n[convolutional]\n"
                          "batch_normalize=1\nfilters=1\nsize=1\nactivation=linear\n";
  const Loaded loaded = load(dir, cfg);
  REQUIRE_MESSAGE(loaded.message.empty(), loaded.message);
  Network net = loaded.network;
  LayerWeights &norm = net.layers[size_t(net.indexOf("conv0.bn"))].weights;
  norm = LayerWeights{{}, {}, {1.0f}, {0.0f}, {0.0f}, {1e-8f}};
  net.layers[size_t(net.indexOf("conv0"))].weights.weight = {1.0f};
  // sqrt(1e-8) + 1e-6 = 1.01e-4; sqrt(1e-8 + 1e-6) would be 1.005e-3.
  const double expected = 1.0 / (1e-4 + 1e-6);
  const std::vector<float> reference = runReference(net, {1.0f});
  CHECK(reference.at(0) == doctest::Approx(expected).epsilon(1e-5));
  const Network folded = normalize(net);
  REQUIRE(folded.layers.size() == 2);
  CHECK(folded.layers[1].weights.weight.at(0) == doctest::Approx(expected).epsilon(1e-5));
}

TEST_CASE("a .weights file of the wrong size names both sizes") {
  TempDir dir("tessel-darknet");
  const std::string cfg = withHeader("[convolutional]\nfilters=2\nsize=1\n");
  // 2 biases and 2 x 3 weights: 32 bytes after a 20-byte header.
  LoadOptions options;
  options.weightsPath = dir.path("net.weights");
  std::vector<char> header(20, '\0');
  header[4] = 2;
  std::vector<char> shortFile = header;
  shortFile.resize(48);
  writeBytes(*options.weightsPath, shortFile);
  Loaded loaded = load(dir, cfg, options);
  CHECK(loaded.message == *options.weightsPath +
                              ": the weights file has 48 bytes, but the network needs 52 bytes: "
                              "a 20-byte header (version 0.2.0) and 8 float32 parameters");

  writeBytes(*options.weightsPath, std::vector<char>(10, '\0'));
  loaded = load(dir, cfg, options);
  CHECK(loaded.message == *options.weightsPath +
                              ": the weights file has 10 bytes, too short for the header "
                              "(major, minor, revision and seen: 16 or 20 bytes)");

  options.weightsPath = dir.path("missing.weights");
  loaded = load(dir, cfg, options);
  CHECK(loaded.message.find("cannot read the weights file") != std::string::npos);
}

TEST_CASE("--weights is only for .cfg networks") {
  TempDir dir("tessel-darknet");
  LoadOptions options;
  options.weightsPath = "x.weights";
  const std::string yaml = dir.write("net.yaml", "name: n\n");
  llvm::Expected<Network> net = loadNetwork(yaml, options);
  REQUIRE_FALSE(bool(net));
  CHECK(llvm::toString(net.takeError()).find("--weights is for Darknet .cfg networks") !=
        std::string::npos);
}

TEST_CASE("reorg moves elements as libdarknet's reorg_cpu does") {
  // 4 x 2 x 2 holding its flat index, stride 2: reorg_cpu gives these.
  reference::Tensor input;
  input.shape = Shape{4, 2, 2};
  for (int i = 0; i < 16; ++i)
    input.values.push_back(float(i));
  const std::vector<double> expected = {0, 2, 8, 10, 1, 3, 9, 11, 4, 6, 12, 14, 5, 7, 13, 15};
  CHECK(reference::reorgDarknet(input, 2) == expected);
}

TEST_CASE("the reorg kernel matches the reference on every region") {
  const Shape in{8, 4, 6};
  const int stride = 2;
  const Shape out{in.c * stride * stride, in.h / stride, in.w / stride};
  reference::Tensor input;
  input.shape = in;
  for (int64_t i = 0; i < in.elements(); ++i)
    input.values.push_back(float(i) * 0.5f - 7.0f);
  const std::vector<double> expected = reference::reorgDarknet(input, stride);

  // The kernel reads and writes channels-last maps.
  std::vector<float> inputHwc(size_t(in.elements()));
  for (int c = 0; c < in.c; ++c)
    for (int y = 0; y < in.h; ++y)
      for (int x = 0; x < in.w; ++x)
        inputHwc[size_t((y * in.w + x) * in.c + c)] = float(input.at(c, y, x));
  const ReorgParams params{in.c, in.h, in.w, stride};
  for (const Region region : {Region{0, out.h, 0, out.w}, Region{1, 2, 0, 3}, Region{0, 2, 2, 3}}) {
    std::vector<float> outputHwc(size_t(out.elements()), -1.0f);
    reorgDarknet(params, wholeMap<const float>(inputHwc.data(), in.c, in.h, in.w),
                 wholeMap<float>(outputHwc.data(), out.c, out.h, out.w), region);
    for (int c = 0; c < out.c; ++c)
      for (int y = 0; y < out.h; ++y)
        for (int x = 0; x < out.w; ++x) {
          const bool inside = y >= region.y0 && y < region.y1 && x >= region.x0 && x < region.x1;
          const float value = outputHwc[size_t((y * out.w + x) * out.c + c)];
          CHECK(double(value) == (inside ? expected[size_t((c * out.h + y) * out.w + x)] : -1.0));
        }
  }
}

TEST_CASE("mutated cfgs load or fail with a located message, never crash") {
  TempDir dir("tessel-darknet");
  const std::string path = dir.path("net.cfg");
  const std::vector<std::string> insertions = {"-1",
                                               "0",
                                               "99999999",
                                               "x",
                                               "=",
                                               "[",
                                               "]",
                                               "\n",
                                               "#",
                                               " ",
                                               "[route]\nlayers=-1,-3\n",
                                               "[reorg]\nstride=2\n",
                                               "[shortcut]\nfrom=-4\n",
                                               "size=0\n",
                                               "stride=-2\n",
                                               "groups=3\n",
                                               "[upsample]\nstride=3\n",
                                               "[connected]\noutput=2\n",
                                               "2147483648",
                                               std::string(1, '\0')};
  SplitMix64 random(12345);
  auto below = [&](size_t bound) { return size_t(random.next() % bound); };
  for (int round = 0; round < 400; ++round) {
    std::string text = kEverySection;
    const int edits = 1 + int(below(4));
    for (int e = 0; e < edits; ++e) {
      const size_t at = below(text.size());
      if (below(2) == 0)
        text.erase(at, 1 + below(5));
      else
        text.insert(at, insertions[below(insertions.size())]);
    }
    CAPTURE(text);
    std::ofstream(path, std::ios::binary) << text;
    llvm::Expected<Network> network = loadNetwork(path);
    if (!network) {
      const std::string message = llvm::toString(network.takeError());
      CHECK(message.rfind(path + ":", 0) == 0);
      continue;
    }
    CHECK(normalize(*network).layers.size() >= 2);
  }
}

// Bad network descriptions: each fixture in tests/data/bad must fail with the
// expected message at the expected line and column.
#include "frontend/load_network.h"

#include <doctest/doctest.h>

#include <string>

using tessel::LoadOptions;

namespace {

std::string fixturePath(const std::string &name) {
  return std::string(TESSEL_TEST_DATA_DIR) + "/bad/" + name;
}

// The message loadNetwork gives for `path`, or "" when it loads.
std::string loadError(const std::string &path, const LoadOptions &options = {}) {
  llvm::Expected<tessel::Network> network = tessel::loadNetwork(path, options);
  return network ? std::string() : llvm::toString(network.takeError());
}

// Checks that `fixture` fails at `position` ("LINE:COL") with `expected` in
// the message.
void checkError(const std::string &fixture, const std::string &position,
                const std::string &expected, const LoadOptions &options = {}) {
  const std::string path = fixturePath(fixture);
  const std::string message = loadError(path, options);
  INFO("message: ", message);
  CHECK(message.rfind(path + ":" + position + ": ", 0) == 0);
  CHECK(message.find(expected) != std::string::npos);
}

} // namespace

TEST_CASE("a missing file is reported without a position") {
  const std::string path = fixturePath("no-such-file.yaml");
  const std::string message = loadError(path);
  CHECK(message == path + ": cannot read the network description: No such file or directory");
}

TEST_CASE("a YAML syntax error points at the parser's position") {
  checkError("yaml_syntax.yaml", "5:53", "invalid YAML: illegal flow end");
}

TEST_CASE("the top level must be a map") {
  checkError("not_a_map.yaml", "2:1", "the network description must be a map, got a list of 2");
}

TEST_CASE("an empty file is rejected") {
  checkError("empty.yaml", "1:1",
             "the description is empty; it needs 'name', 'input' and 'layers'");
}

TEST_CASE("an unknown top-level key suggests the known one") {
  checkError("unknown_top_key.yaml", "4:1",
             "unknown attribute 'layer' for the network (did you mean 'layers'?)");
}

TEST_CASE("layers are required and must not be empty") {
  checkError("missing_layers.yaml", "2:1", "missing required attribute 'layers'");
  checkError("empty_layers.yaml", "4:9",
             "'layers' must be a non-empty list of layers, got a list of 0");
}

TEST_CASE("the network name is restricted to identifier characters") {
  checkError("bad_network_name.yaml", "2:7",
             "network name 'my net' may contain only letters, digits, '_' and '-'");
}

TEST_CASE("a quoted number is a string, not an integer") {
  checkError("input_quoted_height.yaml", "3:30",
             "'height' must be a positive integer, got the string \"16\"");
}

TEST_CASE("sizes must be positive") {
  checkError("input_zero_channels.yaml", "3:19", "'channels' must be a positive integer, got 0");
  checkError("negative_stride.yaml", "5:63",
             "layer 'c1': 'stride' must be a positive integer, got -2");
}

TEST_CASE("sizes must be integers") {
  checkError("non_integer_kernel.yaml", "5:48",
             "layer 'c1': 'kernel' must be a positive integer, got '2.5'");
}

TEST_CASE("sizes over the limit are rejected without overflow") {
  checkError("input_too_wide.yaml", "3:41", "'width' is too large: 5000000 (limit 1000000)");
  checkError("huge_filters.yaml", "5:37",
             "'filters' is too large: 99999999999999999999999 (limit 1000000)");
  checkError("input_too_many_elements.yaml", "3:8",
             "layer 'input': the output 10000x1000x1000 has more than 2147483647 elements");
  checkError("weight_tensor_too_large.yaml", "5:37",
             "layer 'c1': the weight tensor would have more than 2147483647 elements");
}

TEST_CASE("only the nchw layout is accepted") {
  checkError("input_layout.yaml", "3:53", "the only layout is nchw, got 'nhwc'");
}

TEST_CASE("an unknown op lists the known ops") {
  checkError("unknown_op.yaml", "5:20",
             "layer 'c1': unknown op 'conv' (did you mean 'conv2d'?); known ops: conv2d, "
             "batch_norm, relu, relu6, sigmoid, leaky, hard_sigmoid, hard_swish, linear, maxpool, "
             "avgpool, global_avgpool, fully_connected, add, concat, softmax, upsample, reorg, "
             "multiply");
}

TEST_CASE("a misspelled attribute is reported with the nearest known one") {
  checkError("unknown_attribute_typo.yaml", "7:5",
             "layer 'c1': unknown attribute 'filter' for conv2d (did you mean 'filters'?)");
  checkError("misspelled_op_key.yaml", "5:16",
             "layer 'c1': unknown attribute 'ops' for a layer (did you mean 'op'?)");
}

TEST_CASE("an unknown attribute lists the op's attributes") {
  checkError("unknown_attribute.yaml", "5:40",
             "unknown attribute 'colour' for maxpool; maxpool takes: name, op, inputs, kernel, "
             "stride, padding, ceil_mode");
  checkError("attribute_of_other_op.yaml", "5:51", "unknown attribute 'ceil_mode' for conv2d;");
}

TEST_CASE("a missing required attribute points at the layer") {
  checkError("missing_filters.yaml", "5:5", "layer 'c1': missing required attribute 'filters'");
  checkError("upsample_missing_scale.yaml", "5:5",
             "layer 'up': missing required attribute 'scale'");
}

TEST_CASE("an upsample scale must be a positive integer") {
  checkError("upsample_zero_scale.yaml", "5:41",
             "layer 'up': 'scale' must be a positive integer, got 0");
}

TEST_CASE("layer names must be unique, valid and not 'input'") {
  checkError("duplicate_layer_name.yaml", "6:12",
             "layer 'r': duplicate layer name 'r' (first defined on line 5)");
  checkError("reserved_name.yaml", "5:12", "the name 'input' is reserved for the network input");
  checkError("bad_layer_name.yaml", "5:12", "layer name '1conv' must start with a letter or '_'");
}

TEST_CASE("the batch-norm shorthand's name must be free") {
  checkError("batch_norm_name_taken.yaml", "6:63",
             "layer 'c1': duplicate layer name 'c1.bn' (first defined on line 5)");
}

TEST_CASE("a key given twice is rejected") {
  checkError("duplicate_key.yaml", "7:5", "duplicate key 'op' (first given on line 6)");
}

TEST_CASE("each layer must be a map") {
  checkError("layer_not_a_map.yaml", "6:5", "each layer must be a map, got 'sigmoid'");
}

TEST_CASE("an unknown input suggests a defined layer") {
  checkError("unknown_input.yaml", "6:33",
             "layer 'r': unknown layer 'conv2' in inputs (did you mean 'conv1'?)");
}

TEST_CASE("a layer may only read layers above it") {
  checkError("forward_input.yaml", "5:34",
             "layer 'a': 'b' is defined further down; a layer may only read layers above it");
  checkError("self_input.yaml", "6:36", "layer 'b': a layer cannot read itself");
}

TEST_CASE("inputs must be names") {
  checkError("inputs_not_names.yaml", "5:33",
             "layer 'a': 'inputs' takes a layer name or a list of names, got a map");
}

TEST_CASE("add and concat need two or more inputs") {
  checkError("add_one_input.yaml", "6:34", "layer 'sum': add needs at least two inputs, got 1");
  checkError("add_implicit_input.yaml", "6:5",
             "layer 'sum': add needs at least two inputs, got 1 (list them in 'inputs')");
}

TEST_CASE("other ops read exactly one input") {
  checkError("conv_two_inputs.yaml", "6:59", "layer 'c1': conv2d reads exactly one input, got 2");
}

TEST_CASE("add needs equal shapes") {
  checkError("add_shape_mismatch.yaml", "6:34",
             "layer 'sum': add needs inputs of equal shape, but 'c1' is 8x16x16 and 'input' is "
             "3x16x16");
}

TEST_CASE("concat needs equal height and width") {
  checkError("concat_size_mismatch.yaml", "6:37",
             "layer 'cat': concat needs inputs of equal height and width, but 'input' is 3x16x16 "
             "and 'p1' is 3x8x8");
}

TEST_CASE("groups must divide the channels") {
  checkError("groups_not_dividing.yaml", "5:59",
             "layer 'c1': groups (2) must divide the input channels (3)");
  checkError("depthwise_filters.yaml", "5:37",
             "layer 'dw': depthwise needs filters (4) to be a multiple of the input channels (3)");
  checkError("groups_word.yaml", "5:59",
             "layer 'dw': 'groups' takes a positive integer or depthwise, got 'depthwize'");
}

TEST_CASE("an output smaller than 1 points at the kernel") {
  checkError("output_too_small.yaml", "5:48",
             "layer 'c1': the output would be 0x0: the 7x7 window does not fit in the 4x4 input "
             "plus padding");
}

TEST_CASE("an input size override that empties a layer says so") {
  LoadOptions options;
  options.inputSize = std::make_pair(2, 2);
  checkError("fc_after_pools.yaml", "6:37",
             "layer 'p2': the output would be 0x0: the 2x2 window does not fit in the 1x1 input "
             "plus padding (at input size 2x2 from the command line)",
             options);
  CHECK(loadError(fixturePath("fc_after_pools.yaml")).empty());
}

TEST_CASE("an input size override must be positive") {
  LoadOptions options;
  options.inputSize = std::make_pair(0, 2);
  checkError("fc_after_pools.yaml", "3:8",
             "input size 0x2 from the command line must be between 1x1 and 1000000x1000000",
             options);
}

TEST_CASE("ceil_mode rules") {
  checkError("ceil_mode_with_same.yaml", "5:77",
             "layer 'p1': ceil_mode cannot be combined with padding: same");
  checkError("ceil_mode_not_bool.yaml", "5:62",
             "layer 'p1': 'ceil_mode' must be true or false, got 'yes'");
}

TEST_CASE("pooling padding is at most half the kernel") {
  checkError("pool_padding_too_large.yaml", "5:49",
             "layer 'p1': pooling padding may be at most half the kernel (2x2)");
}

TEST_CASE("padding takes the documented forms") {
  checkError("bad_padding.yaml", "5:60",
             "'padding' takes same, valid, an integer, [h, w] or [top, left, bottom, right], got "
             "'full'");
}

TEST_CASE("activations are checked") {
  checkError("unknown_activation.yaml", "5:63",
             "layer 'c1': unknown activation 'swish'; known: linear, relu, relu6, sigmoid, leaky");
  checkError("alpha_without_leaky.yaml", "5:83", "layer 'c1': 'alpha' applies only to leaky");
}

TEST_CASE("epsilon needs the batch-norm shorthand") {
  checkError("epsilon_without_batch_norm.yaml", "5:60",
             "layer 'c1': 'epsilon' applies only with batch_norm: true");
}

TEST_CASE("weights take a file or a seed") {
  checkError("weights_both.yaml", "4:10",
             "'weights' takes exactly one of 'file: PATH' and 'random: SEED'");
  checkError("weights_negative_seed.yaml", "4:19",
             "'random' must be an integer from 0 to 2^64 - 1, got '-1'");
}

TEST_CASE("a missing weights file points at its name") {
  checkError("weights_missing_file.yaml", "4:17",
             "cannot read weights file '" + fixturePath("no-such.weights") +
                 "': No such file or directory");
}

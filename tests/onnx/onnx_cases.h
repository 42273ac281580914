// ONNX backend test cases (libonnx-testdata) made into models tessel can
// compile: inputs besides the image bound as initializers (tessel compiles
// weights into the code), a batch of N run as N images of batch 1.
#pragma once

#include <string>
#include <vector>

namespace onnx_cases {

// The operators the importer supports (docs/onnx.md); a case is in the
// conformance suite when one of its nodes is one of them.
const std::vector<std::string> &supportedOperators();

struct PreparedCase {
  std::string name;  // "node/test_conv_with_strides_padding"
  std::string op;    // the first supported operator among its nodes
  std::string model; // the prepared model's path, batch 1
  // One input and expected output per image of the batch, NCHW float32.
  std::vector<std::vector<float>> inputs, expected;
  std::string problem; // why the case cannot be prepared, else empty
};

// Every case under `root`'s node/, pytorch-converted/ and pytorch-operator/
// with a supported operator, prepared into `work`.
std::vector<PreparedCase> prepareCases(const std::string &root, const std::string &work);

} // namespace onnx_cases

// Reference pooling against values computed by hand.
#include "test_reference_helpers.h"

using namespace tessel;
using namespace tessel::test;

namespace {

// 1 2 3
// 4 5 6
// 7 8 9
const std::vector<float> kOneToNine = {1, 2, 3, 4, 5, 6, 7, 8, 9};
const std::vector<float> kMinusOneToNine = {-1, -2, -3, -4, -5, -6, -7, -8, -9};

Layer makePool(OpKind op, Shape output, int kernel, int stride, Padding padding) {
  Layer layer = makeLayer(op, output);
  layer.pool().window.kernelH = layer.pool().window.kernelW = kernel;
  layer.pool().window.strideH = layer.pool().window.strideW = stride;
  layer.pool().window.padding = padding;
  return layer;
}

} // namespace

TEST_CASE("maxpool 2x2 stride 2 picks each window's maximum") {
  std::vector<float> input = {1, 9, 2, 0, 3, 4, 8, 5, 7, 6, 1, 1, 0, 2, 3, 4}; // 4x4
  Layer pool = makePool(OpKind::MaxPool, {1, 2, 2}, 2, 2, {});
  checkValues(runLayer({1, 4, 4}, pool, input), {9, 8, 7, 4});
}

TEST_CASE("maxpool: padded cells never win, even over negative values") {
  // Windows start at -1 and 1; with zero-valued padding every answer would be 0.
  Layer pool = makePool(OpKind::MaxPool, {1, 2, 2}, 3, 2, {1, 1, 1, 1});
  checkValues(runLayer({1, 3, 3}, pool, kMinusOneToNine), {-1, -2, -4, -5});
}

TEST_CASE("maxpool ceil_mode: the last window hangs past the input and only reads the input") {
  // 3x3, kernel 2, stride 2, ceil_mode: 2x2 output, windows at 0 and 2.
  Layer pool = makePool(OpKind::MaxPool, {1, 2, 2}, 2, 2, {});
  pool.pool().window.ceilMode = true;
  checkValues(runLayer({1, 3, 3}, pool, kMinusOneToNine), {-1, -3, -7, -9});
}

TEST_CASE("avgpool with padding: count_include_pad decides the divisor") {
  // 3x3, kernel 2, stride 2, padding 1: windows start at -1 and 1.
  // In-bounds sums: 1 (one cell), 2+3 (two), 4+7 (two), 5+6+8+9 (four).
  Layer pool = makePool(OpKind::AvgPool, {1, 2, 2}, 2, 2, {1, 1, 1, 1});
  SUBCASE("count_include_pad false divides by the in-bounds cells") {
    pool.pool().countIncludePad = false;
    checkValues(runLayer({1, 3, 3}, pool, kOneToNine), {1, 2.5f, 5.5f, 7});
  }
  SUBCASE("count_include_pad true divides by the whole window") {
    pool.pool().countIncludePad = true;
    checkValues(runLayer({1, 3, 3}, pool, kOneToNine), {0.25f, 1.25f, 2.75f, 7});
  }
}

TEST_CASE("avgpool ceil_mode with count_include_pad counts the padding but not the overhang") {
  // 1x4 input, kernel 1x3, stride 2, padding 1 left and right, ceil_mode:
  // 3 windows over columns -1..1, 1..3, 3..5. The last one covers input
  // column 3, padding column 4 and column 5 beyond the padded extent, so
  // PyTorch divides by 2 (not 3, not 1).
  Layer pool = makeLayer(OpKind::AvgPool, {1, 1, 3});
  pool.pool().window.kernelH = 1;
  pool.pool().window.kernelW = 3;
  pool.pool().window.strideH = 1;
  pool.pool().window.strideW = 2;
  pool.pool().window.padding = {0, 1, 0, 1};
  pool.pool().window.ceilMode = true;
  SUBCASE("count_include_pad true") {
    pool.pool().countIncludePad = true;
    checkValues(runLayer({1, 1, 4}, pool, {1, 2, 3, 4}), {1, 3, 2});
  }
  SUBCASE("count_include_pad false") {
    pool.pool().countIncludePad = false;
    checkValues(runLayer({1, 1, 4}, pool, {1, 2, 3, 4}), {1.5f, 3, 4});
  }
}

TEST_CASE("pooling keeps height and width apart: kernel 2x1, stride 1x2") {
  // Input 3x4 with in(y, x) = 4y + x; windows are rows y, y+1 of column 2x.
  std::vector<float> input(12);
  for (int i = 0; i < 12; ++i)
    input[size_t(i)] = float(i);
  Layer pool = makeLayer(OpKind::MaxPool, {1, 2, 2});
  pool.pool().window.kernelH = 2;
  pool.pool().window.kernelW = 1;
  pool.pool().window.strideH = 1;
  pool.pool().window.strideW = 2;
  SUBCASE("maxpool takes the lower cell") {
    checkValues(runLayer({1, 3, 4}, pool, input), {4, 6, 8, 10});
  }
  SUBCASE("avgpool averages the two cells") {
    pool.op = OpKind::AvgPool;
    checkValues(runLayer({1, 3, 4}, pool, input), {2, 4, 6, 8});
  }
}

TEST_CASE("global avgpool averages each channel over height and width") {
  Layer pool = makeLayer(OpKind::GlobalAvgPool, {2, 1, 1});
  checkValues(runLayer({2, 2, 2}, pool, {1, 2, 3, 4, 10, 20, 30, 50}), {2.5f, 27.5f});
}

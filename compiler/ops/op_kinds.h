// The op descriptions, one function per op, each defined in its own file.
// ops/op_table.cpp indexes them by OpKind; nothing else includes this.
#pragma once

#include "ops/op_description.h"

namespace tessel::ops {

const OpDescription &input();
const OpDescription &conv2d();
const OpDescription &batchNorm();
const OpDescription &activation();
const OpDescription &maxPool();
const OpDescription &avgPool();
const OpDescription &globalAvgPool();
const OpDescription &fullyConnected();
const OpDescription &add();
const OpDescription &multiply();
const OpDescription &flattenConcat();
const OpDescription &concat();
const OpDescription &softmax();
const OpDescription &upsample();
const OpDescription &reorg();

} // namespace tessel::ops

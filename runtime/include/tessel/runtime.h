// Everything generated code calls: include this one header.
#pragma once

#include "tessel/arith.h"
#include "tessel/conv2d.h"
#include "tessel/dense.h"
#include "tessel/depthwise_conv2d.h"
#include "tessel/elementwise.h"
#include "tessel/feature_map.h"
#include "tessel/im2row.h"
#include "tessel/layout.h"
#include "tessel/pool.h"
#include "tessel/reorg.h"
#include "tessel/rolling_window.h"
#include "tessel/status.h"
#include "tessel/taps.h"
#include "tessel/upsample.h"
#include "tessel/winograd.h"

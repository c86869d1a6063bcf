// Analytic counts of the resnet family (engine/count_families.h): torchvision's ResNet (v1.5,
// stride on the 3x3 convolution of a bottleneck). Convolutions have no bias; each batch norm
// has a weight and a bias per channel (its running statistics are buffers, not parameters).
// ResNeXt / Wide ResNet: a bottleneck's inner width is int(planes * width_per_group / 64) * groups
// and its 3x3 convolution is grouped (weight (C_out, C_in / groups, 3, 3)).
// Conv MACs = C_out x H_out x W_out x (C_in / groups) x k x k; FLOPs = 2 x MACs.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "engine/count_families.h"

namespace engine {
namespace {

struct Conv {
  int64_t in, out, k, stride, groups = 1;
};

// Output side of a k x k convolution or pooling with padding k/2: floor((H + 2p - k) / s) + 1.
int64_t OutSide(int64_t h, int64_t k, int64_t s) { return (h + 2 * (k / 2) - k) / s + 1; }

struct Walk {
  Checked stem_params = 0, stage_params = 0, head_params = 0;  // overflow-checked (engine/checked.h)
  Checked stem_macs = 0, stage_macs = 0, head_macs = 0;
  Checked bn_elements = 0, relu_elements = 0, add_elements = 0, pool_elements = 0;
};

// An overflowed value: a width past int64 makes every count that uses it overflow.
Checked Overflowed() { return Checked(std::numeric_limits<int64_t>::max()) + 1; }

// Stage s's planes (base_width x 2^s) and a bottleneck's inner width (engine/config.h), checked.
Checked Planes(const ModelConfig& c, size_t stage) {
  if (stage >= 63) return Overflowed();
  return Checked(c.base_width) * (int64_t{1} << stage);
}
Checked InnerWidth(const ModelConfig& c, size_t stage) {
  const Checked planes = Planes(c, stage);
  if (c.block != "bottleneck") return planes;
  return planes * c.width_per_group / 64 * c.groups;
}

// Every block after a stage's first has the same shape (stride 1, input = output), so a stage
// is its first block plus (blocks - 1) x the second: the cost does not grow with the blocks.
Walk WalkResNet(const ModelConfig& c) {
  Walk w;
  auto conv = [&](const Conv& cv, Checked times, int64_t* side, Checked* params, Checked* macs) {
    *side = OutSide(*side, cv.k, cv.stride);
    const int64_t in_per_group = cv.in / cv.groups;
    *params += times * (Checked(in_per_group) * cv.out * cv.k * cv.k + Checked(2) * cv.out);  // weight + batch norm
    *macs += times * (Checked(cv.out) * *side * *side * in_per_group * cv.k * cv.k);
    w.bn_elements += times * (Checked(cv.out) * *side * *side);
  };
  int64_t side = c.image_size;
  conv({c.channels, c.base_width, 7, 2}, 1, &side, &w.stem_params, &w.stem_macs);
  w.relu_elements += Checked(c.base_width) * side * side;
  side = OutSide(side, 3, 2);  // max-pool 3x3 stride 2
  w.pool_elements += Checked(c.base_width) * side * side * 9;
  const bool bottleneck = c.block == "bottleneck";
  const int64_t expansion = bottleneck ? 4 : 1;
  int64_t in = c.base_width;
  for (size_t stage = 0; stage < c.stages.size(); ++stage) {
    const Checked planes = Planes(c, stage), inner_width = InnerWidth(c, stage), out = planes * expansion;
    if (planes.overflow() || inner_width.overflow() || out.overflow()) {
      w.stage_params += Overflowed();
      w.stage_macs += Overflowed();
      return w;
    }
    const int64_t width = planes.value(), inner = inner_width.value();
    for (int64_t b = 0; b < std::min<int64_t>(c.stages[stage], 2); ++b) {
      const Checked times = b == 0 ? 1 : c.stages[stage] - 1;
      const int64_t stride = (stage > 0 && b == 0) ? 2 : 1;
      int64_t s = side;
      if (bottleneck) {
        conv({in, inner, 1, 1}, times, &s, &w.stage_params, &w.stage_macs);
        conv({inner, inner, 3, stride, c.groups}, times, &s, &w.stage_params, &w.stage_macs);
        conv({inner, width * 4, 1, 1}, times, &s, &w.stage_params, &w.stage_macs);
        w.relu_elements += times * ((Checked(2) * inner + Checked(width) * 4) * s * s);
      } else {
        conv({in, width, 3, stride}, times, &s, &w.stage_params, &w.stage_macs);
        conv({width, width, 3, 1}, times, &s, &w.stage_params, &w.stage_macs);
        w.relu_elements += times * (Checked(2) * width * s * s);
      }
      if (stride != 1 || in != width * expansion) {
        int64_t ds = side;
        conv({in, width * expansion, 1, stride}, times, &ds, &w.stage_params, &w.stage_macs);
      }
      w.add_elements += times * (Checked(width) * expansion * s * s);
      side = s;
      in = width * expansion;
    }
  }
  w.pool_elements += Checked(in) * side * side;  // global average pool
  if (c.num_classes > 0) {
    w.head_params = Checked(in) * c.num_classes + c.num_classes;
    w.head_macs = Checked(in) * c.num_classes;
  }
  return w;
}

}  // namespace

Status ResNetParameters(const ModelConfig& c, ParameterCount* out) {
  const Walk w = WalkResNet(c);
  return FinishParameters({{"stem", w.stem_params}, {"stages", w.stage_params}, {"head", w.head_params}},
                          /*embedding=*/0, out);
}

Status ResNetForwardFlops(const ModelConfig& c, int64_t batch, FlopCount* out) {
  const Walk w = WalkResNet(c);
  FlopCount& f = *out;
  f = FlopCount();
  f.batch = batch;
  f.sequence_length = 0;
  f.input = std::to_string(batch) + " × " + std::to_string(c.channels) + " × " + std::to_string(c.image_size) + " × " +
            std::to_string(c.image_size) + " image";
  // Batch norm in inference: a multiply and an add per element; ReLU 1; residual add 1; pooling 1 per input read.
  return FinishFlops({{"stem", Checked(2) * batch * w.stem_macs},
                      {"stages", Checked(2) * batch * w.stage_macs},
                      {"head", Checked(2) * batch * w.head_macs}},
                     {{"batch_norm", Checked(2) * batch * w.bn_elements},
                      {"relu", Checked(batch) * w.relu_elements},
                      {"residual", Checked(batch) * w.add_elements},
                      {"pooling", Checked(batch) * w.pool_elements}},
                     &f);
}

}  // namespace engine

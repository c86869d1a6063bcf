// The development guide's arithmetic (see guide_math.h for each formula's source).
#include "generator/render/guide_math.h"

#include <cmath>

namespace render {
namespace guide {

TrainingStateBytes Float32AdamWState(int64_t parameters) { return {4 * parameters, 4 * parameters, 8 * parameters}; }

TrainingStateBytes MixedPrecisionAdamWState(int64_t parameters) {
  return {2 * parameters, 2 * parameters, 12 * parameters};
}

int64_t TransformerLayerActivationBytes(int64_t s, int64_t b, int64_t h, int64_t a, int64_t element_bytes) {
  const int64_t sbh = s * b * h, as2b = a * s * s * b;
  return element_bytes * (16 * sbh + 2 * as2b) + (2 * sbh + as2b);
}

int64_t CheckpointedActivationBytes(int64_t s, int64_t b, int64_t h, int64_t a, int64_t layers, int64_t element_bytes) {
  return layers * element_bytes * s * b * h + TransformerLayerActivationBytes(s, b, h, a, element_bytes);
}

double TrainingFlops(double forward_flops_per_unit, double units) { return 3.0 * forward_flops_per_unit * units; }

double SecondsAt(double flops, double flops_per_s) { return flops_per_s > 0 ? flops / flops_per_s : 0; }

int64_t DevicesToHold(int64_t bytes, int64_t device_bytes) {
  if (device_bytes <= 0) return 0;
  if (bytes <= 0) return 1;
  return (bytes + device_bytes - 1) / device_bytes;
}

ParallelismPlan PlanTraining(int64_t state_bytes, int64_t activation_bytes, int64_t checkpointed_bytes,
                             int64_t layer_weight_bytes, int64_t device_bytes) {
  ParallelismPlan p;
  if (state_bytes + activation_bytes <= device_bytes) return p;
  if (state_bytes + checkpointed_bytes <= device_bytes) {
    p.checkpointing = true;
    return p;
  }
  // Sharded state: each device keeps its activations, one gathered layer and 1/d of the state.
  // For each t, the fewer devices of "without" / "with" checkpointing (without on a tie).
  for (int64_t t : {1, 2, 4, 8}) {
    bool found = false;
    ParallelismPlan best;
    for (bool ckpt : {false, true}) {
      const int64_t act = (ckpt ? checkpointed_bytes : activation_bytes) / t;
      const int64_t room = device_bytes - act - layer_weight_bytes / t;
      if (room <= 0) continue;
      ParallelismPlan q;
      q.kind = t == 1 ? Parallelism::kSharded : Parallelism::kTensorParallel;
      q.checkpointing = ckpt;
      q.tensor_parallel = t;
      q.shards = DevicesToHold((state_bytes + t - 1) / t, room);
      if (!found || q.devices() < best.devices()) best = q;
      found = true;
    }
    if (found) return best;
  }
  p.kind = Parallelism::kPipelineParallel;
  p.checkpointing = true;
  return p;
}

std::string PlanText(const ParallelismPlan& p) {
  const std::string ckpt = p.checkpointing ? " + checkpointing" : "";
  switch (p.kind) {
    case Parallelism::kDataParallel: return "DP" + ckpt;
    case Parallelism::kSharded: return "ZeRO-3/FSDP × " + std::to_string(p.shards) + ckpt;
    case Parallelism::kTensorParallel:
      return "TP " + std::to_string(p.tensor_parallel) + " × FSDP " + std::to_string(p.shards) + ckpt;
    case Parallelism::kPipelineParallel: return "PP across nodes";
  }
  return "";
}

}  // namespace guide
}  // namespace render

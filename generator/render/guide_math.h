// The development guide's arithmetic: training and inference memory, training compute and
// time, fewest devices and the parallelism they imply. Pure functions of plain numbers, each
// with its source and unit; no formatting (guide_view.cc) and no FLOP formulas (engine/count.h).
#pragma once

#include <cstdint>
#include <string>

namespace render {
namespace guide {

// Bytes per parameter of the training state with AdamW (two moments per parameter).
//  float32: 4 (weights) + 4 (gradients) + 8 (exp_avg, exp_avg_sq) = 16 B/parameter.
//  Mixed precision (Rajbhandari et al. 2020, "ZeRO", Section 3.1): 2 (16-bit weights) +
//  2 (16-bit gradients) + 12 (float32 master weights, momentum, variance) = 16 B/parameter.
struct TrainingStateBytes {
  int64_t weights = 0;
  int64_t gradients = 0;
  int64_t optimizer = 0;
  int64_t total() const { return weights + gradients + optimizer; }
};
TrainingStateBytes Float32AdamWState(int64_t parameters);
TrainingStateBytes MixedPrecisionAdamWState(int64_t parameters);

// Activation bytes one transformer layer saves for backward, after Korthikanti et al. 2022,
// "Reducing Activation Recomputation in Large Transformer Models", Section 4.1 (Eq. 1):
// s = sequence length, b = micro-batch, h = hidden width, a = attention heads, with an MLP
// of 4h and dropout after attention and MLP. Elements kept: 16 s b h (inputs of QKV, Q, K, V,
// the output projection, MLP input, the two 4h MLP tensors, the two LayerNorm inputs) and
// 2 a s^2 b (softmax output and its dropout), each of `element_bytes`; plus 1-byte dropout
// masks for 2 s b h + a s^2 b elements. element_bytes 2 gives the paper's s b h (34 + 5 a s / h).
int64_t TransformerLayerActivationBytes(int64_t s, int64_t b, int64_t h, int64_t a, int64_t element_bytes);

// With full activation recomputation (checkpoint every layer; Korthikanti et al. 2022,
// Section 4.2): each of `layers` keeps only its input, s b h elements of `element_bytes`,
// and one layer's activations are rebuilt at a time during backward.
int64_t CheckpointedActivationBytes(int64_t s, int64_t b, int64_t h, int64_t a, int64_t layers, int64_t element_bytes);

// Training FLOPs: forward + backward = 3 x forward (backward = 2 x forward; Kaplan et al.
// 2020, Section 2.1, C ≈ 6 N per token): forward_flops_per_unit x units, as a double since
// the product overflows int64 at trillions of tokens. Unit: FLOPs.
double TrainingFlops(double forward_flops_per_unit, double units);

// Seconds to do `flops` at `flops_per_s` (0 when the rate is not positive). Unit: s.
double SecondsAt(double flops, double flops_per_s);

// Fewest devices of `device_bytes` whose memory adds up to `bytes` (ceil(bytes / device));
// a lower bound from memory alone: no allocator overhead, fragmentation or framework buffers.
// 0 when device_bytes <= 0.
int64_t DevicesToHold(int64_t bytes, int64_t device_bytes);

// Parallelism for training on devices of `device_bytes`, derived from memory alone.
//   state_bytes:        weights + gradients + optimizer state of the whole model
//   activation_bytes:   activations of one sequence (micro-batch 1), no recomputation
//   checkpointed_bytes: the same with full recomputation
//   layer_weight_bytes: one layer's 16-bit weights (what FSDP/ZeRO-3 gathers at a time)
// Rules, in order (devices_per_node = 8):
//   1. state + activations fit one device                        -> kDataParallel
//   2. state + checkpointed activations fit one device           -> kDataParallel, checkpointing
//   3. activations (with or without checkpointing, whichever needs fewer devices; without on a
//      tie) + one layer's weights leave room on a device            -> kSharded over d devices,
//      d = ceil(state / room): ZeRO-3 / FSDP shards the state, each device holds 1/d
//   4. the same with tensor parallelism t in {2, 4, 8} within a node, dividing activations,
//      the gathered layer and the state by t (Korthikanti et al. 2022: TP with sequence
//      parallelism divides every activation by t)                  -> kTensorParallel (t x d)
//   5. otherwise                                                  -> kPipelineParallel
enum class Parallelism { kDataParallel, kSharded, kTensorParallel, kPipelineParallel };
struct ParallelismPlan {
  Parallelism kind = Parallelism::kDataParallel;
  bool checkpointing = false;   // activation checkpointing needed
  int64_t tensor_parallel = 1;  // t, within one node
  int64_t shards = 1;           // d, data-parallel ranks the state is sharded over
  int64_t devices() const { return tensor_parallel * shards; }
};
ParallelismPlan PlanTraining(int64_t state_bytes, int64_t activation_bytes, int64_t checkpointed_bytes,
                             int64_t layer_weight_bytes, int64_t device_bytes);

// Short text of a plan: "DP", "DP + checkpointing", "ZeRO-3/FSDP × 4", "TP 8 × FSDP 3
// + checkpointing", "PP across nodes".
std::string PlanText(const ParallelismPlan& p);

}  // namespace guide
}  // namespace render

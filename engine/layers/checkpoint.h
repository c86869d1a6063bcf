// Activation checkpointing (Chen et al. 2016, "Training Deep Nets with Sublinear Memory Cost"):
// a block's forward runs without keeping its intermediate tensors; backward runs the block
// again from its saved input and back-propagates through that recomputation. Memory then
// holds one input per block instead of every activation inside it, at the cost of a second
// forward pass. Which blocks are checkpointed is a thread-local switch the models consult.
#pragma once

#include <torch/torch.h>

#include <functional>

namespace engine {

using BlockFn = std::function<torch::Tensor(const torch::Tensor&)>;

// True while a ScopedActivationCheckpointing(true) is alive on this thread. Default: false.
bool ActivationCheckpointingEnabled();

class ScopedActivationCheckpointing {
 public:
  explicit ScopedActivationCheckpointing(bool enabled);
  ~ScopedActivationCheckpointing();
  ScopedActivationCheckpointing(const ScopedActivationCheckpointing&) = delete;
  ScopedActivationCheckpointing& operator=(const ScopedActivationCheckpointing&) = delete;

 private:
  bool previous_;
};

// block(x), checkpointed when checkpointing is enabled, grad mode is on and x needs a gradient
// path (requires_grad); plain block(x) otherwise. `block` must be deterministic (no dropout)
// and stay valid until backward has run: capture modules by holder (value), not by reference.
torch::Tensor RunBlock(const BlockFn& block, const torch::Tensor& x);

}  // namespace engine

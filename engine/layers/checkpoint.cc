// Activation checkpointing as a custom autograd function (see checkpoint.h).
#include "engine/layers/checkpoint.h"

#include <ATen/core/ivalue.h>

namespace engine {
namespace {

thread_local bool checkpointing_enabled = false;

// Carries the block function from forward to backward inside the autograd context.
struct BlockFnHolder : torch::CustomClassHolder {
  explicit BlockFnHolder(BlockFn f) : fn(std::move(f)) {}
  BlockFn fn;
};

class CheckpointFunction : public torch::autograd::Function<CheckpointFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               c10::intrusive_ptr<BlockFnHolder> holder) {
    ctx->save_for_backward({x});
    ctx->saved_data["block"] = c10::IValue::make_capsule(holder);
    torch::NoGradGuard no_grad;  // nothing inside the block is kept for backward
    return holder->fn(x);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_out) {
    auto holder = c10::static_intrusive_pointer_cast<BlockFnHolder>(ctx->saved_data["block"].toCapsule());
    torch::Tensor x = ctx->get_saved_variables().at(0).detach().requires_grad_(true);
    torch::Tensor y;
    {
      torch::AutoGradMode enable(true);
      y = holder->fn(x);  // the recomputation, this time recording the graph
    }
    torch::autograd::backward({y}, {grad_out.at(0)});  // accumulates the parameters' .grad
    return {x.grad(), torch::Tensor()};
  }
};

}  // namespace

bool ActivationCheckpointingEnabled() { return checkpointing_enabled; }

ScopedActivationCheckpointing::ScopedActivationCheckpointing(bool enabled) : previous_(checkpointing_enabled) {
  checkpointing_enabled = enabled;
}

ScopedActivationCheckpointing::~ScopedActivationCheckpointing() { checkpointing_enabled = previous_; }

torch::Tensor RunBlock(const BlockFn& block, const torch::Tensor& x) {
  if (!checkpointing_enabled || !torch::GradMode::is_enabled()) return block(x);
  // The block's parameters need gradients even when x does not (the first block's input is an
  // embedding output, which does require grad; an image input to a stem may not).
  torch::Tensor input = x.requires_grad() ? x : x.detach().requires_grad_(true);
  return CheckpointFunction::apply(input, c10::make_intrusive<BlockFnHolder>(block));
}

}  // namespace engine

// Linear and Embedding layers that can be built on any device, `meta` included, so a model
// can be counted without allocating memory. (torch::nn::Linear always allocates on CPU first.)
// On CPU, inference can use oneDNN with a pre-packed weight (PackForInference): the same kernel
// torch.compile's CPU backend uses after freezing, with bias, GELU and residual adds fused.
#pragma once

#include <torch/torch.h>

namespace engine {

// y = x W^T (+ b). W: (out, in).
class LinearImpl : public torch::nn::Module {
 public:
  LinearImpl(int64_t in_features, int64_t out_features, bool bias, const torch::TensorOptions& opts);
  // Uses `shared_weight` (e.g. a tied embedding) without registering it as a parameter here.
  explicit LinearImpl(const torch::Tensor& shared_weight);

  torch::Tensor forward(const torch::Tensor& x);  // (..., in) -> (..., out)
  // gelu(x W^T + b), approximate "none" | "tanh", fused into the GEMM when packed.
  torch::Tensor ForwardGelu(const torch::Tensor& x, const std::string& approximate);
  // x W^T + b + residual (residual: (..., out)), fused into the GEMM when packed.
  torch::Tensor ForwardAdd(const torch::Tensor& x, const torch::Tensor& residual);

  // Keeps a oneDNN-packed copy of the weight (CPU, float32/bfloat16, oneDNN present) for
  // inference calls with at least kPackedMinRows rows; smaller calls (decode steps) use ATen.
  // Costs one extra copy of the weight in memory. No-op elsewhere. Call again after the
  // weights change; DropPacked() forgets the copy.
  void PackForInference();
  void DropPacked() { packed_ = torch::Tensor(); }
  bool packed() const { return packed_.defined(); }

  static constexpr int64_t kPackedMinRows = 16;

  // int8 weights for float32 inference on CPU (PyTorch's dynamic quantization: the weight
  // quantized once per output channel, symmetric; each call quantizes its activations per
  // tensor and runs FBGEMM's int8 GEMM with int32 accumulation: quantized::linear_dynamic).
  // Activations use 8 bits where the CPU has AVX512-VNNI and 7 bits (reduce_range) elsewhere,
  // where FBGEMM's int16 intermediate sums would saturate (Int8NeedsReducedRange).
  // The float weight stays (training, other dtypes); forward uses the int8 copy for float32
  // inputs without grad mode. Returns false (and changes nothing) where the op is missing.
  bool QuantizeInt8();
  void DropInt8() {
    int8_packed_ = c10::IValue();
    int8_bytes_ = 0;
  }
  bool int8() const { return int8_bytes_ > 0; }
  bool int8_reduce_range() const { return int8_reduce_range_; }
  // Bytes the int8 copy stores: one byte per weight + a float scale and an int zero point
  // (8 bytes each in ATen's per-channel quantizer) per output channel + the float32 bias.
  int64_t int8_bytes() const { return int8_bytes_; }

  torch::Tensor weight;
  torch::Tensor bias;  // undefined when built without bias

 private:
  bool UsePacked(const torch::Tensor& x) const;
  bool UseInt8(const torch::Tensor& x) const;
  torch::Tensor packed_;
  c10::IValue int8_packed_;  // LinearPackedParamsBase (quantized::linear_prepack)
  int64_t int8_bytes_ = 0;
  bool int8_reduce_range_ = false;
};
TORCH_MODULE(Linear);

// Lookup table: ids (...) int64 -> (..., dim).
class EmbeddingImpl : public torch::nn::Module {
 public:
  EmbeddingImpl(int64_t num_embeddings, int64_t dim, const torch::TensorOptions& opts);
  torch::Tensor forward(const torch::Tensor& ids);

  torch::Tensor weight;  // (num_embeddings, dim)
};
TORCH_MODULE(Embedding);

}  // namespace engine

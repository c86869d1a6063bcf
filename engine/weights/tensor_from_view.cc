// Borrowing (aligned) or copying (unaligned) a mapped safetensors tensor into a torch::Tensor.
#include "engine/weights/tensor_from_view.h"

#include <cstring>

namespace engine {

Status TorchDtypeOf(const TensorView& v, torch::ScalarType* out) {
  if (v.dtype == "F32") {
    *out = torch::kFloat32;
  } else if (v.dtype == "F16") {
    *out = torch::kFloat16;
  } else if (v.dtype == "BF16") {
    *out = torch::kBFloat16;
  } else {
    return Status::InvalidArgument(v.file + ": tensor '" + v.name + "' has dtype " + v.dtype +
                                   "; supported: F32, F16, BF16");
  }
  return Status::OK();
}

Status TensorFromView(const TensorView& v, torch::Tensor* out) {
  torch::ScalarType dtype;
  Status s = TorchDtypeOf(v, &dtype);
  if (!s.ok()) return s;
  // safetensors stores little-endian; x86-64 and aarch64 hosts are little-endian too.
  const auto options = torch::TensorOptions().dtype(dtype).device(torch::kCPU);
  const size_t element_bytes = SafetensorsElementBytes(v.dtype);
  if (reinterpret_cast<uintptr_t>(v.data) % element_bytes == 0) {
    *out = torch::from_blob(const_cast<void*>(v.data), v.shape, options);  // read-only by contract
  } else {
    *out = torch::empty(v.shape, options);
    if (v.bytes > 0) std::memcpy(out->data_ptr(), v.data, v.bytes);
  }
  return Status::OK();
}

}  // namespace engine

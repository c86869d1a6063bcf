// Real weights: the safetensors reader and the Hugging Face loader. Each fixture of
// tests/data/hf_reference (make_fixtures.py: tiny random transformers models) must give
// transformers' float32 logits within 1e-4; malformed checkpoints give exact messages.
#include "tests/engine/torch_doctest.h"

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/models/decoder.h"
#include "engine/weights/hf_names.h"
#include "engine/weights/load.h"
#include "engine/weights/safetensors.h"
#include "engine/weights/tensor_from_view.h"

namespace fs = std::filesystem;
using engine::ModelConfig;
using nlohmann::json;

namespace {

const std::string kFixtures = std::string(MODELCARD_TEST_DATA) + "/data/hf_reference";

json ReadJson(const fs::path& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  return json::parse(in);
}

// Our config from a fixture's config.json. Hard-coded per model_type until `modelcard import`.
ModelConfig ConfigFromHf(const json& hf) {
  ModelConfig c;
  const std::string type = hf.at("model_type");
  c.vocab_size = hf.at("vocab_size");
  if (type == "gpt2") {
    c.context_length = hf.at("n_positions");
    c.num_layers = hf.at("n_layer");
    c.embedding_dim = hf.at("n_embd");
    c.num_heads = c.num_kv_heads = hf.at("n_head");
    c.head_dim = c.embedding_dim / c.num_heads;
    c.hidden_dim = hf.value("n_inner", json()).is_null() ? 4 * c.embedding_dim : hf.at("n_inner").get<int64_t>();
    c.norm = engine::Norm::kLayerNorm;
    c.norm_eps = hf.at("layer_norm_epsilon");
    REQUIRE(hf.at("activation_function") == "gelu_new");
    c.activation = engine::Activation::kGELUTanh;
    c.position = engine::Position::kLearned;
    c.bias = c.qkv_bias = true;
    c.tie_embeddings = hf.value("tie_word_embeddings", true);
    return c;
  }
  REQUIRE((type == "llama" || type == "mistral" || type == "qwen2"));
  c.context_length = hf.at("max_position_embeddings");
  c.num_layers = hf.at("num_hidden_layers");
  c.embedding_dim = hf.at("hidden_size");
  c.num_heads = hf.at("num_attention_heads");
  c.num_kv_heads = hf.value("num_key_value_heads", c.num_heads);
  c.head_dim = hf.value("head_dim", json()).is_null() ? c.embedding_dim / c.num_heads : hf.at("head_dim").get<int64_t>();
  c.hidden_dim = hf.at("intermediate_size");
  c.norm = engine::Norm::kRMSNorm;
  c.norm_eps = hf.at("rms_norm_eps");
  REQUIRE(hf.at("hidden_act") == "silu");
  c.activation = engine::Activation::kSwiGLU;
  c.position = engine::Position::kRoPE;
  // transformers 5 moved rope_theta into "rope_parameters".
  c.rope_theta = hf.contains("rope_theta") ? hf.at("rope_theta").get<double>()
                                           : hf.at("rope_parameters").at("rope_theta").get<double>();
  c.bias = hf.value("attention_bias", false);
  c.qkv_bias = type == "qwen2" ? true : c.bias;
  c.tie_embeddings = hf.value("tie_word_embeddings", false);
  return c;
}

int64_t ParameterCount(engine::Decoder& m) {
  int64_t n = 0;
  for (const auto& p : m->parameters()) n += p.numel();
  return n;
}

// A scratch directory removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("modelcard_hf_test_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

// A tensor to write into a synthetic .safetensors file: F32 values (zeros when empty), or any
// declared dtype with zero bytes of the right size.
struct FakeTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values = {};
  std::string dtype = "F32";
};

void WriteSafetensors(const fs::path& path, const std::vector<FakeTensor>& tensors) {
  json header = json::object();
  header["__metadata__"] = {{"format", "pt"}};
  std::string data;
  for (const FakeTensor& t : tensors) {
    int64_t n = 1;
    for (int64_t d : t.shape) n *= d;
    const size_t bytes = static_cast<size_t>(n) * engine::SafetensorsElementBytes(t.dtype);
    const size_t begin = data.size();
    if (!t.values.empty()) {
      REQUIRE(t.dtype == "F32");
      REQUIRE(static_cast<int64_t>(t.values.size()) == n);
      data.append(reinterpret_cast<const char*>(t.values.data()), bytes);
    } else {
      data.append(bytes, '\0');
    }
    header[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {begin, data.size()}}};
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // the format pads the header to 8 bytes
  std::ofstream out(path, std::ios::binary);
  const uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((n >> (8 * i)) & 0xff));
  out << text << data;
}

// A one-layer GPT-2 small enough to write by hand: C = 8, 2 heads, vocab 11, 4 positions.
ModelConfig TinyGpt2() {
  ModelConfig c;
  c.vocab_size = 11;
  c.context_length = 4;
  c.num_layers = 1;
  c.embedding_dim = 8;
  c.num_heads = c.num_kv_heads = 2;
  c.head_dim = 4;
  c.hidden_dim = 32;
  c.activation = engine::Activation::kGELUTanh;
  return c;
}

// Every tensor of TinyGpt2 as GPT2LMHeadModel names and stores it (Conv1D: (in, out)).
std::vector<FakeTensor> TinyGpt2Tensors() {
  return {{"transformer.wte.weight", {11, 8}},        {"transformer.wpe.weight", {4, 8}},
          {"transformer.h.0.ln_1.weight", {8}},        {"transformer.h.0.ln_1.bias", {8}},
          {"transformer.h.0.attn.c_attn.weight", {8, 24}}, {"transformer.h.0.attn.c_attn.bias", {24}},
          {"transformer.h.0.attn.c_proj.weight", {8, 8}},  {"transformer.h.0.attn.c_proj.bias", {8}},
          {"transformer.h.0.ln_2.weight", {8}},        {"transformer.h.0.ln_2.bias", {8}},
          {"transformer.h.0.mlp.c_fc.weight", {8, 32}}, {"transformer.h.0.mlp.c_fc.bias", {32}},
          {"transformer.h.0.mlp.c_proj.weight", {32, 8}}, {"transformer.h.0.mlp.c_proj.bias", {8}},
          {"transformer.ln_f.weight", {8}},            {"transformer.ln_f.bias", {8}}};
}

std::vector<FakeTensor> Without(std::vector<FakeTensor> tensors, const std::string& name) {
  std::vector<FakeTensor> out;
  for (auto& t : tensors)
    if (t.name != name) out.push_back(std::move(t));
  return out;
}

std::vector<float> Iota(int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i);
  return v;
}

engine::Status LoadInto(const ModelConfig& c, const fs::path& path, engine::WeightLoadStats* stats = nullptr) {
  engine::Decoder m(c, torch::TensorOptions().dtype(torch::kFloat32));
  return engine::LoadHfWeights(path.string(), m.get(), stats);
}

}  // namespace

TEST_CASE("Hugging Face fixtures: our logits equal transformers' within 1e-4 (float32)") {
  for (const std::string name : {"gpt2", "llama", "qwen2"}) {
    CAPTURE(name);
    const fs::path dir = fs::path(kFixtures) / name;
    REQUIRE_MESSAGE(fs::exists(dir / "reference.json"),
                    "run tests/data/hf_reference/make_fixtures.py to create " << dir);
    const json reference = ReadJson(dir / "reference.json");
    const ModelConfig c = ConfigFromHf(ReadJson(dir / "config.json"));
    REQUIRE(engine::ValidateConfig(c) == "");
    engine::Decoder m(c, torch::TensorOptions().dtype(torch::kFloat32));
    engine::WeightLoadStats stats;
    const engine::Status s = engine::LoadHfWeights(dir.string(), m.get(), &stats);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    const std::string storage = reference.at("storage_dtype");
    const int64_t element_bytes = static_cast<int64_t>(engine::SafetensorsElementBytes(storage));
    CHECK(stats.bytes_read == ParameterCount(m) * element_bytes);  // every parameter, read once
    CHECK(stats.layout == (name == "gpt2" ? "gpt2" : "llama"));

    const auto ids_list = reference.at("input_ids").get<std::vector<std::vector<int64_t>>>();
    const auto logits_list = reference.at("logits").get<std::vector<std::vector<std::vector<double>>>>();
    std::vector<int64_t> flat_ids;
    for (const auto& row : ids_list) flat_ids.insert(flat_ids.end(), row.begin(), row.end());
    std::vector<float> flat_logits;
    for (const auto& seq : logits_list)
      for (const auto& row : seq) flat_logits.insert(flat_logits.end(), row.begin(), row.end());
    const int64_t B = static_cast<int64_t>(ids_list.size()), T = static_cast<int64_t>(ids_list[0].size());
    auto ids = torch::tensor(flat_ids, torch::kLong).view({B, T});
    auto expected = torch::tensor(flat_logits, torch::kFloat32).view({B, T, c.vocab_size});

    torch::NoGradGuard no_grad;
    m->eval();
    const auto logits = m->forward(ids);  // (B, T, V)
    REQUIRE(logits.sizes() == expected.sizes());
    const double max_diff = (logits - expected).abs().max().item<double>();
    MESSAGE(name << " (" << storage << " weights): max |logits - transformers| = " << max_diff
                 << " (max |logit| " << expected.abs().max().item<double>() << ")");
    CHECK(max_diff <= 1e-4);
    m->PackForInference();  // the profile scenarios' path: oneDNN-packed weights
    const double packed_diff = (m->forward(ids) - expected).abs().max().item<double>();
    MESSAGE(name << " packed for inference: max difference " << packed_diff);
    CHECK(packed_diff <= 1e-4);
  }
}

TEST_CASE("Hugging Face names: {i} and {a,b} groups expand in order") {
  CHECK(engine::ExpandHfName("model.layers.{i}.self_attn.{q,k,v}_proj.weight", 3) ==
        std::vector<std::string>{"model.layers.3.self_attn.q_proj.weight", "model.layers.3.self_attn.k_proj.weight",
                                 "model.layers.3.self_attn.v_proj.weight"});
  CHECK(engine::ExpandHfName("transformer.h.{i}.ln_1.weight", 0) == std::vector<std::string>{"transformer.h.0.ln_1.weight"});
  CHECK(engine::ExpandHfName("lm_head.weight", 7) == std::vector<std::string>{"lm_head.weight"});
}

TEST_CASE("Hugging Face loading: GPT-2 Conv1D is transposed, the base-model prefix is optional") {
  TempDir tmp;
  auto tensors = TinyGpt2Tensors();
  for (auto& t : tensors) {
    if (t.name == "transformer.h.0.attn.c_attn.weight") t.values = Iota(8 * 24);
    t.name = t.name.substr(std::strlen("transformer."));  // as GPT2Model (the hub's gpt2) saves it
  }
  tensors.push_back({"h.0.attn.bias", {1, 1, 4, 4}});  // the causal-mask buffer: skipped
  WriteSafetensors(tmp.path / "model.safetensors", tensors);
  engine::Decoder m(TinyGpt2(), torch::TensorOptions().dtype(torch::kFloat32));
  engine::WeightLoadStats stats;
  const engine::Status s = engine::LoadHfWeights(tmp.path.string(), m.get(), &stats);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(stats.tensors == 16);
  CHECK(stats.ignored == 1);
  auto c_attn = torch::arange(8 * 24, torch::kFloat32).view({8, 24});  // (in, out)
  CHECK(torch::equal(m->blocks[0]->as<engine::Block>()->attn->qkv->weight, c_attn.t()));
}

TEST_CASE("Hugging Face loading: sharded checkpoints follow model.safetensors.index.json") {
  TempDir tmp;
  auto tensors = TinyGpt2Tensors();
  for (auto& t : tensors)
    if (t.name == "transformer.wte.weight") t.values = std::vector<float>(11 * 8, 0.5f);
  std::vector<FakeTensor> first(tensors.begin(), tensors.begin() + 5), second(tensors.begin() + 5, tensors.end());
  WriteSafetensors(tmp.path / "model-00001-of-00002.safetensors", first);
  WriteSafetensors(tmp.path / "model-00002-of-00002.safetensors", second);
  json index = {{"metadata", {{"total_size", 0}}}, {"weight_map", json::object()}};
  for (const auto& t : first) index["weight_map"][t.name] = "model-00001-of-00002.safetensors";
  for (const auto& t : second) index["weight_map"][t.name] = "model-00002-of-00002.safetensors";
  std::ofstream(tmp.path / "model.safetensors.index.json") << index.dump(2);
  engine::Decoder m(TinyGpt2(), torch::TensorOptions().dtype(torch::kFloat32));
  const engine::Status s = engine::LoadHfWeights(tmp.path.string(), m.get(), nullptr);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(m->tok_emb->weight.eq(0.5).all().item<bool>());

  index["weight_map"]["transformer.wte.weight"] = "model-00002-of-00002.safetensors";
  std::ofstream(tmp.path / "model.safetensors.index.json") << index.dump(2);
  const std::string index_path = (tmp.path / "model.safetensors.index.json").string();
  CHECK(LoadInto(TinyGpt2(), tmp.path).ToString() ==
        "invalid argument: " + index_path +
            ": weight_map names 'transformer.wte.weight' in model-00002-of-00002.safetensors, which has no such tensor");
  index["weight_map"]["transformer.wte.weight"] = "../elsewhere.safetensors";
  std::ofstream(tmp.path / "model.safetensors.index.json") << index.dump(2);
  CHECK(LoadInto(TinyGpt2(), tmp.path).ToString() ==
        "invalid argument: " + index_path +
            ": weight_map['transformer.wte.weight'] = '../elsewhere.safetensors' is not a file name in the same directory");
}

TEST_CASE("Hugging Face loading: a missing, extra or mis-shaped tensor is an error naming it") {
  TempDir tmp;
  const fs::path file = tmp.path / "model.safetensors";
  const std::string where = file.string() + ": ";

  WriteSafetensors(file, Without(TinyGpt2Tensors(), "transformer.h.0.attn.c_attn.bias"));
  CHECK(LoadInto(TinyGpt2(), file).ToString() ==
        "invalid argument: " + where +
            "missing tensor 'transformer.h.0.attn.c_attn.bias' (needed for blocks.0.attn.qkv.bias, shape (24))");

  auto extra = TinyGpt2Tensors();
  extra.push_back({"transformer.h.0.attn.rotary.weight", {3, 4}});
  extra.push_back({"transformer.h.1.ln_1.weight", {8}});
  WriteSafetensors(file, extra);
  CHECK(LoadInto(TinyGpt2(), file).ToString() ==
        "invalid argument: " + where +
            "unexpected tensor 'transformer.h.0.attn.rotary.weight' with shape (3, 4): the gpt2 layout has no such "
            "tensor (and 1 more)");

  auto wrong = TinyGpt2Tensors();
  for (auto& t : wrong)
    if (t.name == "transformer.h.0.attn.c_attn.weight") t.shape = {24, 8};  // not transposed
  WriteSafetensors(file, wrong);
  CHECK(LoadInto(TinyGpt2(), file).ToString() ==
        "invalid argument: " + where +
            "tensor 'transformer.h.0.attn.c_attn.weight' has shape (24, 8) but blocks.0.attn.qkv.weight needs (8, 24) "
            "(Conv1D: stored transposed, (in, out))");

  auto int64 = TinyGpt2Tensors();
  int64[0].dtype = "I64";
  WriteSafetensors(file, int64);
  CHECK(LoadInto(TinyGpt2(), file).ToString() ==
        "invalid argument: " + where + "tensor 'transformer.wte.weight' has dtype I64; supported: F32, F16, BF16");

  auto untied = TinyGpt2Tensors();
  untied.push_back({"lm_head.weight", {11, 8}, std::vector<float>(88, 1.0f)});
  WriteSafetensors(file, untied);
  CHECK(LoadInto(TinyGpt2(), file).ToString() ==
        "invalid argument: " + where +
            "tensor 'lm_head.weight' differs from 'transformer.wte.weight', but the config ties the embeddings "
            "(tie_embeddings: true)");
}

TEST_CASE("Hugging Face loading: Llama q/k/v and gate/up are concatenated by rows") {
  ModelConfig c;
  c.vocab_size = 5;
  c.context_length = 4;
  c.num_layers = 1;
  c.embedding_dim = 4;
  c.num_heads = 2;
  c.num_kv_heads = 1;
  c.head_dim = 2;
  c.hidden_dim = 3;
  c.norm = engine::Norm::kRMSNorm;
  c.activation = engine::Activation::kSwiGLU;
  c.position = engine::Position::kRoPE;
  c.bias = c.qkv_bias = false;
  c.tie_embeddings = false;
  auto fill = [](int64_t n, float v) { return std::vector<float>(static_cast<size_t>(n), v); };
  TempDir tmp;
  const fs::path file = tmp.path / "model.safetensors";
  std::vector<FakeTensor> tensors = {
      {"model.embed_tokens.weight", {5, 4}},
      {"model.layers.0.input_layernorm.weight", {4}},
      {"model.layers.0.self_attn.q_proj.weight", {4, 4}, fill(16, 1)},
      {"model.layers.0.self_attn.k_proj.weight", {2, 4}, fill(8, 2)},
      {"model.layers.0.self_attn.v_proj.weight", {2, 4}, fill(8, 3)},
      {"model.layers.0.self_attn.o_proj.weight", {4, 4}},
      {"model.layers.0.post_attention_layernorm.weight", {4}},
      {"model.layers.0.mlp.gate_proj.weight", {3, 4}, fill(12, 4)},
      {"model.layers.0.mlp.up_proj.weight", {3, 4}, fill(12, 5)},
      {"model.layers.0.mlp.down_proj.weight", {4, 3}},
      {"model.norm.weight", {4}},
      {"lm_head.weight", {5, 4}},
      {"model.layers.0.self_attn.rotary_emb.inv_freq", {1}},  // older exports: skipped
  };
  WriteSafetensors(file, tensors);
  engine::Decoder m(c, torch::TensorOptions().dtype(torch::kFloat32));
  const engine::Status s = engine::LoadHfWeights(file.string(), m.get(), nullptr);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  auto block = m->blocks[0]->as<engine::Block>();
  auto qkv_rows = block->attn->qkv->weight.select(1, 0);  // (8): q rows (4), k (2), v (2)
  CHECK(torch::equal(qkv_rows, torch::tensor({1.f, 1.f, 1.f, 1.f, 2.f, 2.f, 3.f, 3.f})));
  auto fc_rows = block->mlp->fc->weight.select(1, 0);  // (6): gate (3), up (3)
  CHECK(torch::equal(fc_rows, torch::tensor({4.f, 4.f, 4.f, 5.f, 5.f, 5.f})));

  tensors[3].shape = {4, 4};
  tensors[3].values = fill(16, 2);
  WriteSafetensors(file, tensors);
  CHECK(LoadInto(c, file).ToString() ==
        "invalid argument: " + file.string() +
            ": tensor 'model.layers.0.self_attn.k_proj.weight' has shape (4, 4) but blocks.0.attn.qkv.weight needs "
            "(2, 4) (rows = concat(q_proj, k_proj, v_proj))");
}

TEST_CASE("safetensors: truncated or malformed files are errors, never crashes") {
  TempDir tmp;
  const fs::path file = tmp.path / "model.safetensors";
  const std::string where = "invalid argument: " + file.string() + ": ";
  auto open = [&]() {
    std::unique_ptr<engine::SafetensorsFile> f;
    return engine::SafetensorsFile::Open(file.string(), &f).ToString();
  };
  auto write_bytes = [&](const std::string& bytes) { std::ofstream(file, std::ios::binary) << bytes; };
  auto length_prefix = [](uint64_t n) {
    std::string s;
    for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
    return s;
  };

  WriteSafetensors(file, TinyGpt2Tensors());
  const auto full_size = fs::file_size(file);
  {
    std::unique_ptr<engine::SafetensorsFile> f;
    REQUIRE(engine::SafetensorsFile::Open(file.string(), &f).ok());
    CHECK(f->tensors().size() == 16);
    CHECK(f->metadata().at("format") == "pt");
  }
  fs::resize_file(file, full_size - 4);  // the last tensor in the data section loses 4 bytes
  std::string data_end;
  {
    // The tensor whose data ends last: ln_f.bias (written last). 1,008 float32 values in all.
    const uint64_t data_bytes = (11 * 8 + 4 * 8 + 8 * 6 + 8 * 24 + 24 + 8 * 8 + 8 * 32 + 32 + 32 * 8 + 8 + 8) * 4;
    data_end = std::to_string(data_bytes);
    CHECK(open() == where + "tensor 'transformer.ln_f.bias': data_offsets [" + std::to_string(data_bytes - 32) + ", " +
                        data_end + "] lie outside the data section of " + std::to_string(data_bytes - 4) +
                        " bytes (truncated file?)");
  }
  fs::resize_file(file, 100);  // inside the header
  CHECK(open().rfind(where + "header length ", 0) == 0);
  CHECK(open().find(" exceeds the 92 bytes after it (truncated file?)") != std::string::npos);
  fs::resize_file(file, 5);
  CHECK(open() == where + "file is 5 bytes, shorter than the 8-byte header length");

  write_bytes(length_prefix(4) + "{\"a\"");
  CHECK(open().rfind(where + "header is not valid JSON: ", 0) == 0);
  write_bytes(length_prefix(2) + "[]");
  CHECK(open() == where + "header is not a JSON object");
  const std::string entry = R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}})";
  write_bytes(length_prefix(entry.size()) + entry + std::string(16, '\0'));
  CHECK(open() == where + "tensor 'w': data_offsets span 12 bytes but F32 (2, 2) needs 16");
  const std::string negative = R"({"w":{"dtype":"F32","shape":[-2,2],"data_offsets":[0,16]}})";
  write_bytes(length_prefix(negative.size()) + negative + std::string(16, '\0'));
  CHECK(open() == where + "tensor 'w': shape entries must be non-negative integers");
  const std::string unknown = R"({"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,2]}})";
  write_bytes(length_prefix(unknown.size()) + unknown + std::string(2, '\0'));
  CHECK(open() == where + "tensor 'w': unknown dtype 'Q4'");
  write_bytes(length_prefix(uint64_t{1} << 62) + "{}");
  CHECK(open() == where + "header length 4611686018427387904 exceeds the 2 bytes after it (truncated file?)");

  CHECK(LoadInto(TinyGpt2(), tmp.path / "nothing-here").ToString() ==
        "not found: " + (tmp.path / "nothing-here").string() + ": no such file or directory");
  fs::remove(file);
  CHECK(LoadInto(TinyGpt2(), tmp.path).ToString() ==
        "not found: " + tmp.path.string() + ": no model.safetensors or model.safetensors.index.json in this directory");
}

TEST_CASE("safetensors: F16 and BF16 tensors convert exactly") {
  TempDir tmp;
  const fs::path file = tmp.path / "half.safetensors";
  // 1.5 and -2 in F16 (0x3E00, 0xC000) and BF16 (0x3FC0, 0xC000), little-endian; an odd-sized
  // U8 tensor first so the F16 data starts unaligned.
  const std::string header =
      R"({"b":{"dtype":"BF16","shape":[2],"data_offsets":[5,9]},"h":{"dtype":"F16","shape":[2],"data_offsets":[1,5]},)"
      R"("u":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})";
  std::string bytes;
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));
  bytes += header;
  bytes += std::string("\x07\x00\x3e\x00\xc0\xc0\x3f\x00\xc0", 9);
  std::ofstream(file, std::ios::binary) << bytes;
  std::unique_ptr<engine::SafetensorsFile> f;
  REQUIRE(engine::SafetensorsFile::Open(file.string(), &f).ok());
  REQUIRE(f->tensors().size() == 3);
  for (const auto& view : f->tensors()) {
    torch::Tensor t;
    if (view.name == "u") {
      CHECK(engine::TensorFromView(view, &t).ToString() ==
            "invalid argument: " + file.string() + ": tensor 'u' has dtype U8; supported: F32, F16, BF16");
      continue;
    }
    REQUIRE(engine::TensorFromView(view, &t).ok());
    CHECK((t.scalar_type() == (view.name == "h" ? torch::kFloat16 : torch::kBFloat16)));
    CHECK(torch::equal(t.to(torch::kFloat32), torch::tensor({1.5f, -2.0f})));
  }
}

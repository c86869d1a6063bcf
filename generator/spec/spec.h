// Spec: the parsed, validated model specification (format v1, DESIGN.md "Spec format").
// Plain data: the parser (spec_parser.h) fills it; rendering reads it. Sections a spec
// leaves out are empty / has_* == false and are left out of the documents.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/config.h"

namespace spec {

struct Reference {
  std::string title;
  std::string authors;
  int year = 0;  // 0 = not given
  std::string url;
};

// One input or output modality (seed: "Input Modalities" / "Output Modalities").
struct Modality {
  std::string modality;                 // "text" | "audio" | "image" | other
  std::string format;                   // e.g. "byte-level BPE token ids"
  std::vector<std::string> processing;  // inputs: preprocessing; outputs: postprocessing
  std::string dimensions;               // optional free text; documents add the architecture's own
};

// Seed "Architectural Variants".
struct Variant {
  std::string name;
  std::string modifications;
  std::string use_cases;
};

struct Size {
  std::string name;            // "small"
  engine::ModelConfig config;  // fully resolved (shared config + overrides + defaults)
  std::string hf_repo;         // optional Hugging Face repository id
  std::string weights;         // optional checkpoint as written: a .safetensors file or a
                               // Hugging Face directory, relative to the spec's directory
  std::string weights_path;    // `weights` resolved against the spec's directory
};

struct Benefit {
  std::string title;
  std::string description;
};

struct Architecture {
  engine::Family family = engine::Family::kDecoder;  // architecture.family
  std::string base;                                  // "Transformer"
  std::vector<std::string> key_components;
  std::vector<Reference> references;
  std::vector<Variant> variants;
  std::vector<Benefit> advantages;  // optional "Key Benefits" written by the author
  std::vector<std::string> use_cases;
  std::vector<Size> sizes;  // in file order
  // Keys set explicitly under architecture.config, in file order (for the YAML block).
  std::vector<std::string> config_keys;
};

struct Hyperparameter {
  std::string key;    // "learning_rate"
  std::string value;  // YAML scalar as written ("2.5e-4")
};

struct Training {
  std::vector<std::string> datasets;
  std::vector<std::string> preprocessing;
  std::vector<Hyperparameter> hyperparameters;  // file order
  double tokens = 0;                            // training tokens; 0 = not given
  std::string hardware;
  std::string framework;
  std::string distributed;
};

struct Metric {
  std::string metric;  // "perplexity"
  std::string dataset;
  std::string value;   // as written
  std::string size;    // which model size, optional
  std::string source;  // citation / URL
};

// A data set `modelcard build` evaluates the loaded checkpoint on (evaluation.measure), as
// `modelcard eval` does: perplexity on token ids (.bin) or text, accuracy on a labelled
// .safetensors set. The results go into the card's evaluation table.
struct MeasuredDataset {
  std::string data;               // as written
  std::string data_path;          // resolved against the spec file's directory
  std::string name;               // the dataset name shown; "" = the file name
  std::string size;               // "" = every size with weights
  std::string dtype = "float32";  // "float32" | "bfloat16"
  int64_t window = 0;             // perplexity window; 0 = context_length - 1
};

struct Evaluation {
  std::vector<Metric> primary;
  std::vector<Metric> secondary;
  std::vector<MeasuredDataset> measure;  // measured by `build` on the sizes' checkpoints
};

struct Deployment {
  std::vector<std::string> techniques;  // inference optimization techniques
  std::vector<std::string> platforms;
  std::string horizontal_scaling;
  std::string vertical_scaling;
};

struct Maintenance {
  std::string repository;  // URL
  std::string version;     // "v1.0"
  std::string version_tagging;
  std::string scheduled_updates;
  std::string bug_fixes;
  std::string documentation;
};

struct Generation {
  int64_t prompt_tokens = 32;
  int64_t new_tokens = 32;
};

// What `build`/`profile` measure. Defaults apply when the section or a key is absent.
struct Profile {
  std::vector<std::string> sizes;  // default: the first size
  std::vector<std::string> dtypes = {"float32", "bfloat16"};
  std::vector<int64_t> batch_sizes = {1};
  std::vector<int64_t> sequence_lengths = {128};
  std::vector<std::string> devices = {"cpu"};  // "cpu" | "cuda" (cuda skipped when absent)
  bool generation_enabled = true;
  Generation generation;
  bool preprocess = false;  // also time the input preprocessing (vit, resnet, audio)
  // profile.train: the training-step scenario (forward + backward + AdamW) at each dtype and
  // sequence length, for train_batch_sizes. `train: false` turns it off.
  bool train_enabled = true;
  std::vector<int64_t> train_batch_sizes;  // default: the first of batch_sizes
  int64_t threads = 0;                     // 0 = all cores
  int64_t warmup = 2;                      // warm-up iterations
  int64_t min_iterations = 10;             // at least this many timed iterations ...
  double min_seconds = 1.0;                // ... and at least this long
};

// experiments: the optimization study (engine/experiments/, seed experiments-readme), run by
// `build` on the first profiled size. Defaults apply when the section or a key is absent.
struct Experiments {
  bool enabled = true;
  int64_t batch = 1;                                // the fixed batch of the single-shape experiments
  int64_t sequence_length = 0;                      // their sequence length; 0 = profile.sequence_lengths[0]
  std::vector<int64_t> batch_sizes = {1, 2, 4, 8};  // batch_scaling sweep
  double latency_budget_ms = 100;                   // batch_scaling: best batch whose mean latency fits
  int64_t new_tokens = 16;                          // kv_cache: tokens generated by each arm
};

struct Cover {
  std::string image, alt, caption;
  bool relative = false;
  bool hidden = true;
};

// blog: section (used by the Hugo post, issue 3). Parsed and validated now.
struct Blog {
  std::string date;  // YYYY-MM-DD
  bool draft = false;
  // The size the prose (introduction, architecture, equations, diagrams) describes: one of
  // architecture.sizes; defaults to the first size, whether or not the spec has a blog section.
  std::string size;
  std::string author;
  std::string description;
  std::vector<std::string> categories;
  Cover cover;
  bool has_cover = false;
  std::string introduction;
  std::string background;
  std::string prior_work;
  std::vector<std::string> innovations;
  std::vector<std::string> applications;
  std::vector<std::string> limitations;
  std::vector<std::string> future_work;
  std::string conclusion;
  std::vector<Reference> further_reading;
};

struct Spec {
  std::string path;    // file it was read from, as given
  std::string sha256;  // hex SHA-256 of the file's bytes
  int schema = 1;
  std::string name;
  std::string slug;  // given, or derived from name: [a-z0-9-]
  std::string tagline;
  std::string summary;
  std::string license;
  std::vector<std::string> tags;
  std::vector<Modality> inputs;
  std::vector<Modality> outputs;
  Architecture architecture;
  bool has_training = false;
  Training training;
  bool has_evaluation = false;
  Evaluation evaluation;
  bool has_deployment = false;
  Deployment deployment;
  bool has_maintenance = false;
  Maintenance maintenance;
  Profile profile;
  Experiments experiments;
  bool has_blog = false;
  Blog blog;

  const Size* FindSize(const std::string& name) const {
    for (const auto& s : architecture.sizes)
      if (s.name == name) return &s;
    return nullptr;
  }
};

}  // namespace spec

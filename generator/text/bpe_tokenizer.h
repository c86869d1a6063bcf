// GPT-2-style byte-level BPE tokenizer: the Hugging Face vocab.json + merges.txt format that GPT-2,
// RoBERTa and Qwen checkpoints ship. Plain C++17, no LibTorch, no regex library.
//
// Encode gives the ids `tokenizers` / transformers.GPT2TokenizerFast give for the same files with the
// ByteLevel pre-tokenizer (add_prefix_space=false, use_regex=true), no normalizer and no special
// tokens: special tokens such as "<|endoftext|>" in the text are encoded as plain text, and
// added_tokens (tokenizer.json) are not read.
//   1. Pre-tokenization: GPT-2's regex
//        's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//      matched by hand over the UTF-8 code points, with the Unicode 16.0 classes of
//      unicode_tables.inc (scripts/gen_unicode_tables.py; the version tokenizers 0.23 uses).
//      A byte that is not part of valid UTF-8 counts as one "other" character, so any byte string
//      encodes and Decode gives it back.
//   2. Each piece's bytes are mapped through GPT-2's bytes_to_unicode table.
//   3. BPE: the pair with the lowest merge rank is merged first, the leftmost on a tie (as GPT-2's
//      bpe() and tokenizers' BPE model do). A byte whose character is not in the vocabulary is
//      dropped (tokenizers' BPE without an unk token does the same).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/status.h"

namespace modelcard {

class BpeTokenizer {
 public:
  // Loads DIR/vocab.json and DIR/merges.txt (LoadFiles: any two paths). On error returns
  // InvalidArgument and leaves *out untouched; its message is one line, "path:line: what is wrong"
  // ("path: ..." where no line applies, e.g. a file that cannot be opened). Checks what tokenizers'
  // BPE model checks: vocab.json is a JSON object of token -> id (ids integers in [0, 2^31)),
  // each merges.txt line (but those starting with "#version") is two tokens separated by one space,
  // both tokens and their concatenation are in the vocabulary. A trailing '\r' is ignored.
  // Never throws.
  static engine::Status Load(const std::string& dir, BpeTokenizer* out);
  static engine::Status LoadFiles(const std::string& vocab_path, const std::string& merges_path, BpeTokenizer* out);

  // The ids of the text (any bytes; see above), no special tokens added.
  std::vector<int64_t> Encode(const std::string& utf8_text) const;
  // The bytes the tokens stand for. Ids not in the vocabulary are skipped; a token with a character
  // outside the byte table (an added token) gives its own UTF-8. Unlike tokenizers, bytes that are
  // not valid UTF-8 are returned as they are (no U+FFFD), so Decode(Encode(s)) == s for every s.
  std::string Decode(const std::vector<int64_t>& ids) const;

  // Largest id in vocab.json + 1 (0 for an empty vocabulary).
  int64_t vocab_size() const { return vocab_size_; }
  // Number of merges read from merges.txt.
  size_t num_merges() const { return num_merges_; }
  // The id of a token (a byte-level string, e.g. "Ġthe"), or -1.
  int64_t TokenToId(const std::string& token) const;
  // The token of an id, or "" when no token has it.
  std::string IdToToken(int64_t id) const;

  // Step 1 alone: the pieces GPT-2's regex splits the text into, as views into `text`, in order;
  // they cover it without gaps.
  static std::vector<std::string_view> PreTokenize(std::string_view text);

 private:
  // LoadFiles' work: false with *error set on any problem.
  static bool LoadInto(const std::string& vocab_path, const std::string& merges_path, BpeTokenizer* out,
                       std::string* error);
  struct Merge {
    int32_t rank;
    int64_t new_id;
  };
  void EncodePiece(std::string_view piece, std::vector<int64_t>* ids) const;

  std::unordered_map<std::string, int64_t> vocab_;
  std::unordered_map<int64_t, std::string> id_to_token_;
  std::unordered_map<uint64_t, Merge> merges_;  // key: left id << 32 | right id
  int64_t byte_id_[256] = {};                   // id of each byte's character, -1 if none
  int64_t vocab_size_ = 0;
  size_t num_merges_ = 0;
};

}  // namespace modelcard

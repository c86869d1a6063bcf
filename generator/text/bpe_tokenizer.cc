#include "generator/text/bpe_tokenizer.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <queue>
#include <utility>

namespace modelcard {
namespace {

// ---- Unicode classes ---------------------------------------------------------------------------

struct CodePointRange {
  uint32_t first;
  uint32_t last;
};

#include "generator/text/unicode_tables.inc"

template <size_t N>
bool InRanges(uint32_t cp, const CodePointRange (&table)[N]) {
  const CodePointRange* end = table + N;
  const CodePointRange* it =
      std::upper_bound(table, end, cp, [](uint32_t c, const CodePointRange& r) { return c < r.first; });
  return it != table && cp <= (it - 1)->last;
}

enum class CharClass : uint8_t { kLetter, kNumber, kSpace, kOther };

constexpr uint32_t kInvalidByte = 0xFFFFFFFF;  // a byte that is not part of valid UTF-8

CharClass Classify(uint32_t cp) {
  if (cp < 0x80) {
    if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') return CharClass::kLetter;
    if (cp >= '0' && cp <= '9') return CharClass::kNumber;
    if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D)) return CharClass::kSpace;
    return CharClass::kOther;
  }
  if (cp == kInvalidByte) return CharClass::kOther;
  if (InRanges(cp, kLetterRanges)) return CharClass::kLetter;
  if (InRanges(cp, kNumberRanges)) return CharClass::kNumber;
  if (InRanges(cp, kWhiteSpaceRanges)) return CharClass::kSpace;
  return CharClass::kOther;
}

// ---- UTF-8 -------------------------------------------------------------------------------------

// Decodes the character at text[pos]: sets *len to its length in bytes and returns its code point,
// or kInvalidByte with *len = 1 when the bytes there are not valid UTF-8 (overlong forms, surrogates
// and code points past U+10FFFF included).
uint32_t DecodeUtf8(std::string_view text, size_t pos, size_t* len) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t b0 = byte(pos);
  *len = 1;
  if (b0 < 0x80) return b0;
  size_t n;
  uint32_t cp;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3, cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4, cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return kInvalidByte;
  }
  if (pos + n > text.size()) return kInvalidByte;
  for (size_t i = 1; i < n; ++i) {
    const uint8_t b = byte(pos + i);
    if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) return kInvalidByte;
    cp = (cp << 6) | (b & 0x3F);
  }
  *len = n;
  return cp;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// ---- GPT-2's bytes_to_unicode ------------------------------------------------------------------

// Printable Latin-1 bytes ('!'..'~', U+00A1..U+00AC, U+00AE..U+00FF) stand for themselves; the
// other 68 bytes, in order, for U+0100.. U+0143.
struct ByteTable {
  uint32_t byte_to_cp[256];
  std::string byte_to_utf8[256];
  int16_t cp_to_byte[0x144];  // -1: not a byte's character
  ByteTable() {
    std::fill(std::begin(cp_to_byte), std::end(cp_to_byte), int16_t{-1});
    uint32_t next = 0x100;
    for (uint32_t b = 0; b < 256; ++b) {
      const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      byte_to_cp[b] = printable ? b : next++;
      AppendUtf8(byte_to_cp[b], &byte_to_utf8[b]);
      cp_to_byte[byte_to_cp[b]] = static_cast<int16_t>(b);
    }
  }
};

const ByteTable& Bytes() {
  static const ByteTable table;
  return table;
}

// ---- files and messages ------------------------------------------------------------------------

bool ReadFile(const std::string& path, std::string* contents, std::string* error) {
  errno = 0;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *error = path + ": cannot open (" + std::strerror(errno) + ")";
    return false;
  }
  contents->clear();
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) contents->append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) {
    *error = path + ": cannot read (" + std::strerror(err) + ")";
    return false;
  }
  return true;
}

// The token in double quotes, control characters escaped, so that a message stays on one line.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", u);
      out += hex;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string At(const std::string& path, size_t line, const std::string& what) {
  return path + ":" + std::to_string(line) + ": " + what;
}

// ---- vocab.json: a JSON object of token -> id --------------------------------------------------

constexpr int64_t kMaxId = 0x7FFFFFFF;

class VocabParser {
 public:
  VocabParser(const std::string& path, const std::string& text) : path_(path), s_(text) {}

  bool Parse(std::unordered_map<std::string, int64_t>* vocab, std::string* error) {
    if (s_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;  // a UTF-8 byte order mark
    SkipSpace();
    if (!Expect('{', "expected '{' (vocab.json is a JSON object of token -> id)")) return Fail(error);
    SkipSpace();
    if (Peek() == '}') {
      ++pos_;
    } else {
      while (true) {
        std::string token;
        if (Peek() != '"') {
          Error("expected a token (a JSON string)");
          return Fail(error);
        }
        if (!ParseString(&token)) return Fail(error);
        SkipSpace();
        if (!Expect(':', "expected ':' after the token " + Quote(token))) return Fail(error);
        SkipSpace();
        int64_t id;
        if (!ParseId(token, &id)) return Fail(error);
        (*vocab)[token] = id;  // a repeated token: the last id counts, as in tokenizers
        SkipSpace();
        if (Peek() == ',') {
          ++pos_;
          SkipSpace();
          continue;
        }
        if (!Expect('}', "expected ',' or '}' after the id of " + Quote(token))) return Fail(error);
        break;
      }
    }
    SkipSpace();
    if (pos_ != s_.size()) {
      Error("unexpected text after the vocabulary object");
      return Fail(error);
    }
    return true;
  }

 private:
  int Peek() const { return pos_ < s_.size() ? static_cast<unsigned char>(s_[pos_]) : -1; }
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  void Error(const std::string& what) {
    const size_t at = std::min(pos_, s_.size());
    const size_t line =
        1 + static_cast<size_t>(std::count(s_.begin(), s_.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    error_ = At(path_, line, pos_ >= s_.size() ? "unexpected end of file: " + what : what);
  }
  bool Fail(std::string* error) {
    *error = error_;
    return false;
  }
  bool Expect(char c, const std::string& what) {
    if (Peek() != static_cast<unsigned char>(c)) {
      Error(what);
      return false;
    }
    ++pos_;
    return true;
  }
  bool Hex4(uint32_t* value) {
    if (pos_ + 4 > s_.size()) {
      pos_ = s_.size();
      Error("a \\u escape needs four hex digits");
      return false;
    }
    *value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s_[pos_ + i];
      int d = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (d < 0) {
        Error("a \\u escape needs four hex digits");
        return false;
      }
      *value = *value * 16 + static_cast<uint32_t>(d);
    }
    pos_ += 4;
    return true;
  }
  bool ParseString(std::string* out) {
    ++pos_;  // the opening quote
    while (true) {
      if (pos_ >= s_.size()) {
        Error("a string is not closed");
        return false;
      }
      const char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        Error("a control character in a string (it must be escaped)");
        return false;
      }
      if (c != '\\') {
        out->push_back(c);
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= s_.size()) {
        Error("a string is not closed");
        return false;
      }
      const char e = s_[pos_++];
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) {
            Error("a lone low surrogate in a \\u escape");
            return false;
          }
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low;
            if (s_.compare(pos_, 2, "\\u") != 0 || (pos_ += 2, !Hex4(&low)) || low < 0xDC00 || low > 0xDFFF) {
              if (error_.empty()) Error("a high surrogate in a \\u escape without its low surrogate");
              return false;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          --pos_;
          Error(std::string("an invalid escape \\") + e + " in a string");
          return false;
      }
    }
  }
  bool ParseId(const std::string& token, int64_t* id) {
    const std::string bad = "the id of " + Quote(token) + " is not an integer in [0, 2147483647]";
    const size_t start = pos_;
    if (Peek() == '-') ++pos_;
    if (Peek() < '0' || Peek() > '9') {
      pos_ = start;
      Error(bad);
      return false;
    }
    int64_t value = 0;
    bool too_big = false;
    while (Peek() >= '0' && Peek() <= '9') {
      value = value * 10 + (s_[pos_++] - '0');
      if (value > kMaxId) {
        too_big = true;
        value = kMaxId;
      }
    }
    if (Peek() == '.' || Peek() == 'e' || Peek() == 'E' || s_[start] == '-' || too_big ||
        (s_[start] == '0' && pos_ - start > 1)) {
      pos_ = start;
      Error(bad);
      return false;
    }
    *id = value;
    return true;
  }

  const std::string& path_;
  const std::string& s_;
  size_t pos_ = 0;
  std::string error_;
};

// ---- pre-tokenization --------------------------------------------------------------------------

struct Char {
  uint32_t cp;  // kInvalidByte for a byte that is not valid UTF-8
  CharClass cls;
  size_t start;  // byte offset in the text
};

bool IsAscii(const Char& c, char ascii) { return c.cp == static_cast<unsigned char>(ascii); }

// The length in characters of the contraction ('s 't 're 've 'm 'll 'd, in that order) at i, or 0.
size_t Contraction(const std::vector<Char>& cs, size_t i) {
  if (!IsAscii(cs[i], '\'') || i + 1 >= cs.size()) return 0;
  const Char& a = cs[i + 1];
  if (IsAscii(a, 's') || IsAscii(a, 't')) return 2;
  if (i + 2 < cs.size()) {
    const Char& b = cs[i + 2];
    if ((IsAscii(a, 'r') || IsAscii(a, 'v')) && IsAscii(b, 'e')) return 3;
  }
  if (IsAscii(a, 'm')) return 2;
  if (i + 2 < cs.size() && IsAscii(a, 'l') && IsAscii(cs[i + 2], 'l')) return 3;
  if (IsAscii(a, 'd')) return 2;
  return 0;
}

// The end of ` ?X+` at i where X is the class, or i when it does not match.
size_t OptionalSpaceRun(const std::vector<Char>& cs, size_t i, CharClass cls) {
  size_t j = i;
  if (IsAscii(cs[j], ' ')) ++j;
  if (j >= cs.size() || cs[j].cls != cls) return i;
  while (j < cs.size() && cs[j].cls == cls) ++j;
  return j;
}

}  // namespace

std::vector<std::string_view> BpeTokenizer::PreTokenize(std::string_view text) {
  std::vector<Char> cs;
  cs.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    size_t len;
    const uint32_t cp = DecodeUtf8(text, pos, &len);
    cs.push_back({cp, Classify(cp), pos});
    pos += len;
  }
  const auto offset = [&](size_t i) { return i < cs.size() ? cs[i].start : text.size(); };
  std::vector<std::string_view> pieces;
  for (size_t i = 0; i < cs.size();) {
    size_t end = i;
    if (size_t n = Contraction(cs, i)) {
      end = i + n;
    } else if ((end = OptionalSpaceRun(cs, i, CharClass::kLetter)) > i) {
    } else if ((end = OptionalSpaceRun(cs, i, CharClass::kNumber)) > i) {
    } else if ((end = OptionalSpaceRun(cs, i, CharClass::kOther)) > i) {
    } else {
      // Whitespace (every other alternative failed, so cs[i] is whitespace). \s+(?!\S): the run,
      // less its last character when a non-space follows; else \s+: the whole run.
      size_t run = i;
      while (run < cs.size() && cs[run].cls == CharClass::kSpace) ++run;
      end = (run < cs.size() && run - 1 > i) ? run - 1 : run;
    }
    pieces.push_back(text.substr(offset(i), offset(end) - offset(i)));
    i = end;
  }
  return pieces;
}

engine::Status BpeTokenizer::Load(const std::string& dir, BpeTokenizer* out) {
  const std::string base = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  return LoadFiles(base + "vocab.json", base + "merges.txt", out);
}

engine::Status BpeTokenizer::LoadFiles(const std::string& vocab_path, const std::string& merges_path,
                                       BpeTokenizer* out) {
  std::string err;
  if (LoadInto(vocab_path, merges_path, out, &err)) return engine::Status::OK();
  return engine::Status::InvalidArgument(err);
}

bool BpeTokenizer::LoadInto(const std::string& vocab_path, const std::string& merges_path, BpeTokenizer* out,
                            std::string* error) {
  std::string& err = *error;
  try {
    BpeTokenizer t;
    std::string text;
    if (!ReadFile(vocab_path, &text, &err)) return false;
    if (!VocabParser(vocab_path, text).Parse(&t.vocab_, &err)) return false;
    for (const auto& [token, id] : t.vocab_) {
      t.id_to_token_[id] = token;
      t.vocab_size_ = std::max(t.vocab_size_, id + 1);
    }
    const ByteTable& bytes = Bytes();
    for (int b = 0; b < 256; ++b) t.byte_id_[b] = t.TokenToId(bytes.byte_to_utf8[b]);

    if (!ReadFile(merges_path, &text, &err)) return false;
    size_t line_no = 0;
    int32_t rank = 0;
    for (size_t pos = 0; pos < text.size();) {
      size_t eol = text.find('\n', pos);
      if (eol == std::string::npos) eol = text.size();
      std::string_view line(text.data() + pos, eol - pos);
      pos = eol + 1;
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.compare(0, 8, "#version") == 0) continue;
      const size_t space = line.find(' ');
      if (space == std::string_view::npos || space == 0 || space + 1 == line.size() ||
          line.find(' ', space + 1) != std::string_view::npos) {
        err = At(merges_path, line_no, "expected two tokens separated by one space, got " + Quote(line));
        return false;
      }
      const std::string left(line.substr(0, space)), right(line.substr(space + 1));
      const int64_t left_id = t.TokenToId(left), right_id = t.TokenToId(right);
      for (const auto& [token, id] : {std::pair{&left, left_id}, std::pair{&right, right_id}}) {
        if (id < 0) {
          err = At(merges_path, line_no, "the token " + Quote(*token) + " is not in the vocabulary");
          return false;
        }
      }
      const int64_t new_id = t.TokenToId(left + right);
      if (new_id < 0) {
        err = At(merges_path, line_no, "the merge result " + Quote(left + right) + " is not in the vocabulary");
        return false;
      }
      if (rank == INT32_MAX) {
        err = At(merges_path, line_no, "too many merges");
        return false;
      }
      // A repeated pair: the later rank counts, as in tokenizers and GPT-2's bpe().
      t.merges_[static_cast<uint64_t>(left_id) << 32 | static_cast<uint64_t>(right_id)] = {rank++, new_id};
    }
    t.num_merges_ = static_cast<size_t>(rank);
    *out = std::move(t);
    return true;
  } catch (const std::exception& e) {
    err = vocab_path + ": cannot load the tokenizer (" + e.what() + ")";
    return false;
  }
}

int64_t BpeTokenizer::TokenToId(const std::string& token) const {
  const auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

std::string BpeTokenizer::IdToToken(int64_t id) const {
  const auto it = id_to_token_.find(id);
  return it == id_to_token_.end() ? std::string() : it->second;
}

void BpeTokenizer::EncodePiece(std::string_view piece, std::vector<int64_t>* ids) const {
  struct Symbol {
    int64_t id;
    int prev, next;  // -1: none
    bool merged_away;
  };
  std::vector<Symbol> syms;
  syms.reserve(piece.size());
  for (char c : piece) {
    const int64_t id = byte_id_[static_cast<unsigned char>(c)];
    if (id < 0) continue;  // no token for this byte (and no unk token): dropped
    const int n = static_cast<int>(syms.size());
    syms.push_back({id, n - 1, -1, false});
    if (n > 0) syms[n - 1].next = n;
  }
  if (syms.size() <= 1) {
    if (!syms.empty()) ids->push_back(syms[0].id);
    return;
  }
  // tokenizers' Word::merge_all: a queue of candidate merges, lowest rank first, leftmost on a tie;
  // an entry whose symbols have changed since it was queued is dropped when it comes up.
  struct Candidate {
    int32_t rank;
    int pos;
    int64_t new_id;
  };
  const auto later = [](const Candidate& a, const Candidate& b) {
    return a.rank != b.rank ? a.rank > b.rank : a.pos > b.pos;
  };
  std::priority_queue<Candidate, std::vector<Candidate>, decltype(later)> queue(later);
  const auto find = [&](int64_t left, int64_t right) -> const Merge* {
    const auto it = merges_.find(static_cast<uint64_t>(left) << 32 | static_cast<uint64_t>(right));
    return it == merges_.end() ? nullptr : &it->second;
  };
  for (size_t i = 0; i + 1 < syms.size(); ++i) {
    if (const Merge* m = find(syms[i].id, syms[i + 1].id)) queue.push({m->rank, static_cast<int>(i), m->new_id});
  }
  while (!queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    Symbol& s = syms[top.pos];
    if (s.merged_away || s.next < 0) continue;
    Symbol& right = syms[s.next];
    const Merge* m = find(s.id, right.id);
    if (m == nullptr || m->new_id != top.new_id) continue;
    s.id = top.new_id;
    right.merged_away = true;
    s.next = right.next;
    if (s.next >= 0) syms[s.next].prev = top.pos;
    if (s.prev >= 0) {
      if (const Merge* p = find(syms[s.prev].id, s.id)) queue.push({p->rank, s.prev, p->new_id});
    }
    if (s.next >= 0) {
      if (const Merge* n = find(s.id, syms[s.next].id)) queue.push({n->rank, top.pos, n->new_id});
    }
  }
  for (int i = 0; i >= 0; i = syms[i].next) ids->push_back(syms[i].id);
}

std::vector<int64_t> BpeTokenizer::Encode(const std::string& utf8_text) const {
  std::vector<int64_t> ids;
  for (std::string_view piece : PreTokenize(utf8_text)) EncodePiece(piece, &ids);
  return ids;
}

std::string BpeTokenizer::Decode(const std::vector<int64_t>& ids) const {
  const ByteTable& bytes = Bytes();
  std::string out;
  for (int64_t id : ids) {
    const auto it = id_to_token_.find(id);
    if (it == id_to_token_.end()) continue;
    const std::string& token = it->second;
    std::string decoded;
    bool all_bytes = true;
    for (size_t pos = 0; pos < token.size() && all_bytes;) {
      size_t len;
      const uint32_t cp = DecodeUtf8(token, pos, &len);
      pos += len;
      if (cp < 0x144 && bytes.cp_to_byte[cp] >= 0) {
        decoded.push_back(static_cast<char>(bytes.cp_to_byte[cp]));
      } else {
        all_bytes = false;
      }
    }
    out += all_bytes ? decoded : token;  // tokenizers' ByteLevel decoder: a token outside the table as is
  }
  return out;
}

}  // namespace modelcard

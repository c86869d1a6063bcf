// The byte-level BPE tokenizer (generator/text/bpe_tokenizer.h) against the ids the reference
// tokenizer gives: tests/data/hf_reference/bpe/ is a small BPE trained with `tokenizers` and the ids
// transformers.GPT2TokenizerFast gives for edge-case texts and sample.txt
// (tests/data/hf_reference/make_tokenizer_fixture.py). Also the merge order, bytes that are not
// valid UTF-8, and the load errors, each with its file and line.
#include "generator/text/bpe_tokenizer.h"
#include "tests/test_files.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace {

using testing_files::TempDir;

namespace fs = std::filesystem;
using Json = nlohmann::json;
using modelcard::BpeTokenizer;

const std::string kFixture = std::string(MODELCARD_TEST_DATA) + "/data/hf_reference/bpe";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const BpeTokenizer& Fixture() {
  static const BpeTokenizer tokenizer = [] {
    BpeTokenizer t;
    const engine::Status st = BpeTokenizer::Load(kFixture, &t);
    INFO(st.message());
    REQUIRE(st.ok());
    return t;
  }();
  return tokenizer;
}

const Json& Reference() {
  static const Json reference = Json::parse(Slurp(kFixture + "/reference.json"));
  return reference;
}

// The bytes of a string, for messages about texts with control characters or invalid UTF-8.
std::string Escaped(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    }
  }
  return out;
}

// A fresh directory, removed again when the test ends.
// Loads vocab/merges written into a fresh directory; returns the error ("" on success).
std::string LoadError(const std::string& vocab, const std::string& merges, BpeTokenizer* out = nullptr) {
  TempDir dir;
  dir.Write("vocab.json", vocab);
  dir.Write("merges.txt", merges);
  BpeTokenizer local;
  const engine::Status st = BpeTokenizer::Load(dir.dir(), out != nullptr ? out : &local);
  CHECK(st.ok() == st.message().empty());
  return st.message();
}

BpeTokenizer LoadOrFail(const std::string& vocab, const std::string& merges) {
  BpeTokenizer t;
  const std::string error = LoadError(vocab, merges, &t);
  INFO(error);
  REQUIRE(error.empty());
  return t;
}

const char kTinyVocab[] = R"({"a": 0, "b": 1, "c": 2, "ab": 3, "bc": 4, "aa": 5, "abc": 6})";

}  // namespace

TEST_CASE("BpeTokenizer loads the fixture: vocabulary size and merges as the reference") {
  const BpeTokenizer& t = Fixture();
  CHECK(t.vocab_size() == Reference()["vocab_size"].get<int64_t>());
  CHECK(t.vocab_size() == 480);
  CHECK(t.num_merges() == Reference()["num_merges"].get<size_t>());
  CHECK(t.TokenToId("<|endoftext|>") == 0);
  CHECK(t.TokenToId("\xC4\xA0"
                    "the") >= 256);  // "Ġthe": the first merges are " t", "he", " the"
  CHECK(t.IdToToken(t.TokenToId("\xC4\xA0"
                                "the")) ==
        "\xC4\xA0"
        "the");
  CHECK(t.TokenToId("not a token") == -1);
  CHECK(t.IdToToken(100000) == "");
}

TEST_CASE("BpeTokenizer pre-tokenizes the reference texts as the tokenizers ByteLevel pre-tokenizer") {
  for (const Json& c : Reference()["texts"]) {
    const std::string text = c["text"].get<std::string>();
    INFO("text: ", Escaped(text));
    std::vector<std::string> pieces;
    for (std::string_view p : BpeTokenizer::PreTokenize(text)) pieces.emplace_back(p);
    CHECK(pieces == c["pieces"].get<std::vector<std::string>>());
  }
}

TEST_CASE("BpeTokenizer encodes the reference texts to the ids of GPT2TokenizerFast") {
  const BpeTokenizer& t = Fixture();
  const Json& texts = Reference()["texts"];
  REQUIRE(texts.size() >= 40);
  size_t nonempty = 0;
  for (const Json& c : texts) {
    const std::string text = c["text"].get<std::string>();
    INFO("text: ", Escaped(text));
    const std::vector<int64_t> expected = c["ids"].get<std::vector<int64_t>>();
    const std::vector<int64_t> ids = t.Encode(text);
    CHECK(ids == expected);
    CHECK(t.Decode(ids) == text);
    nonempty += !expected.empty();
  }
  CHECK(nonempty == texts.size() - 1);  // all but ""
}

TEST_CASE("BpeTokenizer encodes sample.txt to the reference ids and decodes it back") {
  const BpeTokenizer& t = Fixture();
  const std::string sample = Slurp(kFixture + "/" + Reference()["sample_file"].get<std::string>());
  REQUIRE(sample.size() > 2000);
  const std::vector<int64_t> expected = Reference()["sample_ids"].get<std::vector<int64_t>>();
  const std::vector<int64_t> ids = t.Encode(sample);
  REQUIRE(ids.size() == expected.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    INFO("token ", i);
    REQUIRE(ids[i] == expected[i]);
  }
  CHECK(t.Decode(ids) == sample);
  for (int64_t id : ids) CHECK((id >= 0 && id < t.vocab_size()));
}

TEST_CASE("BpeTokenizer round-trips bytes that are not valid UTF-8, each an \"other\" character") {
  const BpeTokenizer& t = Fixture();
  const std::vector<std::string> texts = {
      "\xFF",
      "\x80\x80 abc",
      "ab\xFF"
      "cd",
      "caf\xC3",                                // truncated two-byte sequence at the end
      "\xE4\xBD \xE4\xBD\xA0",                  // truncated three-byte sequence, then a valid one
      "\xC0\xAF \xE0\x80\xAF",                  // overlong forms
      "\xED\xA0\x80 \xED\xBF\xBF",              // UTF-16 surrogates
      "\xF4\x90\x80\x80 \xF8\x88\x80\x80\x80",  // past U+10FFFF, five-byte form
      "it\xE2\x80's \xFE\xFE!!",
      std::string("nul\0inside", 10),
  };
  for (const std::string& text : texts) {
    INFO("text: ", Escaped(text));
    CHECK(t.Decode(t.Encode(text)) == text);
    std::string joined;
    for (std::string_view p : BpeTokenizer::PreTokenize(text)) joined += p;
    CHECK(joined == text);
  }
  auto pieces = [](const std::string& s) {
    std::vector<std::string> out;
    for (std::string_view p : BpeTokenizer::PreTokenize(s)) out.emplace_back(p);
    return out;
  };
  CHECK(pieces("ab\xFF"
               "cd") == std::vector<std::string>{"ab", "\xFF", "cd"});
  CHECK(pieces("x \xFF\xFE!") == std::vector<std::string>{"x", " \xFF\xFE!"});
  CHECK(pieces("12\x80"
               "34") == std::vector<std::string>{"12", "\x80", "34"});
  // Every single byte, and every byte pair, encodes and decodes back.
  for (int a = 0; a < 256; ++a) {
    const std::string one(1, static_cast<char>(a));
    REQUIRE(t.Decode(t.Encode(one)) == one);
    REQUIRE(t.Encode(one).size() == 1);  // every byte has a token
    for (int b = 0; b < 256; ++b) {
      const std::string two = one + static_cast<char>(b);
      REQUIRE(t.Decode(t.Encode(two)) == two);
    }
  }
  // Pseudo-random byte strings, biased toward UTF-8 lead and continuation bytes.
  uint64_t state = 12345;
  auto next = [&] { return state = state * 6364136223846793005ULL + 1442695040888963407ULL, state >> 33; };
  const unsigned char kBytes[] = {' ',  'a',  'Z',  '1',  '\'', 's',  '\n', '\t', '!',
                                  0x80, 0xBF, 0xC3, 0xE4, 0xED, 0xF0, 0xF4, 0xFF};
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    const size_t len = next() % 24;
    for (size_t k = 0; k < len; ++k) {
      s += static_cast<char>(next() % 2 ? kBytes[next() % sizeof kBytes] : next() % 256);
    }
    INFO("text: ", Escaped(s));
    REQUIRE(t.Decode(t.Encode(s)) == s);
  }
}

TEST_CASE("BpeTokenizer merges the lowest rank first, the leftmost on a tie") {
  // "b c" before "a b": abc -> a + bc; the other way round: ab + c.
  BpeTokenizer bc_first = LoadOrFail(kTinyVocab, "#version: 0.2\nb c\na b\n");
  CHECK(bc_first.Encode("abc") == std::vector<int64_t>{0, 4});
  BpeTokenizer ab_first = LoadOrFail(kTinyVocab, "#version: 0.2\na b\nb c\nab c\n");
  CHECK(ab_first.Encode("abc") == std::vector<int64_t>{6});
  CHECK(ab_first.Encode("abcabc") == std::vector<int64_t>{6, 6});
  BpeTokenizer tie = LoadOrFail(kTinyVocab, "a a\n");
  CHECK(tie.Encode("aaa") == std::vector<int64_t>{5, 0});
  CHECK(tie.Encode("aaaa") == std::vector<int64_t>{5, 5});
  CHECK(tie.num_merges() == 1);
  CHECK(tie.vocab_size() == 7);
  // Bytes without a token are dropped (no unk token), as tokenizers' BPE does.
  CHECK(tie.Encode("a-b") == std::vector<int64_t>{0, 1});
  CHECK(tie.Decode({0, 99, 1, -1}) == "ab");  // unknown ids are skipped
  // A repeated merge counts with its later rank.
  BpeTokenizer repeated = LoadOrFail(kTinyVocab, "a b\nb c\na b\n");
  CHECK(repeated.Encode("abc") == std::vector<int64_t>{0, 4});
}

TEST_CASE("BpeTokenizer reads vocab.json escapes and a CRLF merges.txt") {
  BpeTokenizer t = LoadOrFail(R"({"\u0041": 0, "\u00e9\ud83d\ude00": 1, "\"\\\/\t": 2, "A\u00e9\ud83d\ude00": 3})",
                              "#version: 0.2\r\nA \u00e9\U0001F600\r\n");
  CHECK(t.TokenToId("A") == 0);
  CHECK(t.TokenToId("\u00e9\U0001F600") == 1);
  CHECK(t.TokenToId("\"\\/\t") == 2);
  CHECK(t.num_merges() == 1);
  CHECK(t.vocab_size() == 4);
  CHECK(t.Decode({2}) == "\"\\/\t");  // outside the byte table: its own UTF-8, as tokenizers' decoder
  BpeTokenizer empty = LoadOrFail("{}", "");
  CHECK(empty.vocab_size() == 0);
  CHECK(empty.Encode("abc").empty());
}

TEST_CASE("BpeTokenizer load errors name the file and the line") {
  TempDir dir;
  BpeTokenizer t;
  // Missing files.
  engine::Status st = BpeTokenizer::Load(dir.dir() + "/nope", &t);
  CHECK(st.message() == dir.dir() + "/nope/vocab.json: cannot open (No such file or directory)");
  dir.Write("vocab.json", kTinyVocab);
  st = BpeTokenizer::Load(dir.dir(), &t);
  CHECK(st.message() == dir.dir() + "/merges.txt: cannot open (No such file or directory)");
  fs::create_directories(dir.path / "merges.txt");
  st = BpeTokenizer::Load(dir.dir(), &t);
  CHECK_FALSE(st.ok());
  CHECK(st.message().rfind(dir.dir() + "/merges.txt: cannot", 0) == 0);

  // Malformed vocab.json: the file and the line.
  const std::string v = "/vocab.json:";
  const std::string m = "/merges.txt:";
  auto ends = [](const std::string& s, const std::string& suffix) {
    INFO(s);
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  CHECK(ends(LoadError("{\"a\": 0,\n \"b\": 1\n \"c\": 2}", ""), v + "3: expected ',' or '}' after the id of \"b\""));
  CHECK(
      ends(LoadError("{\"a\": 0,\n\"b\": \"x\"}", ""), v + "2: the id of \"b\" is not an integer in [0, 2147483647]"));
  CHECK(ends(LoadError("{\"a\": -1}", ""), v + "1: the id of \"a\" is not an integer in [0, 2147483647]"));
  CHECK(ends(LoadError("{\"a\": 1.5}", ""), v + "1: the id of \"a\" is not an integer in [0, 2147483647]"));
  CHECK(ends(LoadError("{\"a\": 99999999999999999999}", ""),
             v + "1: the id of \"a\" is not an integer in [0, 2147483647]"));
  CHECK(ends(LoadError("{\"a\": 01}", ""), v + "1: the id of \"a\" is not an integer in [0, 2147483647]"));
  CHECK(ends(LoadError("[1, 2]", ""), v + "1: expected '{' (vocab.json is a JSON object of token -> id)"));
  CHECK(ends(LoadError("", ""),
             v + "1: unexpected end of file: expected '{' (vocab.json is a JSON object of token -> id)"));
  CHECK(ends(LoadError("{\"a\": 0,\n\"b", ""), v + "2: unexpected end of file: a string is not closed"));
  CHECK(ends(LoadError("{\"a\": 0,\n\n", ""), v + "3: unexpected end of file: expected a token (a JSON string)"));
  CHECK(ends(LoadError("{\"a\": 0}\n}", ""), v + "2: unexpected text after the vocabulary object"));
  CHECK(ends(LoadError("{\"a\" 0}", ""), v + "1: expected ':' after the token \"a\""));
  CHECK(ends(LoadError("{\"a\\q\": 0}", ""), v + "1: an invalid escape \\q in a string"));
  CHECK(ends(LoadError("{\"\\u12\": 0}", ""), v + "1: a \\u escape needs four hex digits"));
  CHECK(ends(LoadError("{\"\\ud83d\": 0}", ""), v + "1: a high surrogate in a \\u escape without its low surrogate"));
  CHECK(ends(LoadError("{\"\\ude00\": 0}", ""), v + "1: a lone low surrogate in a \\u escape"));
  CHECK(ends(LoadError("{\"a\nb\": 0}", ""), v + "1: a control character in a string (it must be escaped)"));

  // Bad merges.txt lines: the file and the line (the #version line counts).
  CHECK(ends(LoadError(kTinyVocab, "#version: 0.2\na b\nabc\n"),
             m + "3: expected two tokens separated by one space, got \"abc\""));
  CHECK(ends(LoadError(kTinyVocab, "a  b\n"), m + "1: expected two tokens separated by one space, got \"a  b\""));
  CHECK(ends(LoadError(kTinyVocab, "a b c\n"), m + "1: expected two tokens separated by one space, got \"a b c\""));
  CHECK(ends(LoadError(kTinyVocab, "a b\n\nb c\n"), m + "2: expected two tokens separated by one space, got \"\""));
  CHECK(ends(LoadError(kTinyVocab, "a b\n b\n"), m + "2: expected two tokens separated by one space, got \" b\""));
  CHECK(ends(LoadError(kTinyVocab, "a b\nb x\n"), m + "2: the token \"x\" is not in the vocabulary"));
  CHECK(ends(LoadError(kTinyVocab, "#version: 0.2\nb a\n"), m + "2: the merge result \"ba\" is not in the vocabulary"));
  CHECK(ends(LoadError(kTinyVocab, "a b\nc\tb\n"), m + "2: expected two tokens separated by one space, got \"c\\tb\""));

  // A failed load leaves the tokenizer as it was.
  BpeTokenizer kept = LoadOrFail(kTinyVocab, "a b\n");
  CHECK_FALSE(LoadError("{\"a\": 0}", "a b\n", &kept).empty());
  CHECK(kept.vocab_size() == 7);
  CHECK(kept.Encode("ab") == std::vector<int64_t>{3});
}

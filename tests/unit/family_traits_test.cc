// The family descriptor (engine/config.h): one row per Family, names that round-trip through the
// spec, source files that exist, and the config-level predicates built on the traits.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <string>

#include "engine/config.h"
#include "generator/spec/spec_parser.h"
#include "tests/model_configs.h"

namespace {

constexpr engine::Family kAll[] = {engine::Family::kDecoder,  engine::Family::kEncoder, engine::Family::kVit,
                                   engine::Family::kResNet,   engine::Family::kAudio,   engine::Family::kMoe,
                                   engine::Family::kRecurrent};

}  // namespace

TEST_CASE("family traits: one row per family, names round-trip, sources exist") {
  std::set<std::string> names;
  size_t i = 0;
  for (engine::Family f : kAll) {
    const engine::FamilyTraits& t = engine::TraitsOf(f);
    CAPTURE(t.name);
    CHECK(t.family == f);
    CHECK(&engine::kFamilyTraits[i++] == &t);  // the table is in enumerator order
    CHECK(names.insert(t.name).second);
    engine::Family back = engine::Family::kRecurrent;
    REQUIRE(engine::FamilyFromName(t.name, &back));
    CHECK(back == f);
    CHECK(std::string(engine::FamilyName(f)) == t.name);
    for (const char* source : {t.model_source, t.count_source})
      CHECK_MESSAGE(std::filesystem::exists(std::filesystem::path(MODELCARD_SOURCE_DIR_FOR_TESTS) / source), source);
    // Each input kind is exactly one of tokens, images, audio.
    CHECK(int(t.token_input) + int(t.image_input) + int(t.audio_input) == 1);
    if (t.kv_cache) CHECK((t.attention && t.causal_lm));
  }
  CHECK(i == std::size(engine::kFamilyTraits));
  engine::Family untouched = engine::Family::kVit;
  CHECK_FALSE(engine::FamilyFromName("Decoder", &untouched));
  CHECK_FALSE(engine::FamilyFromName("", &untouched));
  CHECK(untouched == engine::Family::kVit);
}

TEST_CASE("family traits: the spec accepts exactly the table's names") {
  for (engine::Family f : kAll) {
    const std::string name = engine::FamilyName(f);
    const std::string yaml = "schema: 1\nname: X\nslug: x\narchitecture:\n  family: " + name + "\n  sizes: {}\n";
    const spec::ParseResult r = spec::ParseSpecText(yaml, "x.yaml");
    for (const auto& d : r.errors) CHECK_MESSAGE(d.message.find("unknown family") == std::string::npos, d.message);
  }
  const spec::ParseResult r =
      spec::ParseSpecText("schema: 1\nname: X\nslug: x\narchitecture:\n  family: transformer\n  sizes: {}\n", "x.yaml");
  bool unknown = false;
  for (const auto& d : r.errors)
    if (d.message.find("unknown family 'transformer'") != std::string::npos) {
      unknown = true;
      for (engine::Family f : kAll) CHECK(d.hint.find(engine::FamilyName(f)) != std::string::npos);
    }
  CHECK(unknown);
}

TEST_CASE("family traits: predicates that depend on the size as well as the family") {
  engine::ModelConfig audio = testing_configs::WhisperTiny();
  audio.decoder_layers = 0;
  CHECK_FALSE(engine::IsCausalLM(audio));
  CHECK_FALSE(engine::UsesSequenceLength(audio));
  audio.decoder_layers = 4;
  CHECK(engine::IsCausalLM(audio));
  CHECK(engine::UsesSequenceLength(audio));
  CHECK_FALSE(engine::TraitsOf(audio).kv_cache);  // its text decoder re-runs the prefix

  CHECK(engine::IsCausalLM(testing_configs::Gpt2(12, 768, 12)));
  CHECK(engine::IsCausalLM(testing_configs::LstmMedium()));
  CHECK_FALSE(engine::IsCausalLM(testing_configs::BertBase()));
  CHECK_FALSE(engine::UsesSequenceLength(testing_configs::ResNet("bottleneck", {3, 4, 6, 3})));

  engine::ModelConfig bert = testing_configs::BertBase();
  CHECK_FALSE(engine::HasClassifierHead(bert));  // head: none
  bert.head = "classifier";
  bert.num_classes = 2;
  CHECK(engine::HasClassifierHead(bert));
  bert.num_classes = 0;  // invalid (ValidateConfig says so), and no head either way
  CHECK_FALSE(engine::HasClassifierHead(bert));
  CHECK(engine::HasClassifierHead(testing_configs::ResNet("bottleneck", {3, 4, 6, 3})));
  engine::ModelConfig headless = testing_configs::ResNet("bottleneck", {3, 4, 6, 3});
  headless.num_classes = 0;
  CHECK_FALSE(engine::HasClassifierHead(headless));
}

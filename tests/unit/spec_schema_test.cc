// Tests that specs/schema.json (the editors' JSON Schema) allows exactly the keys the spec
// parser accepts, section by section, so that the two cannot drift apart.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "generator/spec/spec_parser.h"

namespace {

const char* kProbe = "zzzzzzzzzzzz";  // far from every key, so the hint lists them all

// "a, b, c" of sorted keys (a string, so that doctest prints a failed comparison).
std::string Sorted(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

// The keys the parser accepts where `yaml` places the probe key, read from the hint of its
// "unknown key" diagnostic ("expected one of: a, b, c").
std::string ParserKeys(const std::string& yaml) {
  for (const auto& d : spec::ParseSpecText(yaml, "probe.yaml").errors) {
    if (d.message != std::string("unknown key '") + kProbe + "'") continue;
    const std::string prefix = "expected one of: ";
    REQUIRE(d.hint.rfind(prefix, 0) == 0);
    std::vector<std::string> keys;
    std::stringstream list(d.hint.substr(prefix.size()));
    std::string key;
    while (std::getline(list, key, ',')) keys.push_back(key.substr(key.find_first_not_of(' ')));
    return Sorted(keys);
  }
  FAIL("no unknown-key diagnostic for the probe in: " << yaml);
  return "";
}

// The property names of the schema object at `pointer`.
std::string SchemaKeys(const nlohmann::json& schema, const std::string& pointer) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : schema.at(nlohmann::json::json_pointer(pointer)).items()) keys.push_back(key);
  return Sorted(keys);
}

std::string Probe(std::string yaml) { return yaml.replace(yaml.find("PROBE"), 5, std::string(kProbe) + ": 1"); }

}  // namespace

TEST_CASE("schema.json allows exactly the keys the parser accepts") {
  std::ifstream file(std::string(MODELCARD_SOURCE_DIR_FOR_TESTS) + "/specs/schema.json");
  REQUIRE(file.good());
  nlohmann::json schema = nlohmann::json::parse(file);
  CHECK(schema.at("$schema") == "https://json-schema.org/draft/2020-12/schema");

  struct Section {
    const char* yaml;     // where the probe key goes
    const char* pointer;  // the schema's properties object for that place
  };
  const Section sections[] = {
      {"PROBE", "/properties"},
      {"inputs: [{PROBE}]", "/$defs/input/properties"},
      {"outputs: [{PROBE}]", "/$defs/output/properties"},
      {"architecture: {PROBE}", "/$defs/architecture/properties"},
      {"architecture: {references: [{PROBE}]}", "/$defs/reference/properties"},
      {"architecture: {variants: [{PROBE}]}", "/$defs/architecture/properties/variants/items/properties"},
      {"architecture: {advantages: [{PROBE}]}", "/$defs/architecture/properties/advantages/items/properties"},
      {"architecture: {config: {PROBE}}", "/$defs/config/properties"},
      {"architecture: {sizes: {s: {PROBE}}}", "/$defs/size/properties"},
      {"training: {PROBE}", "/$defs/training/properties"},
      {"training: {hyperparameters: {PROBE}}", "/$defs/training/properties/hyperparameters/properties"},
      {"training: {environment: {PROBE}}", "/$defs/training/properties/environment/properties"},
      {"evaluation: {PROBE}", "/properties/evaluation/properties"},
      {"evaluation: {primary: [{PROBE}]}", "/$defs/metric/properties"},
      {"evaluation: {measure: [{PROBE}]}", "/$defs/measure/properties"},
      {"deployment: {PROBE}", "/properties/deployment/properties"},
      {"maintenance: {PROBE}", "/properties/maintenance/properties"},
      {"profile: {PROBE}", "/$defs/profile/properties"},
      {"profile: {generation: {PROBE}}", "/$defs/profile/properties/generation/oneOf/1/properties"},
      {"profile: {train: {PROBE}}", "/$defs/profile/properties/train/oneOf/1/properties"},
      {"experiments: {PROBE}", "/$defs/experiments/oneOf/1/properties"},
      {"blog: {PROBE}", "/$defs/blog/properties"},
      {"blog: {cover: {PROBE}}", "/$defs/blog/properties/cover/properties"},
      {"blog: {further_reading: [{PROBE}]}", "/$defs/reference/properties"},
  };
  for (const Section& s : sections) {
    INFO(s.yaml);
    CHECK(ParserKeys(Probe(s.yaml)) == SchemaKeys(schema, s.pointer));
  }
}

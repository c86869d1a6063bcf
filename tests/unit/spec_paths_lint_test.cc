// Issue 14: spec values that become paths or file names are checked by lint (tags and categories
// become site pages, the slug names files), and YAML nested past the parser's limit is named as
// such, with the file and position.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "generator/project/project_config.h"
#include "generator/spec/spec_parser.h"

namespace {

// A complete minimal spec; `top` goes after the name (line 3 on), `blog` at the end.
std::string Spec(const std::string& top, const std::string& blog = "") {
  return "schema: 1\n"
         "name: Test Model\n" +
         top +
         "architecture:\n"
         "  family: decoder\n"
         "  config: {vocab_size: 256, context_length: 64}\n"
         "  sizes:\n"
         "    small: {num_layers: 2, embedding_dim: 64, num_heads: 4}\n" +
         blog;
}

std::string Errors(const std::string& text) {
  std::string out;
  for (const auto& d : spec::ParseSpecText(text, "t.yaml").errors) out += d.ToString() + "\n";
  return out;
}

}  // namespace

TEST_CASE("lint: a tag that is not a slug is an error at the tag, never a path of the site") {
  CHECK(Errors(Spec("tags: [text-generation, \"../posts/gpt2\", \"../../../../escaped\"]\n")) ==
        "t.yaml:3:25: tag '../posts/gpt2' is not a slug (each tag becomes the site page /tags/<tag>/); hint: use "
        "lowercase letters and digits separated by single '-', at most 200 bytes, e.g. 'posts-gpt2'\n"
        "t.yaml:3:42: tag '../../../../escaped' is not a slug (each tag becomes the site page /tags/<tag>/); hint: "
        "use lowercase letters and digits separated by single '-', at most 200 bytes, e.g. 'escaped'\n");
  CHECK(Errors(Spec("tags:\n  - Text Generation\n  - \"{{< youtube x >}}\"\n  - ok-tag\n")) ==
        "t.yaml:4:5: tag 'Text Generation' is not a slug (each tag becomes the site page /tags/<tag>/); hint: use "
        "lowercase letters and digits separated by single '-', at most 200 bytes, e.g. 'text-generation'\n"
        "t.yaml:5:5: tag '{{< youtube x >}}' is not a slug (each tag becomes the site page /tags/<tag>/); hint: use "
        "lowercase letters and digits separated by single '-', at most 200 bytes, e.g. 'youtube-x'\n");
  CHECK(Errors(Spec("tags: [text-generation, transformer, gpt-2]\n")).empty());
}

TEST_CASE("lint: a category must be plain words (it becomes /categories/<name>/)") {
  const std::string blog =
      "blog:\n  categories: [Language Models, \"../x\", Mixture of Experts, \"a/b\", Über-Modelle]\n";
  const std::string hint = "; hint: use letters, digits, spaces and '-' (like 'Language Models'), at most 200 bytes\n";
  CHECK(Errors(Spec("", blog)) ==
        "t.yaml:9:33: category '../x' is not a plain name (each category becomes the site page /categories/<name>/)" +
            hint +
            "t.yaml:9:61: category 'a/b' is not a plain name (each category becomes the site page "
            "/categories/<name>/)" +
            hint);
}

TEST_CASE("lint: a slug longer than file names allow is an error before anything is measured") {
  const std::string long_name(5000, 'a');
  const std::string text = "schema: 1\nname: " + long_name +
                           "\narchitecture:\n  family: decoder\n  config: {vocab_size: 256, context_length: 64}\n"
                           "  sizes:\n    small: {num_layers: 2, embedding_dim: 64, num_heads: 4}\n";
  CHECK(Errors(text) == "t.yaml:2:7: slug '" + std::string(40, 'a') +
                            "...' (derived from 'name') is 5000 bytes long; it names files such as cards/<slug>.md "
                            "and their temporary files, which must fit the file system's 255-byte limit, so a slug "
                            "holds at most 200 bytes; hint: add a shorter 'slug' key\n");
  // An explicit slug: the error is at the slug, and a short slug lets the long name through.
  CHECK(Errors(Spec("slug: " + std::string(201, 'b') + "\n")).find("t.yaml:3:7: slug 'bbbb") == 0);
  CHECK(Errors(Spec("slug: " + std::string(200, 'b') + "\n")).empty());
  const std::string named = "schema: 1\nname: " + long_name + "\nslug: short\n" + Spec("").substr(27);
  CHECK(Errors(named).empty());
}

TEST_CASE("lint: YAML nested past the parser's limit names the problem, the file and the position") {
  const std::string flow = "schema: 1\nname: x\nsummary: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  const std::string message =
      "YAML nesting is too deep: lists and maps nest beyond the parser's limit here; hint: a spec nests a few "
      "levels at most: look for brackets that never close or ever-deeper indentation\n";
  const std::string got = Errors(flow);
  CHECK(got.rfind("t.yaml:3:", 0) == 0);
  CHECK(got.find(": " + message) != std::string::npos);
  CHECK(got.find("bad file") == std::string::npos);
  std::string block = "schema: 1\nname: x\nsummary:\n";
  for (int i = 1; i <= 3000; ++i) block += std::string(i, ' ') + "a:\n";
  const std::string block_got = Errors(block);
  CHECK(block_got.find(message) != std::string::npos);
  CHECK(block_got.rfind("t.yaml:", 0) == 0);
  // The project file reads YAML the same way.
  project::ProjectParseResult project = project::ParseProjectText(
      "site: " + std::string(100000, '[') + std::string(100000, ']') + "\n", "modelcard.yaml");
  REQUIRE(!project.errors.empty());
  CHECK(project.errors.front().ToString().find("modelcard.yaml:1:") == 0);
  CHECK(project.errors.front().message ==
        "YAML nesting is too deep: lists and maps nest beyond the parser's limit here");
}

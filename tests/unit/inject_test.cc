// Inject mode (publish/inject): regions are found with their lines, malformed files are
// reported with exact "path:line:" messages, and every byte outside the regions survives.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "generator/publish/inject.h"

using publish::FindInjectRegions;
using publish::InjectRegion;
using publish::InjectRegions;

namespace {

// Content keyed by "slug section"; anything else is an unknown section.
publish::InjectContentFn FromMap(std::map<std::string, std::string> sections) {
  return [sections](const InjectRegion& r, std::string* markdown) {
    auto it = sections.find(r.slug + " " + r.section);
    if (it == sections.end())
      return engine::Status::NotFound("unknown section '" + r.section + "' of model '" + r.slug + "'");
    *markdown = it->second;
    return engine::Status::OK();
  };
}

// The message of FindInjectRegions on `text`, "" when it succeeds.
std::string FindError(const std::string& text) {
  std::vector<InjectRegion> regions;
  engine::Status s = FindInjectRegions(text, "README.md", &regions);
  return s.ok() ? "" : s.ToString();
}

std::string Inject(const std::string& text, const std::map<std::string, std::string>& sections) {
  std::string out;
  engine::Status s = InjectRegions(text, "README.md", FromMap(sections), &out);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

}  // namespace

TEST_CASE("inject: regions are found in order with their slug, section and lines") {
  const std::string text =
      "# My project\n"
      "<!-- BEGIN MODELCARD gpt2 parameters -->\n"
      "old\n"
      "<!-- END MODELCARD -->\n"
      "\n"
      "  \t<!--   BEGIN MODELCARD   llama   memory   -->  \n"
      "<!-- END MODELCARD -->\n";
  std::vector<InjectRegion> regions;
  REQUIRE(FindInjectRegions(text, "README.md", &regions).ok());
  REQUIRE(regions.size() == 2);
  CHECK(regions[0].slug == "gpt2");
  CHECK(regions[0].section == "parameters");
  CHECK(regions[0].begin_line == 2);
  CHECK(regions[0].end_line == 4);
  CHECK(regions[1].slug == "llama");
  CHECK(regions[1].section == "memory");
  CHECK(regions[1].begin_line == 6);
  CHECK(regions[1].end_line == 7);
}

TEST_CASE("inject: a marker that is not the whole line, or in another case, is plain text") {
  const std::string text =
      "See <!-- BEGIN MODELCARD gpt2 parameters --> inline.\n"
      "<!-- begin modelcard gpt2 parameters -->\n"
      "<!-- END MODELCARD --> trailing\n"
      "<!-- BEGINMODELCARD gpt2 parameters -->\n";
  std::vector<InjectRegion> regions;
  CHECK(FindInjectRegions(text, "README.md", &regions).ok());
  CHECK(regions.empty());
}

TEST_CASE("inject: a BEGIN without an END before the end of the file") {
  CHECK(FindError("intro\n\n<!-- BEGIN MODELCARD gpt2 parameters -->\nold\n") ==
        "invalid argument: README.md:3: no END MODELCARD for the BEGIN at line 3 "
        "(add <!-- END MODELCARD --> on its own line after the region)");
}

TEST_CASE("inject: a code fence left open inside a region hides its END, and the hint says so") {
  CHECK(FindError("<!-- BEGIN MODELCARD gpt2 parameters -->\n"
                  "```yaml\n"
                  "n_layer: 12\n"
                  "<!-- END MODELCARD -->\n") ==
        "invalid argument: README.md:1: no END MODELCARD for the BEGIN at line 1 "
        "(the code fence opened at line 2 is never closed, so markers after it are not recognised)");
}

TEST_CASE("inject: a BEGIN without an END before the next BEGIN (regions cannot nest)") {
  const std::string expected =
      "invalid argument: README.md:1: no END MODELCARD for the BEGIN at line 1 before the next "
      "BEGIN at line 3 (regions cannot nest; end each one with <!-- END MODELCARD -->)";
  // A forgotten END ...
  CHECK(FindError("<!-- BEGIN MODELCARD gpt2 parameters -->\n"
                  "old\n"
                  "<!-- BEGIN MODELCARD gpt2 memory -->\n"
                  "<!-- END MODELCARD -->\n") == expected);
  // ... and an attempt at nesting are the same mistake.
  CHECK(FindError("<!-- BEGIN MODELCARD gpt2 parameters -->\n"
                  "\n"
                  "<!-- BEGIN MODELCARD gpt2 memory -->\n"
                  "<!-- END MODELCARD -->\n"
                  "<!-- END MODELCARD -->\n") == expected);
}

TEST_CASE("inject: an END without a BEGIN") {
  const std::string expected =
      "invalid argument: README.md:2: END MODELCARD without a matching BEGIN (a region is "
      "<!-- BEGIN MODELCARD <slug> <section> --> ... <!-- END MODELCARD -->)";
  CHECK(FindError("text\n<!-- END MODELCARD -->\n") == expected);
  // A second END after a closed region.
  CHECK(FindError("<!-- BEGIN MODELCARD gpt2 parameters -->\n<!-- END MODELCARD -->\n"
                  "<!-- END MODELCARD -->\n") ==
        "invalid argument: README.md:3: END MODELCARD without a matching BEGIN (a region is "
        "<!-- BEGIN MODELCARD <slug> <section> --> ... <!-- END MODELCARD -->)");
}

TEST_CASE("inject: a malformed BEGIN names the expected syntax and what is wrong") {
  const std::string expected = "invalid argument: README.md:1: expected <!-- BEGIN MODELCARD <slug> <section> -->, got ";
  CHECK(FindError("<!-- BEGIN MODELCARD gpt2 -->\n<!-- END MODELCARD -->\n") ==
        expected + "'<!-- BEGIN MODELCARD gpt2 -->' (missing the section)");
  CHECK(FindError("  <!-- BEGIN MODELCARD -->\n") ==
        expected + "'<!-- BEGIN MODELCARD -->' (missing the slug and the section)");
  CHECK(FindError("<!-- BEGIN MODELCARD gpt2 parameters table -->\n") ==
        expected + "'<!-- BEGIN MODELCARD gpt2 parameters table -->' (extra words after the section)");
}

TEST_CASE("inject: a malformed END") {
  CHECK(FindError("<!-- BEGIN MODELCARD gpt2 parameters -->\n<!-- END MODELCARD gpt2 parameters -->\n") ==
        "invalid argument: README.md:2: expected <!-- END MODELCARD -->, got "
        "'<!-- END MODELCARD gpt2 parameters -->' (END takes no slug or section)");
}

TEST_CASE("inject: markers inside fenced code blocks are documentation, not regions") {
  const std::string text =
      "Put this in your README:\n"
      "\n"
      "```markdown\n"
      "<!-- BEGIN MODELCARD gpt2 parameters -->\n"
      "<!-- END MODELCARD -->\n"
      "```\n"
      "\n"
      "~~~~\n"
      "<!-- END MODELCARD -->\n"
      "~~~~ not a closing fence: text after it\n"
      "~~~\n"
      "still code: the opening fence had four tildes\n"
      "~~~~\n"
      "  - in a list:\n"
      "    ```\n"
      "    <!-- BEGIN MODELCARD -->\n"
      "    ```\n"
      "<!-- BEGIN MODELCARD gpt2 memory -->\n"
      "<!-- END MODELCARD -->\n";
  std::vector<InjectRegion> regions;
  engine::Status s = FindInjectRegions(text, "README.md", &regions);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  REQUIRE(regions.size() == 1);
  CHECK(regions[0].section == "memory");
  CHECK(regions[0].begin_line == 18);

  // The fenced example is left alone by InjectRegions too.
  const std::string out = Inject(text, {{"gpt2 memory", "| Memory | 1 GiB |\n"}});
  CHECK(out == text.substr(0, text.size() - std::string("<!-- END MODELCARD -->\n").size()) +
                   "| Memory | 1 GiB |\n<!-- END MODELCARD -->\n");
}

TEST_CASE("inject: content replaces the region; every other byte and the markers stay") {
  const std::string before =
      "# Project\n"
      "\n"
      "Hand-written intro.  \n"
      "<!-- BEGIN MODELCARD gpt2 parameters --> \n"
      "stale table\n"
      "stale line 2\n"
      "\t<!-- END MODELCARD -->\n"
      "Hand-written outro.\n";
  const std::string after =
      "# Project\n"
      "\n"
      "Hand-written intro.  \n"
      "<!-- BEGIN MODELCARD gpt2 parameters --> \n"
      "| Model | Parameters |\n"
      "| --- | ---: |\n"
      "| small | 124,439,808 |\n"
      "\t<!-- END MODELCARD -->\n"
      "Hand-written outro.\n";
  const std::map<std::string, std::string> sections = {
      {"gpt2 parameters", "| Model | Parameters |\n| --- | ---: |\n| small | 124,439,808 |\n"}};
  CHECK(Inject(before, sections) == after);
  // Idempotent: a second run changes nothing.
  CHECK(Inject(after, sections) == after);
}

TEST_CASE("inject: two regions, including the same section twice, are all filled") {
  const std::string text =
      "<!-- BEGIN MODELCARD gpt2 parameters -->\n"
      "<!-- END MODELCARD -->\n"
      "middle\n"
      "<!-- BEGIN MODELCARD llama memory -->\n"
      "x\n"
      "<!-- END MODELCARD -->\n"
      "<!-- BEGIN MODELCARD gpt2 parameters -->\n"
      "<!-- END MODELCARD -->\n";
  const std::string out = Inject(text, {{"gpt2 parameters", "P\n"}, {"llama memory", "M\n"}});
  CHECK(out ==
        "<!-- BEGIN MODELCARD gpt2 parameters -->\n"
        "P\n"
        "<!-- END MODELCARD -->\n"
        "middle\n"
        "<!-- BEGIN MODELCARD llama memory -->\n"
        "M\n"
        "<!-- END MODELCARD -->\n"
        "<!-- BEGIN MODELCARD gpt2 parameters -->\n"
        "P\n"
        "<!-- END MODELCARD -->\n");
}

TEST_CASE("inject: content without a final newline gets one; empty content leaves the markers adjacent") {
  const std::string text = "<!-- BEGIN MODELCARD gpt2 parameters -->\nold\n<!-- END MODELCARD -->\n";
  CHECK(Inject(text, {{"gpt2 parameters", "one line"}}) ==
        "<!-- BEGIN MODELCARD gpt2 parameters -->\none line\n<!-- END MODELCARD -->\n");
  CHECK(Inject(text, {{"gpt2 parameters", ""}}) ==
        "<!-- BEGIN MODELCARD gpt2 parameters -->\n<!-- END MODELCARD -->\n");
}

TEST_CASE("inject: a file without a final newline keeps it missing") {
  const std::string text = "intro\n<!-- BEGIN MODELCARD gpt2 parameters -->\nold\n<!-- END MODELCARD -->";
  const std::string expected = "intro\n<!-- BEGIN MODELCARD gpt2 parameters -->\nnew\n<!-- END MODELCARD -->";
  CHECK(Inject(text, {{"gpt2 parameters", "new\n"}}) == expected);
  CHECK(Inject(expected, {{"gpt2 parameters", "new\n"}}) == expected);

  const std::string trailing = "<!-- BEGIN MODELCARD gpt2 parameters -->\n<!-- END MODELCARD -->\nlast words";
  CHECK(Inject(trailing, {{"gpt2 parameters", "new"}}) ==
        "<!-- BEGIN MODELCARD gpt2 parameters -->\nnew\n<!-- END MODELCARD -->\nlast words");
}

TEST_CASE("inject: a CRLF file stays CRLF, the content included") {
  const std::string text =
      "# Project\r\n"
      "<!-- BEGIN MODELCARD gpt2 parameters -->\r\n"
      "old\r\n"
      "<!-- END MODELCARD -->\r\n"
      "outro\r\n";
  const std::string expected =
      "# Project\r\n"
      "<!-- BEGIN MODELCARD gpt2 parameters -->\r\n"
      "| a |\r\n"
      "| - |\r\n"
      "<!-- END MODELCARD -->\r\n"
      "outro\r\n";
  CHECK(Inject(text, {{"gpt2 parameters", "| a |\n| - |\n"}}) == expected);
  // Content that already has "\r\n" is not doubled, and a second run is byte-identical.
  CHECK(Inject(text, {{"gpt2 parameters", "| a |\r\n| - |"}}) == expected);
  CHECK(Inject(expected, {{"gpt2 parameters", "| a |\n| - |\n"}}) == expected);
}

TEST_CASE("inject: an error of the content callback gets the region's location and keeps its kind") {
  const std::string text = "x\n<!-- BEGIN MODELCARD gpt2 latency -->\n<!-- END MODELCARD -->\n";
  std::string out = "untouched";
  engine::Status s = InjectRegions(text, "README.md", FromMap({}), &out);
  CHECK(s.ToString() == "not found: README.md:2: unknown section 'latency' of model 'gpt2'");
  CHECK(out == "untouched");
}

TEST_CASE("inject: errors in the file leave the output untouched") {
  std::string out = "untouched";
  engine::Status s = InjectRegions("<!-- END MODELCARD -->\n", "README.md", FromMap({}), &out);
  CHECK_FALSE(s.ok());
  CHECK(out == "untouched");
}

TEST_CASE("inject: content that would break the file on the next run is refused") {
  const std::string text = "<!-- BEGIN MODELCARD gpt2 parameters -->\n<!-- END MODELCARD -->\n";
  std::string out = "untouched";
  engine::Status s = InjectRegions(text, "README.md",
                                   FromMap({{"gpt2 parameters", "a\n<!-- END MODELCARD -->\n"}}), &out);
  CHECK(s.ToString() ==
        "invalid argument: README.md:1: the content for gpt2 parameters has a MODELCARD marker on "
        "its line 2, which would break the region on the next run (show marker syntax inside a code fence)");
  s = InjectRegions(text, "README.md", FromMap({{"gpt2 parameters", "a\n```\ncode\n"}}), &out);
  CHECK(s.ToString() ==
        "invalid argument: README.md:1: the content for gpt2 parameters opens a code fence on its "
        "line 2 and never closes it, which would hide the END marker");
  CHECK(out == "untouched");

  // Marker syntax inside a closed fence is fine.
  const std::string fenced = "```\n<!-- END MODELCARD -->\n```\n";
  CHECK(Inject(text, {{"gpt2 parameters", fenced}}) ==
        "<!-- BEGIN MODELCARD gpt2 parameters -->\n" + fenced + "<!-- END MODELCARD -->\n");
}

TEST_CASE("inject: a file without regions comes back unchanged") {
  const std::string text = "# Just text\r\n\r\nno markers";
  CHECK(Inject(text, {}) == text);
  CHECK(Inject("", {}) == "");
}

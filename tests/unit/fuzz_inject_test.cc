// A bounded, seeded fuzz test of inject mode (issue 14, Deliver 8): files assembled from marker
// lines (good, malformed, with path-like sections), code fences, CRLF and LF endings, a BOM, a
// missing final newline and random bytes, injected with content that is sometimes hostile (a
// marker, an open fence, spec prose through EscapeProse, an error). Every input gives either an
// error "README.md:<line>: ..." or an output whose bytes outside the regions are the input's,
// with the same regions, that injecting again leaves unchanged. MODELCARD_FUZZ_SEED and
// MODELCARD_FUZZ_ITERATIONS change the run; a failure names the seed and the input's index.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "generator/publish/inject.h"
#include "generator/render/prose_escape.h"

namespace {

constexpr uint64_t kDefaultSeed = 20261205;
constexpr int64_t kDefaultIterations = 3000;

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

const std::vector<std::string> kLines = {
    "<!-- BEGIN MODELCARD gpt2 parameters -->",
    "<!-- BEGIN MODELCARD tiny benchmarks -->",
    "  <!--   BEGIN   MODELCARD   tiny   summary   -->\t",
    "<!-- END MODELCARD -->",
    "<!-- END MODELCARD extra -->",
    "<!-- BEGIN MODELCARD gpt2 ../model-specification -->",
    "<!-- BEGIN MODELCARD ../posts parameters -->",
    "<!-- BEGIN MODELCARD gpt2 -->",
    "<!-- begin modelcard gpt2 parameters -->",
    "text <!-- BEGIN MODELCARD gpt2 parameters -->",
    "```",
    "~~~~",
    "```bash",
    "    ```",
    "# Heading",
    "Hand-written text {{< youtube x >}} | a | b |",
    "",
    "\xef\xbb\xbf<!-- BEGIN MODELCARD gpt2 parameters -->",
};

// Region content by section; "benchmarks" of "gpt2" is an error, "summary" sometimes hostile.
std::string Content(const publish::InjectRegion& r, std::mt19937_64& rng, std::string* markdown) {
  if (r.slug == "gpt2" && r.section == "benchmarks") return "unknown section 'benchmarks' of model 'gpt2'";
  switch (rng() % 5) {
    case 0: *markdown = "| a | b |\n| --- | --- |\n| 1 | 2 |\n"; break;
    case 1: *markdown = ""; break;
    case 2: *markdown = render::EscapeProse("<!-- END MODELCARD -->\n```\n{{< x >}} # not a heading"); break;
    case 3: *markdown = "<!-- END MODELCARD -->\n"; break;  // refused: it would break the next run
    default: *markdown = "```\nan open fence\n"; break;     // refused: it would hide the END
  }
  return "";
}

// `text` with the lines strictly between each region's BEGIN and END removed.
std::string Outside(const std::string& text, const std::vector<publish::InjectRegion>& regions) {
  std::string out;
  int line = 1;
  size_t region = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    while (region < regions.size() && line >= regions[region].end_line) ++region;
    const bool inside = region < regions.size() && line > regions[region].begin_line && line < regions[region].end_line;
    if (!inside) out += text.substr(start, end - start);
    start = end;
    ++line;
  }
  return out;
}

}  // namespace

TEST_CASE("fuzz: inject gives a located error or keeps every byte outside its regions") {
  const uint64_t seed = EnvNumber("MODELCARD_FUZZ_SEED", kDefaultSeed);
  const int64_t iterations = static_cast<int64_t>(EnvNumber("MODELCARD_FUZZ_ITERATIONS", kDefaultIterations));
  MESSAGE("fuzz: seed " << seed << ", " << iterations << " inject files");
  int64_t injected = 0, refused = 0;
  for (int64_t i = 0; i < iterations; ++i) {
    std::mt19937_64 rng(seed * 1000003u + static_cast<uint64_t>(i));
    const bool crlf = rng() % 4 == 0;
    std::string text;
    const size_t lines = rng() % 14;
    for (size_t k = 0; k < lines; ++k) {
      std::string line = kLines[rng() % kLines.size()];
      if (rng() % 10 == 0) {  // a random byte somewhere
        const size_t at = line.empty() ? 0 : rng() % line.size();
        line.insert(line.begin() + static_cast<std::ptrdiff_t>(at), static_cast<char>(rng() % 256));
      }
      text += line;
      if (k + 1 < lines || rng() % 3 != 0) text += crlf ? "\r\n" : "\n";
    }
    const std::string label = "seed " + std::to_string(seed) + " input " + std::to_string(i);
    std::string out;
    std::mt19937_64 content_rng(static_cast<uint64_t>(i));
    const publish::InjectContentFn content = [&](const publish::InjectRegion& r, std::string* markdown) {
      const std::string error = Content(r, content_rng, markdown);
      return error.empty() ? engine::Status::OK() : engine::Status::NotFound(error);
    };
    try {
      const engine::Status s = publish::InjectRegions(text, "README.md", content, &out);
      if (!s.ok()) {
        ++refused;
        const std::string message = s.message();
        if (!std::regex_search(message, std::regex(R"(^README\.md:[0-9]+: .)")))
          FAIL_CHECK(label << ": an error without README.md:<line>: " << message);
        continue;
      }
      ++injected;
      std::vector<publish::InjectRegion> before, after;
      REQUIRE(publish::FindInjectRegions(text, "README.md", &before).ok());
      const engine::Status again = publish::FindInjectRegions(out, "README.md", &after);
      REQUIRE_MESSAGE(again.ok(), label << ": the injected file no longer parses: " << again.ToString());
      REQUIRE_MESSAGE(before.size() == after.size(), label);
      for (size_t k = 0; k < before.size(); ++k)
        CHECK_MESSAGE((before[k].slug == after[k].slug && before[k].section == after[k].section), label);
      CHECK_MESSAGE(Outside(text, before) == Outside(out, after), label << ": bytes outside the regions changed");
      std::string twice;
      std::mt19937_64 replay(static_cast<uint64_t>(i));
      const publish::InjectContentFn same = [&](const publish::InjectRegion& r, std::string* markdown) {
        const std::string error = Content(r, replay, markdown);
        return error.empty() ? engine::Status::OK() : engine::Status::NotFound(error);
      };
      REQUIRE(publish::InjectRegions(out, "README.md", same, &twice).ok());
      CHECK_MESSAGE(twice == out, label << ": injecting the same content again changed the file");
    } catch (const std::exception& e) {
      FAIL_CHECK(label << ": exception escaped: " << e.what());
    }
  }
  MESSAGE("fuzz: " << injected << " injected, " << refused << " refused with a located error");
  CHECK(injected > iterations / 10);
  CHECK(refused > iterations / 10);
}

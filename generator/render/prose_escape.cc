// EscapeProse, CodeText, LinkDestination, LinkTitle, EscapedSpec (see prose_escape.h).
#include "generator/render/prose_escape.h"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace render {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The paragraphs of `text`: runs of lines separated by blank lines, each with its line breaks
// and white-space runs turned into single spaces and its ends trimmed.
std::vector<std::string> Paragraphs(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  bool pending_space = false;
  size_t newlines = 0;  // newlines since the last non-space character
  auto flush = [&] {
    if (!current.empty()) out.push_back(current);
    current.clear();
    pending_space = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;  // CRLF = one break
    if (c == '\n' || c == '\r') {
      if (++newlines >= 2) flush();
      pending_space = !current.empty();
      continue;
    }
    if (IsSpace(c)) {
      pending_space = !current.empty();
      continue;
    }
    if (pending_space) current += ' ';
    pending_space = false;
    newlines = 0;
    current += c;
  }
  flush();
  return out;
}

bool EntityStart(const std::string& text, size_t i) {
  // "&name;" / "&#123;" / "&#x1F;": escape every '&' followed by a letter or '#' (cheap and safe).
  return i + 1 < text.size() && (std::isalpha(static_cast<unsigned char>(text[i + 1])) || text[i + 1] == '#');
}

// The end of the bare URL (http://, https://, www.) starting at `i` of `p`, as GFM's autolink
// extension delimits it (up to white space or '<', less trailing punctuation); `i` when none starts.
size_t UrlEnd(const std::string& p, size_t i) {
  if (i > 0 && std::isalnum(static_cast<unsigned char>(p[i - 1]))) return i;
  size_t scheme = 0;
  for (const char* prefix : {"https://", "http://", "www."})
    if (p.compare(i, std::strlen(prefix), prefix) == 0) scheme = std::strlen(prefix);
  if (scheme == 0) return i;
  size_t end = i;
  while (end < p.size() && !IsSpace(p[end]) && p[end] != '<') ++end;
  while (end > i + scheme && std::string("?!.,:*_~'\")").find(p[end - 1]) != std::string::npos) --end;
  return end > i + scheme ? end : i;
}

std::string EscapeParagraph(const std::string& p) {
  std::string out;
  out.reserve(p.size() + p.size() / 8);
  // Block markers only count at the start of a line (a paragraph here is one line) and only as
  // CommonMark delimits them, so "37.50" or "-0.5" stay as written: an ATX heading (1-6 '#' then
  // a space or the end), a list item ('-' or '+' then a space or the end, "1." / "1)" likewise),
  // a thematic break or setext underline (a line of '-' or '=' and spaces).
  size_t start = 0;
  auto ends_marker = [&](size_t at) { return at >= p.size() || p[at] == ' ' || p[at] == '\t'; };
  size_t hashes = 0;
  while (hashes < p.size() && p[hashes] == '#') ++hashes;
  size_t digits = 0;
  while (digits < p.size() && std::isdigit(static_cast<unsigned char>(p[digits]))) ++digits;
  const bool rule = !p.empty() && (p[0] == '-' || p[0] == '=') &&
                    p.find_first_not_of(std::string(1, p[0]) + " \t") == std::string::npos;
  if ((hashes >= 1 && hashes <= 6 && ends_marker(hashes)) || rule ||
      (!p.empty() && (p[0] == '-' || p[0] == '+') && ends_marker(1))) {
    out += '\\';
    out += p[0];
    start = 1;
  } else if (digits > 0 && digits <= 9 && digits < p.size() && (p[digits] == '.' || p[digits] == ')') &&
             ends_marker(digits + 1)) {
    out += p.substr(0, digits) + '\\' + p[digits];
    start = digits + 1;
  }
  for (size_t i = start; i < p.size(); ++i) {
    if (const size_t url_end = UrlEnd(p, i); url_end > i) {
      // GFM autolinks a bare URL from the raw source, backslashes included: inside one only the
      // characters that could open a code span, link, shortcode or table cell are escaped.
      for (; i < url_end; ++i) {
        if (std::string("\\`[]{}|").find(p[i]) != std::string::npos) out += '\\';
        out += p[i];
      }
      // Its trailing punctuation stays raw too: escaped, the backslash would join the link.
      // (Raw it is at most a lone emphasis delimiter with nothing to pair with.)
      while (i < p.size() && std::string("?!.,:*_~'\")").find(p[i]) != std::string::npos) out += p[i++];
      --i;
      continue;
    }
    const char c = p[i];
    switch (c) {
      // Both brackets: an unescaped '[' could still pair with a template's own "](...)".
      case '\\':
      case '`':
      case '*':
      case '[':
      case ']':
      case '<':
      case '>':
      case '{':
      case '}':
      case '|':
      case '~': out += '\\'; break;
      case '_':  // between two letters or digits an underscore opens or closes nothing
        if (!(i > 0 && i + 1 < p.size() && std::isalnum(static_cast<unsigned char>(p[i - 1])) &&
              std::isalnum(static_cast<unsigned char>(p[i + 1]))))
          out += '\\';
        break;
      case '&':
        if (EntityStart(p, i)) out += '\\';
        break;
      default: break;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string EscapeProse(const std::string& text, bool keep_paragraphs) {
  std::string out;
  for (const std::string& p : Paragraphs(text)) {
    if (!out.empty()) out += keep_paragraphs ? "\n\n" : " ";
    out += EscapeParagraph(p);
  }
  return out;
}

std::string CodeText(const std::string& text) {
  std::string out;
  for (const std::string& p : Paragraphs(text)) {
    if (!out.empty()) out += ' ';
    out += p;
  }
  for (char& c : out)
    if (c == '`') c = '\'';
  for (size_t at = out.find("{{"); at != std::string::npos; at = out.find("{{", at + 2)) out.insert(at + 1, " ");
  return out;
}

std::string LinkDestination(const std::string& url) {
  static const std::string kBreaking = " ()<>\"`\\[]{}|";
  std::string out;
  for (char c : url) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || kBreaking.find(c) != std::string::npos) {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", u);
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

std::string LinkTitle(const std::string& text) {
  std::string out;
  for (const std::string& p : Paragraphs(text)) {
    if (!out.empty()) out += ' ';
    for (char c : p) {
      if (c == '"' || c == '\\' || c == '{' || c == '}') out += '\\';
      out += c;
    }
  }
  return out;
}

spec::Spec EscapedSpec(const spec::Spec& s) {
  spec::Spec e = s;
  auto esc = [](std::string* text) { *text = EscapeProse(*text); };
  auto esc_all = [&](std::vector<std::string>* list) {
    for (auto& text : *list) esc(&text);
  };
  auto ref = [&](spec::Reference* r) {
    esc(&r->title);
    esc(&r->authors);
    r->url = LinkDestination(r->url);
  };
  esc(&e.name);
  esc(&e.tagline);
  esc(&e.summary);
  esc(&e.license);
  for (auto& m : e.inputs) esc(&m.modality), esc(&m.format), esc_all(&m.processing), esc(&m.dimensions);
  for (auto& m : e.outputs) esc(&m.modality), esc(&m.format), esc_all(&m.processing), esc(&m.dimensions);
  spec::Architecture& a = e.architecture;
  esc(&a.base);
  esc_all(&a.key_components);
  for (auto& r : a.references) ref(&r);
  for (auto& v : a.variants) esc(&v.name), esc(&v.modifications), esc(&v.use_cases);
  for (auto& b : a.advantages) esc(&b.title), esc(&b.description);
  esc_all(&a.use_cases);
  spec::Training& t = e.training;
  esc_all(&t.datasets);
  esc_all(&t.preprocessing);
  for (auto& h : t.hyperparameters) esc(&h.value);
  esc(&t.hardware);
  esc(&t.framework);
  esc(&t.distributed);
  for (auto* metrics : {&e.evaluation.primary, &e.evaluation.secondary})
    for (auto& m : *metrics) esc(&m.metric), esc(&m.dataset), esc(&m.value), esc(&m.source);
  for (auto& d : e.evaluation.measure) esc(&d.name);
  spec::Deployment& d = e.deployment;
  esc_all(&d.techniques);
  esc_all(&d.platforms);
  esc(&d.horizontal_scaling);
  esc(&d.vertical_scaling);
  spec::Maintenance& m = e.maintenance;
  esc(&m.repository);  // free text (a URL or a description); a URL still autolinks
  esc(&m.version);
  esc(&m.version_tagging);
  esc(&m.scheduled_updates);
  esc(&m.bug_fixes);
  esc(&m.documentation);
  spec::Blog& b = e.blog;
  esc(&b.author);
  esc(&b.description);
  for (std::string* long_form : {&b.introduction, &b.background, &b.prior_work, &b.conclusion})
    *long_form = EscapeProse(*long_form, /*keep_paragraphs=*/true);
  esc_all(&b.innovations);
  esc_all(&b.applications);
  esc_all(&b.limitations);
  esc_all(&b.future_work);
  for (auto& r : b.further_reading) ref(&r);
  return e;
}

}  // namespace render

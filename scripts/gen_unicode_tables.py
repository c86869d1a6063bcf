#!/usr/bin/env python3
"""Writes generator/text/unicode_tables.inc: the Unicode character classes GPT-2's pre-tokenizer regex
uses, as sorted tables of inclusive code point ranges {first, last}.

    pip install unicodedata2==16.0.0                 # the Unicode version tokenizers 0.23 uses
    python3 scripts/gen_unicode_tables.py            # regenerate the tables
    python3 scripts/gen_unicode_tables.py --check    # also compare them with the `tokenizers` library

The classes, as the regex engines of Rust's `tokenizers` (onig) and Python's `regex` define them:
  kLetterRanges      \\p{L}  general category Lu, Ll, Lt, Lm or Lo
  kNumberRanges      \\p{N}  general category Nd, Nl or No
  kWhiteSpaceRanges  \\s     the Unicode White_Space property (PropList.txt)
Everything else (marks, punctuation, symbols, separators that are not White_Space, controls,
unassigned code points) is "other", [^\\s\\p{L}\\p{N}].

The general categories come from `unicodedata2` when it is installed, else from the running Python's
`unicodedata` (Python 3.11: Unicode 14.0.0); the output's header comment names the module and the
Unicode version. tokenizers 0.23's regex engine carries Unicode 16.0.0 (`--check` finds 9392 code
points that Unicode 14.0 leaves unassigned and it classifies as letters or numbers, none with
unicodedata2 16.0.0, 4657 the other way with 17.0.0), so the committed tables are Unicode 16.0.0.
Python's unicodedata has no White_Space property; str.isspace() is White_Space plus U+001C..U+001F
(bidirectional class B/S), so the script takes isspace() minus those four and checks the result
against White_Space as PropList.txt lists it (unchanged since Unicode 6.3).

--check (needs `pip install tokenizers`; a minute) runs every code point through the `tokenizers`
ByteLevel pre-tokenizer and reports every code point the two classify differently (exit 1 if any).
"""
import argparse
import pathlib
import sys

try:  # the Unicode database of the tokenizers library's regex engine is newer than Python 3.11's
    import unicodedata2 as unicodedata
except ImportError:
    import unicodedata

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "generator" / "text" / "unicode_tables.inc"
MAX_CP = 0x10FFFF

# White_Space from PropList.txt (unchanged since Unicode 6.3, which dropped U+180E).
PROPLIST_WHITE_SPACE = {*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028,
                        0x2029, 0x202F, 0x205F, 0x3000}


def classes():
    letters, numbers = set(), set()
    for cp in range(MAX_CP + 1):
        cat = unicodedata.category(chr(cp))
        if cat[0] == "L":
            letters.add(cp)
        elif cat[0] == "N":
            numbers.add(cp)
    space = {cp for cp in range(MAX_CP + 1) if chr(cp).isspace()} - set(range(0x1C, 0x20))
    if space != PROPLIST_WHITE_SPACE:
        sys.exit(f"isspace() minus U+001C..U+001F is not White_Space: "
                 f"{sorted(map(hex, space ^ PROPLIST_WHITE_SPACE))}")
    return letters, numbers, space


def ranges(cps):
    out = []
    for cp in sorted(cps):
        if out and out[-1][1] + 1 == cp:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def table(name, comment, cps):
    rs = ranges(cps)
    lines = [f"// {comment}: {len(rs)} ranges, {len(cps)} code points.",
             f"static constexpr CodePointRange {name}[] = {{"]
    row = []
    for first, last in rs:
        row.append(f"{{0x{first:04X}, 0x{last:04X}}},")
        if len(row) == 5:
            lines.append("    " + " ".join(row))
            row = []
    if row:
        lines.append("    " + " ".join(row))
    lines.append("};")
    return "\n".join(lines)


def check(letters, numbers, space):
    """Classifies each code point with the tokenizers ByteLevel pre-tokenizer and compares."""
    from tokenizers import pre_tokenizers
    split = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True).pre_tokenize_str

    def pieces(text):
        return len(split(text))

    diffs = []
    for cp in range(MAX_CP + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue  # surrogates: not in any valid UTF-8 text
        c = chr(cp)
        if pieces("x" + c) == 1:      # joins a letter run
            theirs = "L"
        elif pieces("1" + c) == 1:    # joins a number run
            theirs = "N"
        elif pieces("!" + c) == 1:    # joins an "other" run
            theirs = "O"
        else:
            theirs = "S"              # whitespace: splits from all three
        ours = "L" if cp in letters else "N" if cp in numbers else "S" if cp in space else "O"
        if ours != theirs:
            diffs.append((cp, ours, theirs, unicodedata.category(c)))
    for cp, ours, theirs, cat in diffs:
        print(f"  U+{cp:04X} ({cat}): tables {ours}, tokenizers {theirs}")
    print(f"--check: {len(diffs)} code points classified differently from tokenizers")
    return not diffs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the tokenizers library")
    args = parser.parse_args()
    letters, numbers, space = classes()
    python = ".".join(map(str, sys.version_info[:3]))
    text = "\n".join([
        f"// Generated by scripts/gen_unicode_tables.py (Python {python}, module {unicodedata.__name__}):",
        f"// Unicode {unicodedata.unidata_version}. Do not edit; regenerate with:",
        "//     pip install unicodedata2==16.0.0 && python3 scripts/gen_unicode_tables.py --check",
        "// The character classes of GPT-2's pre-tokenizer regex, each a sorted array of disjoint,",
        "// non-adjacent inclusive code point ranges {first, last}. Included by bpe_tokenizer.cc,",
        "// which defines CodePointRange.",
        "",
        table("kLetterRanges", "\\p{L}: general category Lu, Ll, Lt, Lm, Lo", letters),
        "",
        table("kNumberRanges", "\\p{N}: general category Nd, Nl, No", numbers),
        "",
        table("kWhiteSpaceRanges", "\\s: the White_Space property", space),
        "",
    ])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)} ({len(text)} bytes, Unicode {unicodedata.unidata_version})")
    if args.check and not check(letters, numbers, space):
        sys.exit(1)


if __name__ == "__main__":
    main()

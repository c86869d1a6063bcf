#!/usr/bin/env python3
"""Writes the byte-level BPE fixture that tests/unit/bpe_tokenizer_test.cc loads.

For developers only (the product never runs Python). Needs tokenizers and transformers:
    pip install tokenizers transformers
    python tests/data/hf_reference/make_tokenizer_fixture.py

Trains a small byte-level BPE (tokenizers' ByteLevelBPETokenizer, the GPT-2 scheme) on the fixed
TRAINING_TEXT below and saves it as tests/data/hf_reference/bpe/{vocab.json, merges.txt}, the two
files GPT-2/RoBERTa/Qwen checkpoints ship. Then writes
  bpe/sample.txt       a few KB of other text (an end-to-end perplexity test tokenizes it)
  bpe/reference.json   "texts": TEXTS (none of them in the training text: edge cases and scripts
                       the training text has little of), for each the ids that
                       transformers.GPT2TokenizerFast(vocab.json, merges.txt) gives ("ids") and the
                       pieces its ByteLevel pre-tokenizer splits the text into ("pieces");
                       "sample_ids": the ids of sample.txt.
Every id list is checked against tokenizers' own Tokenizer (BPE model + ByteLevel pre-tokenizer)
before it is written, and the decoded ids against the text. Training is deterministic: running the
script again writes the same files.
"""
import json
import pathlib

import tokenizers
import transformers
from tokenizers import ByteLevelBPETokenizer, Tokenizer, decoders, models, pre_tokenizers
from transformers import GPT2TokenizerFast

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "bpe"
VOCAB_SIZE = 480  # 256 byte tokens + <|endoftext|> + 223 merges
SPECIAL = "<|endoftext|>"

TRAINING_TEXT = """\
The quick brown fox jumps over the lazy dog. The dog doesn't care; it's sleeping in the sun.
We're going to the market tomorrow, and they'll bring the bread. I've seen it, you'd like it.
She said: "It's the best thing I've ever tasted!" He replied, 'Well, I'm not so sure...'
In 1969, humans walked on the moon. By 2024, over 8,000,000,000 people lived on Earth.
The temperature was 23.5 degrees; the price was $4.99 (or 4,99 EUR) - a 12% discount.
Call 555-0123 or write to info@example.com before 10:30 a.m. on 2024-03-15.

def tokenize(text, vocab):
    # Split the text into words and look each one up.
    words = text.split()
    ids = [vocab.get(word, 0) for word in words]
    return ids


for i in range(10):
    if i % 2 == 0:
        print(f"even: {i}")
    else:
        print("odd:", i)

int main(int argc, char** argv) {
\tstd::vector<int> values = {1, 2, 3, 4, 5};
\tfor (int v : values) { total += v * 2; }
\treturn total > 10 ? 0 : 1;
}

Multiple   spaces   between   words,  and  tabs\tbetween\tthem.
Lines end here.

And a blank line above; trailing spaces at the end of this line.   
Numbers: 0 1 2 3 4 5 6 7 8 9 10 11 12 100 1000 3.14159 2.71828 1e-5 0x1F.
Punctuation!!! Questions??? Ellipses... Dashes -- and --- and (parentheses) [brackets] {braces}.
Caf\u00e9, na\u00efve, r\u00e9sum\u00e9, fa\u00e7ade, \u00fcber, se\u00f1or, Stra\u00dfe, \u00e9l\u00e8ve, co\u00f6perate.
\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac: \u03b1\u03b2\u03b3 \u03b4\u03b5\u03b6, \u03ba\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1.
\u65e5\u672c\u8a9e\u306e\u6587\u7ae0\u3068\u4e2d\u6587\u7684\u53e5\u5b50\u3002
Emoji: \U0001F600 \U0001F389 \U0001F44D and hearts \u2764\ufe0f.
The committee reviewed the proposal, and the members agreed that the project should continue.
Their report explained how the system works, why it matters, and what should happen next.
It's not what they're saying; it's what they'll do that counts. Don't stop, won't stop.
The students read the chapter, then they answered the questions at the end of the section.
Every morning the baker opens the shop at six and the first customers arrive soon after.
Programming languages such as Python, C++, Rust and Go each have their own strengths.
The function returns the number of tokens, and the caller checks that the number is positive.
When the train arrived, the passengers stepped onto the platform and walked toward the exit.
Researchers measured the results again and again until the numbers matched the prediction.
"""

TEXTS = [
    "",
    " ",
    "   ",
    "\n",
    "\n\n",
    "\t",
    "\r\n",
    "hello",
    "Hello world",
    "hello   ",
    "  leading spaces",
    "trailing space ",
    "a  b   c    d",
    "tab\tseparated\tvalues",
    "  \t \n  x",
    "line one\nline two\n\nline four\n",
    "1234567890",
    "3.14159 and 2,718,281 and 1e-10",
    "Version 2.0.1 was released on 2025-01-31.",
    "I'm sure you're right, they'll see it's fine; we've done what he'd do, can't we?",
    "IT'S LOUD, WE'RE HERE",  # upper case: not contractions
    "'s 't 're 've 'm 'll 'd",
    "rock'n'roll",
    "He said 'sup' and left.",
    "!!!???...",
    "(parenthesized) [bracketed] {braced} <angled>",
    "x = f(a, b) * 2  # comment",
    "def add(x, y):\n    return x + y\n",
    "na\u00efve caf\u00e9 r\u00e9sum\u00e9",
    "e\u0301l\u00e8ve",  # a combining acute accent (Mn): not a letter
    "\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1 \u03ba\u03cc\u03c3\u03bc\u03b5",
    "\u4f60\u597d\uff0c\u4e16\u754c\uff01",
    "\u0645\u0631\u062d\u0628\u0627 \u0665\u0666\u0667",  # Arabic letters, Arabic-Indic digits
    "\u0928\u092e\u0938\u094d\u0924\u0947",  # Devanagari with combining signs
    "\U0001F44D\U0001F3FD \U0001F389\U0001F389 \U0001F468\u200D\U0001F469\u200D\U0001F467",
    "\u2167 \u00bd x\u00b2 \u2460",  # Nl, No, No, No
    "a\u00a0b\u2003c\u3000d",  # no-break, em and ideographic spaces: White_Space
    "a\u200bb\u2060c",  # zero-width space and word joiner: not White_Space
    "a\x1cb\x1fc",  # information separators: Python's isspace(), not White_Space
    "a\u0085b\u2028c\u2029d",  # NEL, line and paragraph separators
    "supercalifragilisticexpialidocious" * 4,
    "the the the the the the the the",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "    indented code\n        more indented\n",
    "mixed  \n  \n\n   whitespace \t\t end  ",
    "\u0000nul and \u007fdel",
]

SAMPLE_TEXT = """\
A Short Walk Through Tokenization

Before a language model can read a sentence, the text has to be cut into tokens. A tokenizer
decides where the cuts go. Early systems split on spaces and punctuation, but that leaves the
model helpless when it meets a word it has never seen. Byte-level BPE avoids the problem: it
starts from the 256 possible bytes, so every string can be written down, and then it learns
which neighbouring pieces appear together often enough to deserve a token of their own.

Training is simple to describe. Count every adjacent pair of symbols in the corpus, merge the
most frequent pair into a new symbol, and repeat until the vocabulary is large enough. The order
of the merges matters: when the tokenizer later encodes new text, it applies the earliest merge
first, then the next, exactly as they were learned. Two tokenizers with the same vocabulary but a
different merge order can produce different ids for the same sentence.

Here is what that looks like in practice. The phrase "the cat sat on the mat" might become six
tokens, one per word, because each word is common. A rarer word such as "tokenization" might be
split into "token" and "ization", and a made-up word like "blorptastic" into several short
fragments. Numbers are split too: 2024 could be one token or two, and 3.14159 is usually several.

Whitespace deserves a note of its own. GPT-2's pre-tokenizer keeps a single leading space
attached to the word that follows it, so " cat" and "cat" are different tokens. Runs of spaces,
tabs and newlines are kept as well; nothing is thrown away, which is why decoding the ids gives
back the exact original text, byte for byte.

    for token in tokens:
        if token.startswith(" "):
            words += 1
        print(token, end="|")

People often ask why models struggle with arithmetic or spelling. Part of the answer is the
tokenizer: the model never sees the letters of "strawberry" one by one, only the pieces the
merges produced. It has to learn, from examples alone, that the pieces "str", "aw" and "berry"
spell a fruit with three r's. We're still learning how much this matters, and they'll keep
arguing about it for a while; it's a good question, and I'd like to see it settled.

Other languages get the same treatment. French text such as "le caf\u00e9 est tr\u00e8s bon"
and German "Gr\u00fc\u00dfe aus K\u00f6ln" are split into bytes wherever the merges do not
reach, Greek "\u03ba\u03b1\u03bb\u03ae \u03bc\u03ad\u03c1\u03b1" and Chinese
"\u8c22\u8c22\u4f60" even more so, since each of their characters takes two or three bytes.
An emoji like \U0001F642 takes four. A tokenizer trained mostly on English therefore spends
more tokens on these scripts, which makes the same sentence longer, and slower, to process.

Finally, a few odd cases: a line with trailing spaces,   
an empty line,

and a line that ends without a newline"""


def reference_tokenizer(vocab_path, merges_path):
    """tokenizers' own pipeline for the two files: BPE model and ByteLevel pre-tokenizer/decoder."""
    tok = Tokenizer(models.BPE.from_file(str(vocab_path), str(merges_path)))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    return tok


def encode(hf, pretrained, raw, text):
    ids = hf(text, add_special_tokens=False)["input_ids"]
    assert hf.encode(text) == ids, f"GPT2TokenizerFast adds special tokens to {text!r}"
    assert pretrained(text, add_special_tokens=False)["input_ids"] == ids, f"from_pretrained differs on {text!r}"
    assert raw.encode(text).ids == ids, f"tokenizers and transformers disagree on {text!r}"
    assert hf.decode(ids) == text, f"decoding does not give back {text!r}"
    return ids


def main():
    for text in TEXTS + [SAMPLE_TEXT]:
        assert text not in TRAINING_TEXT or text in ("", " ", "   ", "\n", "\n\n", "\t"), text
        assert SPECIAL not in text
    OUT.mkdir(parents=True, exist_ok=True)
    bpe = ByteLevelBPETokenizer(add_prefix_space=False)
    bpe.train_from_iterator([TRAINING_TEXT], vocab_size=VOCAB_SIZE, min_frequency=2, show_progress=False,
                            special_tokens=[SPECIAL])
    bpe.save_model(str(OUT))
    vocab_path, merges_path = OUT / "vocab.json", OUT / "merges.txt"
    (OUT / "sample.txt").write_text(SAMPLE_TEXT, encoding="utf-8")

    # Positional: transformers 5 reads the two files only so (vocab_file=... builds an empty vocabulary).
    hf = GPT2TokenizerFast(str(vocab_path), str(merges_path))
    pretrained = GPT2TokenizerFast.from_pretrained(str(OUT))  # what a checkpoint directory gives
    raw = reference_tokenizer(vocab_path, merges_path)
    split = pre_tokenizers.ByteLevel(add_prefix_space=False).pre_tokenize_str
    vocab = json.loads(vocab_path.read_text(encoding="utf-8"))
    assert hf.vocab_size == len(vocab) == max(vocab.values()) + 1, (hf.vocab_size, len(vocab))
    cases = []
    for text in TEXTS:
        pieces = [text[a:b] for _, (a, b) in split(text)]
        assert "".join(pieces) == text
        cases.append({"text": text, "ids": encode(hf, pretrained, raw, text), "pieces": pieces})
    sample_ids = encode(hf, pretrained, raw, SAMPLE_TEXT)
    reference = {
        "tokenizer": "transformers.GPT2TokenizerFast(vocab.json, merges.txt), add_special_tokens=False",
        "transformers": transformers.__version__,
        "tokenizers": tokenizers.__version__,
        "vocab_size": max(vocab.values()) + 1,
        "num_merges": sum(1 for line in merges_path.read_text(encoding="utf-8").splitlines()
                          if not line.startswith("#version")),
        "texts": cases,
        "sample_file": "sample.txt",
        "sample_ids": sample_ids,
    }
    (OUT / "reference.json").write_text(json.dumps(reference, ensure_ascii=False, indent=None,
                                                   separators=(",", ":")) + "\n", encoding="utf-8")
    total = 0
    for f in sorted(OUT.iterdir()):
        total += f.stat().st_size
        print(f"wrote {f.relative_to(HERE.parent.parent.parent)} ({f.stat().st_size} bytes)")
    print(f"  vocab {reference['vocab_size']}, {reference['num_merges']} merges, {len(cases)} texts, "
          f"sample.txt {len(SAMPLE_TEXT.encode())} bytes -> {len(sample_ids)} tokens; {total} bytes in all")
    assert total < 100_000, "keep tests/data/hf_reference/bpe under 100 KB"


if __name__ == "__main__":
    main()

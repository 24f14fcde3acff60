"""Character-level helpers the whole reader shares: folding, brackets, words, "head: rest".

Everything here keeps positions valid: `fold` maps one character to one character and
`blank_out` replaces spans with as many spaces, so a span found in the folded or blanked text
still points at the same characters of the line as written.
"""

from __future__ import annotations

import re
import unicodedata

_FOLD_CACHE: dict[str, str] = {}


def fold(text: str) -> str:
    """Lowercase and drop accents, one character for one character (so spans stay valid)."""
    if text.isascii():  # most lines: str.lower is what the loop below does to ASCII, in C
        return text.lower()
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch.lower())
            continue
        folded = _FOLD_CACHE.get(ch)
        if folded is None:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            base = base if len(base) == 1 else ch
            low = base.lower()
            folded = low if len(low) == 1 else base
            folded = "'" if folded in "\u2019\u2018\u02bc" else folded
            _FOLD_CACHE[ch] = folded
        out.append(folded)
    return "".join(out)


def wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


def parse_number(text: str) -> float:
    return float(text.replace(",", "."))


def top_groups(text: str) -> list[tuple[int, int]]:
    """Spans of top-level (...) and [...] groups; unbalanced brackets are left as text."""
    groups: list[tuple[int, int]] = []
    if "(" not in text and "[" not in text:  # most lines: no opener, no group (skip the char loop)
        return groups
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch in "([":
            stack.append((ch, i))
        elif ch in ")]":
            want = "(" if ch == ")" else "["
            if stack and stack[-1][0] == want:
                _, start = stack.pop()
                if not stack:
                    groups.append((start, i + 1))
            elif stack:
                stack.clear()  # a stray closer: give up on the open groups rather than guess
    return groups


def blank_out(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:  # most calls: nothing to blank, no copy
        return text
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


_WORD_RE = re.compile(r"[^\W\d_]+")  # compiled once: words_in runs several times per line


def words_in(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def split_colon(text: str) -> tuple[str, str | None]:
    """Split "head: rest" at the first colon outside brackets (a URL's "https:" does not count)."""
    if ":" not in text:  # most lines (a 10,000-id critical path among them): skip the char loop
        return text, None
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == ":" and depth == 0 and text[i + 1 : i + 3] != "//":
            return text[:i], text[i + 1 :]
    return text, None

"""A cleaned record keeps every byte but those of its new text.

`cleaner corpus` once wrote a changed record by serializing it again: ``1e400`` and
``NaN`` became ``null``, 20-digit decimals were rounded, duplicate keys collapsed, the
BOM and the ``\\r`` of ``\\r\\n`` vanished. The new text is now spliced into the line.
Each case below is one line whose text loses its ``Advertisement`` line; the output must
be that line with exactly that change, through every way records are read and written.
"""

from __future__ import annotations

import gzip
import json
import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cleaner.jsonsplice import replace_string_field, value_span
from tests.hostile.support import run_cleaner

OLD = b'"Body.\\nAdvertisement\\n"'
NEW = b'"Body.\\n"'

# Each line holds OLD once, as the value of the top-level "text" that parsers keep.
LINES = {
    "the-issue": b'{"text":%s,"x":1e400,"n":NaN,"lat":51.50735091234567891234}',
    "infinities": b'{"a":Infinity,"text":%s,"b":-Infinity,"c":-0.0,"d":1E+2,"e":1.0}',
    "big-numbers": b'{"i":123456789012345678901234567890,"text":%s,"f":0.12345678901234567890}',
    "duplicate-keys": b'{"a":1,"text":"first, kept as it is","a":2,"text":%s}',
    "spacing-and-order": b'{ "z" : [ 1 , 2 ] ,\t"text" : %s , "a" : { } }',
    "escaped-key": b'{"te\\u0078t":%s,"t":"\\u00e9\\ud83d\\ude00"}',
    "nested-look-alikes": b'{"meta":{"text":"x","q":["]","{","\\"text\\":"]},"text":%s,"s":"\\udce9"}',
    "trailing-spaces": b'  {"text":%s}  ',
}
UNCHANGED = b'{"text":"Nothing to strip.\\n","x":1e400,"d":1,"d":2}'


def corpus_bytes(crlf: bool, bom: bool) -> tuple[bytes, bytes]:
    """The input file of all cases and the expected output, one unchanged record between each."""
    end = b"\r\n" if crlf else b"\n"
    source, expected = [], []
    for line in LINES.values():
        source += [line % OLD, UNCHANGED]
        expected += [line % NEW, UNCHANGED]
    prefix = b"\xef\xbb\xbf" if bom else b""
    return prefix + end.join(source) + end, prefix + end.join(expected) + end


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
@pytest.mark.parametrize("bom", [False, True], ids=["no-bom", "bom"])
@pytest.mark.parametrize("workers", ["1", "2"])
def test_corpus_changes_only_the_text_of_a_record(tmp_path, crlf, bom, workers):
    source, expected = corpus_bytes(crlf, bom)
    (tmp_path / "in.jsonl").write_bytes(source)
    run = run_cleaner(["corpus", "in.jsonl", "-o", "out.jsonl", "--workers", workers], tmp_path)
    assert run.code == 0, run.stderr
    assert (tmp_path / "out.jsonl").read_bytes() == expected


def test_streams_and_compressed_outputs_keep_the_bytes_too(tmp_path):
    source, expected = corpus_bytes(crlf=True, bom=True)
    piped = run_cleaner(["corpus", "-", "-o", "-", "--workers", "1"], tmp_path, stdin=source)
    assert piped.code == 0, piped.stderr
    assert piped.stdout.encode() == expected
    with gzip.open(tmp_path / "in.jsonl.gz", "wb") as handle:
        handle.write(source)
    run = run_cleaner(["corpus", "in.jsonl.gz", "-o", "out.jsonl.gz", "--workers", "2"], tmp_path)
    assert run.code == 0, run.stderr
    assert gzip.decompress((tmp_path / "out.jsonl.gz").read_bytes()) == expected


def test_an_ascii_escaped_file_stays_ascii(tmp_path):
    line = json.dumps({"text": "Caf\u00e9 \u6771\u4eac.\nAdvertisement\n", "e": "\u00e9"}).encode()
    (tmp_path / "in.jsonl").write_bytes(line + b"\n")
    run = run_cleaner(["corpus", "in.jsonl", "-o", "out.jsonl", "--workers", "1"], tmp_path)
    assert run.code == 0, run.stderr
    assert (
        tmp_path / "out.jsonl"
    ).read_bytes() == b'{"text": "Caf\\u00e9 \\u6771\\u4eac.\\n", "e": "\\u00e9"}\n'


# --- the splice itself, on any object a JSON writer can produce ----------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
    st.sampled_from(['"text"', "]}", "{[", '\\"', "\u2028", "\x85"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["text", "a", "b"]), inner, max_size=3)
    ),
    max_leaves=8,
)
KEYS = st.sampled_from(["a", "b", "te\\xt", "\u00e9", "text2", 'q"t'])


@given(
    before=st.dictionaries(KEYS, VALUES, max_size=4),
    after=st.dictionaries(KEYS, VALUES, max_size=4),
    text=st.text(max_size=30),
    new=st.text(st.characters(exclude_categories=()), max_size=30),  # lone surrogates too
    ascii_only=st.booleans(),
    separators=st.sampled_from([(",", ":"), (", ", ": "), (" ,\t", " : ")]),
)
@example(before={}, after={}, text="", new="", ascii_only=False, separators=(",", ":"))
def test_the_splice_changes_the_value_and_nothing_else(  # noqa: PLR0917 (one argument per strategy)
    before, after, text, new, ascii_only, separators
):
    record = {**before, "text": text, **{k: v for k, v in after.items() if k != "text"}}
    line = json.dumps(record, ensure_ascii=ascii_only, separators=separators).encode("utf-8", "surrogatepass")
    spliced = replace_string_field(line, "text", new)
    assert spliced is not None
    start, end = value_span(line, "text")  # type: ignore[misc]
    assert spliced[:start] == line[:start]
    assert spliced[len(spliced) - (len(line) - end) :] == line[end:]
    parsed = json.loads(spliced.decode("utf-8", "surrogatepass"))
    assert parsed["text"] == new
    assert same(parsed, {**record, "text": new})


def same(a: object, b: object) -> bool:
    """Equal as JSON values, NaN equal to NaN."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b

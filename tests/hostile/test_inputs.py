"""Hostile inputs, each run through the real command (``python -m cleaner``) in a
subprocess with a time bound. For every case: the exit code, the message, the exact
bytes of every file afterwards (unchanged files keep every byte and their mode), and no
traceback. Time bounds are generous: they catch a hang, they are not benchmarks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.hostile.support import STRICT_ENV, assert_only_changed, run_cleaner, snapshot

ARABIC = "هذا نص طويل باللغة العربية عن الاقتصاد والسياسة اليوم"
HEBREW = "זהו טקסט בעברית עם כמה מילים נוספות"
COMBINING = "Cafe\u0301 cre\u0300me bru\u0302le\u0301e, a n\u0303ame with marks."
LONG = "word " * 30_000  # 150,000 characters on one line


@dataclass(frozen=True)
class Case:
    """One small hostile document: what `check` says of it and what `check --fix` leaves."""

    content: bytes
    fixed: bytes | None  # None: --fix must leave every byte
    check_code: int
    message: str = ""  # expected in the combined output of `check`
    fix_code: int | None = None  # defaults to 0 when fixed, else to check_code
    name: str = "doc.txt"
    extra: dict[str, bytes] = field(default_factory=dict)


CASES = {
    "empty-file": Case(b"", None, 0),
    "only-blank-lines": Case(b"\n\n \t\r\n\r\n  \n", None, 0),
    "no-final-newline": Case(b"Text.\nAdvertisement", b"Text.\n", 1, "doc.txt:2: ADS001"),
    "crlf": Case(b"Text.\r\nAdvertisement\r\nMore.\r\n", b"Text.\r\nMore.\r\n", 1, "doc.txt:2: ADS001"),
    "lone-cr": Case(b"Text.\rAdvertisement\rMore.\r", b"Text.\rMore.\r", 1, "doc.txt:2: ADS001"),
    "mixed-endings": Case(
        b"Text.\r\nAdvertisement\nMore.\rAdvertisement\r\nEnd.",
        b"Text.\r\nMore.\rEnd.",
        1,
        "doc.txt:4: ADS001",
    ),
    "utf8-bom": Case(b"\xef\xbb\xbfAdvertisement\nText.\n", b"\xef\xbb\xbfText.\n", 1, "doc.txt:1: ADS001"),
    "utf16-le-bom": Case(
        "\ufeffText.\r\nAdvertisement\r\nMore.\r\n".encode("utf-16-le"),
        "\ufeffText.\r\nMore.\r\n".encode("utf-16-le"),
        1,
        "doc.txt:2: ADS001",
    ),
    "utf16-be-bom": Case(
        "\ufeffText.\nAdvertisement\n".encode("utf-16-be"),
        "\ufeffText.\n".encode("utf-16-be"),
        1,
        "doc.txt:2: ADS001",
    ),
    "utf16-truncated": Case(b"\xff\xfeT\x00e\x00x", None, 2, "doc.txt: not valid UTF-16-LE at byte 4"),
    "invalid-utf8-in-kept-line": Case(
        b"Caf\xe9 au lait \xff\xfe is a drink.\nAdvertisement\n",
        b"Caf\xe9 au lait \xff\xfe is a drink.\n",
        1,
        "doc.txt:2: ADS001",
    ),
    # The removed line is reported with its undecodable bytes escaped, as `diff` and the JSON
    # report show them (one convention for every report a person reads).
    "invalid-utf8-in-removed-line": Case(
        b"Text here.\nPhoto: J\xe9r\xf4me Smith/Reuters\nMore.\n",
        b"Text here.\nMore.\n",
        1,
        "Photo: J\\udce9r\\udcf4me Smith/Reuters",
    ),
    "nul-byte-binary": Case(
        b"Text.\x00\nAdvertisement\n", None, 0, "doc.txt: skipped, binary file (holds a NUL byte)"
    ),
    "rtl-and-combining": Case(
        f"{ARABIC}\n{HEBREW}\n{COMBINING}\nAdvertisement\n{ARABIC}\n".encode(),
        f"{ARABIC}\n{HEBREW}\n{COMBINING}\n".encode(),
        1,
        "doc.txt:5: DUP001",
    ),
    "long-lines-beside-short": Case(
        f"Share\n{LONG}\nAdvertisement\nx\n{LONG}\nok.\n".encode(),
        f"{LONG}\nx\nok.\n".encode(),
        1,
        "doc.txt:5: DUP001",
    ),
    "undecodable-file-name": Case(
        b"Text.\nAdvertisement\n", b"Text.\n", 1, "caf\\udce9.txt:2: ADS001", name="caf\udce9.txt"
    ),
}


def place(tmp_path: Path, case: Case) -> Path:
    """Write the case's document (and extra files) into a fresh folder."""
    folder = tmp_path / "docs"
    folder.mkdir()
    path = folder / case.name
    path.write_bytes(case.content)
    for name, content in case.extra.items():
        (folder / name).write_bytes(content)
    return path


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_check_reports_and_writes_nothing(tmp_path, case):
    path = place(tmp_path, case)
    before = snapshot(tmp_path)
    run = run_cleaner(["check", path.name], path.parent, timeout=30)
    assert run.code == case.check_code, run.stderr
    assert case.message in run.stdout + run.stderr
    assert_only_changed(before, snapshot(tmp_path), {})


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_fix_keeps_every_byte_it_does_not_remove(tmp_path, case):
    path = place(tmp_path, case)
    before = snapshot(tmp_path)
    run = run_cleaner(["check", "--fix", path.name], path.parent, timeout=30)
    expected_code = (
        case.fix_code if case.fix_code is not None else 0 if case.fixed is not None else case.check_code
    )
    assert run.code == expected_code, run.stderr
    if case.fixed is None:
        assert_only_changed(before, snapshot(tmp_path), {})
        assert "Fixing" not in run.stderr
    else:
        assert_only_changed(before, snapshot(tmp_path), {f"docs/{case.name}": case.fixed})
        assert f"Fixing {case.name}".replace("\udce9", "\\udce9") in run.stderr


FILTERABLE = {key: case for key, case in CASES.items() if case.check_code != 2 and case.name == "doc.txt"}


@pytest.mark.parametrize("case", FILTERABLE.values(), ids=FILTERABLE.keys())
def test_filter_mode_is_byte_exact(tmp_path, case):
    """`cleaner clean -` (stdin to stdout) writes the bytes --fix would; binary input is refused."""
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", "clean", "-"],
        input=case.content,
        capture_output=True,
        timeout=30,
        check=False,
        cwd=tmp_path,
        env=STRICT_ENV,
    )
    assert b"Traceback" not in done.stderr
    if "binary" in case.message:
        assert (done.returncode, done.stdout) == (2, b"")
        assert b"<stdin>: skipped, binary file" in done.stderr
    else:
        assert (done.returncode, done.stdout) == (0, case.fixed if case.fixed is not None else case.content)


def test_every_view_of_every_case_prints_without_a_traceback(tmp_path):
    """All cases in one folder, through diff, --diff and JSON; the JSON report is exact."""
    folder = tmp_path / "all"
    folder.mkdir()
    for key, case in CASES.items():
        (folder / f"{key}.txt").write_bytes(case.content)
    for args in (["diff", "all"], ["check", "--diff", "all"], ["clean", "all", "-o", "copies"]):
        run = run_cleaner(args, tmp_path, timeout=60)
        assert run.code in (1, 2), run.stderr
    report = run_cleaner(["check", "--output-format", "json", "all"], tmp_path, timeout=60)
    assert report.code == 2  # the truncated UTF-16 file is an error; the rest is reported
    documents = {Path(entry["path"]).stem: entry for entry in json.loads(report.stdout)}
    for key, case in CASES.items():
        if key not in documents:
            continue
        original = case.content.decode("utf-8", "surrogateescape")
        for removal in documents[key]["removals"]:
            # Undecodable bytes come out as \udcXX escapes, which JSON reads back as the same characters.
            if not case.content.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
                assert original[removal["start"] : removal["end"]] == removal["text"], key
    for key, case in CASES.items():
        copy = tmp_path / "copies" / f"{key}.txt"
        if case.fixed is not None:
            assert copy.read_bytes() == case.fixed, key

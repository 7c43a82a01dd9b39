"""`cleaner learn` when one learned line is odd: a list bullet before it, a control character
inside it, a site label with a line break. One such line must not cost the other sites' rules:
it is learned as rules see it, or left out and reported, and everything else is written."""

from __future__ import annotations

import json
from pathlib import Path

from cleaner import load_rules
from tests.hostile.support import run_cleaner

TOPICS = ["rain", "snow", "fog", "wind", "hail", "sun", "frost", "storm", "heat", "dew"]


def write_pages(path: Path, *, odd_line: str, group: str = "") -> None:
    """Ten pages of a.example holding ``odd_line`` and a plain menu line; ten of b.example."""
    with path.open("w", encoding="utf-8") as handle:
        for number in range(10):
            text = f"This story is about {TOPICS[number]}.\n{odd_line}\nHome page link\n"
            page = {"url": f"https://a.example/{number}", "g": group or "a", "text": text}
            handle.write(json.dumps(page) + "\n")
            text = f"That story tells of {TOPICS[number]}.\nFollow us on the site\n"
            handle.write(json.dumps({"url": f"https://b.example/{number}", "g": "b", "text": text}) + "\n")


def learned_lines(folder: Path) -> dict[str, list[str]]:
    """Each written file's rules, by file name: the lines they were learned from (their examples)."""
    return {
        path.name: sorted(rule.examples.remove[0].rstrip("\n") for rule in load_rules([path]))
        for path in sorted(folder.iterdir())
    }


def test_a_line_with_a_list_bullet_is_learned_as_rules_see_it(tmp_path):
    write_pages(tmp_path / "in.jsonl", odd_line="• Subscribe to our newsletter")
    run = run_cleaner(["learn", "in.jsonl", "-o", "learned"], tmp_path)
    assert run.code == 0, run.stderr
    assert learned_lines(tmp_path / "learned") == {
        "a.example.toml": ["Home page link", "• Subscribe to our newsletter"],
        "b.example.toml": ["Follow us on the site"],
    }
    (tmp_path / "page.txt").write_text("Story.\n* Subscribe to our newsletter\nMore story.\n")
    args = ["check", "--isolated", "--no-default-rules", "--rules", "learned", "page.txt"]
    run = run_cleaner(args, tmp_path)
    assert run.code == 1 and "page.txt:2: LRN" in run.stdout


def test_a_line_its_rule_cannot_match_is_left_out_and_the_rest_written(tmp_path):
    write_pages(tmp_path / "in.jsonl", odd_line="Menu\x1fbar of the site")
    run = run_cleaner(["learn", "in.jsonl", "-o", "learned"], tmp_path)
    assert run.code == 0, run.stderr
    assert "a.example: left out 'Menu\\x1fbar of the site': its rule examples.remove[1]" in run.stderr
    assert "1 left out" in run.stderr
    assert learned_lines(tmp_path / "learned") == {
        "a.example.toml": ["Home page link"],
        "b.example.toml": ["Follow us on the site"],
    }


def test_a_group_by_value_with_a_line_break(tmp_path):
    write_pages(tmp_path / "in.jsonl", odd_line="Sign up for the daily mail", group="first\nsecond")
    run = run_cleaner(["learn", "in.jsonl", "-o", "learned", "--group-by", "g"], tmp_path)
    assert run.code == 0, run.stderr
    assert learned_lines(tmp_path / "learned") == {
        "b.toml": ["Follow us on the site"],
        "first-second.toml": ["Home page link", "Sign up for the daily mail"],
    }
    assert '# Template lines learned by `cleaner learn` from 10 documents of "first\\nsecond"' in (
        tmp_path / "learned" / "first-second.toml"
    ).read_text()

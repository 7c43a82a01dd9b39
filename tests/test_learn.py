"""`cleaner learn`: template lines of synthetic sites become rules that remove them and nothing else."""

from __future__ import annotations

import json
import random
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cleaner import Cleaner, RuleSet, load_rules
from cleaner.cli import app
from cleaner.errors import ConfigError
from cleaner.learn import (
    LearnDocument,
    LearnSettings,
    census_shard,
    eligible_groups,
    fold_line,
    learn,
    learn_with_ray,
    merge_census,
    merge_screens,
    pattern_for,
    plan_rule_files,
    read_text_files,
    render_rule_file,
    screen_shard,
    spill_screen,
    write_rule_files,
)
from cleaner.records import read_records, write_records
from cleaner.rules import builtin_rules_dir

WORDS = [
    "river",
    "council",
    "budget",
    "harbour",
    "school",
    "winter",
    "market",
    "doctor",
    "bridge",
    "village",
    "engine",
    "forest",
    "museum",
    "festival",
    "station",
    "garden",
    "library",
    "railway",
    "election",
    "harvest",
    "factory",
    "theatre",
    "island",
    "mountain",
    "province",
    "minister",
    "painter",
    "teacher",
    "fisherman",
    "orchestra",
    "vineyard",
]

# Each site's template: (line, share of its pages that carry it). Digits vary per page.
SITES = {
    "news.alpha.example": [
        ("Subscribe to the Alpha Morning Brief", 1.0),
        ("Updated {n} hours ago", 0.9),
        ("About Alpha Media: Alpha Media is an independent newsroom covering the coast since 1998.", 0.8),
        ("© 2024 Alpha Media. All rights reserved.", 1.0),
    ],
    "beta.example.org": [
        ("BETA DAILY | Home | World | Sport", 1.0),
        ("Share this story", 0.6),
        ("Sign up for the Beta newsletter and get {n} stories every morning", 0.5),
    ],
    "gamma.example.net": [
        ("Gamma Weekly", 1.0),
        ("Posted on {n}/{m}/2024 by the Gamma desk", 0.95),
        ("Read more from Gamma", 0.4),
    ],
}
# A wire story that several sites republish: long prose lines present on all three sites.
WIRE = [
    "The regional parliament approved the new water plan on Tuesday after a debate that lasted three days.",
    "Farmers in the valley said the plan would give them more certainty about irrigation next summer.",
]


def sentence(rng: random.Random) -> str:
    """A unique article sentence: random words and a number make repeats vanishingly unlikely."""
    words = rng.sample(WORDS, 9)
    return f"{' '.join(words).capitalize()} near kilometre {rng.randrange(10**6)} and {rng.choice(WORDS)}."


def make_site(site: str, pages: int, rng: random.Random) -> list[tuple[str, str, set[str]]]:
    """Pages of one site: (id, text, its template lines)."""
    made = []
    for number in range(pages):
        template = [
            line.format(n=rng.randrange(1, 24), m=rng.randrange(1, 13))
            for line, share in SITES[site]
            if rng.random() < share
        ]
        article = [sentence(rng) for _ in range(rng.randrange(3, 9))]
        if number % 3 == 0:  # 14 of 40 pages: past min_share on every site
            article[1:1] = WIRE
        head, tail = template[: len(template) // 2 + 1], template[len(template) // 2 + 1 :]
        text = "\n\n".join([*head, *article, *tail]) + "\n"
        made.append((f"{site}/{number:03d}", text, set(template)))
    return made


Corpus = tuple[Path, dict[str, list[tuple[str, str, set[str]]]]]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """Three synthetic sites of 40 pages each, written as files (one folder per site)."""
    rng = random.Random(5)
    root = tmp_path_factory.mktemp("sites")
    pages = {site: make_site(site, 40, rng) for site in SITES}
    for made in pages.values():
        for doc_id, text, _ in made:
            path = root / f"{doc_id}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return root, pages


def shards_of(corpus: Corpus) -> list[partial[object]]:
    """Two file shards per site (picklable, so Ray can run them)."""
    root, pages = corpus
    shards = []
    for site, made in pages.items():
        paths = [str(root / f"{doc_id}.txt") for doc_id, _, _ in made]
        shards += [partial(read_text_files, paths[:15], site), partial(read_text_files, paths[15:], site)]
    return shards


def write_rules(result, folder: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    """One rule file per site, ids numbered on across the files."""
    written = []
    number = 1
    for site in result.groups():
        learned = result.learned(site)
        text = render_rule_file(
            learned,
            site=site,
            documents=result.group_docs[site],
            prefix="LRN",
            first_number=number,
            settings=result.settings,
        )
        number += len(learned)
        path = folder / f"{site}.toml"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def assert_removes_template_only(corpus: Corpus, rules: RuleSet) -> None:
    cleaner = Cleaner(rules, profile="article")
    for made in corpus[1].values():
        for doc_id, text, template in made:
            result = cleaner.clean(text, name=doc_id)
            removed = {line.strip() for removal in result.removals for line in removal.text.splitlines()} - {
                ""
            }
            assert removed == template, doc_id
            assert all(removal.rule_id.startswith("LRN") for removal in result.removals)


def test_folding_treats_case_space_and_digits_alike():
    assert fold_line("Updated 3 hours ago") == fold_line("  UPDATED   15 hours ago ")
    assert fold_line("Updated 3 hours ago") != fold_line("Updated three hours ago")


def test_learned_rules_remove_every_template_line_and_no_article_line(corpus, tmp_path):
    result = learn(shards_of(corpus))
    rules = load_rules(write_rules(result, tmp_path), check_examples=True)
    assert len(rules) == sum(len(template) for template in SITES.values())
    assert_removes_template_only(corpus, rules)


def test_syndicated_prose_is_rejected_with_a_reason(corpus):
    result = learn(shards_of(corpus))
    rejected = [c for c in result.candidates if c.rejected]
    assert {c.text for c in rejected} == set(WIRE)
    assert all("syndicated article prose" in c.explain() for c in rejected)
    assert {c.group for c in rejected} == set(SITES)


def test_lines_below_either_threshold_are_not_learned(corpus):
    pages = corpus[1]["gamma.example.net"]
    carrying = sum("Read more from Gamma" in template for _, _, template in pages)
    result = learn(shards_of(corpus), LearnSettings(min_share=(carrying + 0.5) / len(pages)))
    texts = {c.text for c in result.learned("gamma.example.net")}
    assert "Read more from Gamma" not in texts
    assert "Gamma Weekly" in texts
    small = learn(shards_of(corpus)[:1], LearnSettings(min_docs=16))  # a shard of 15 pages
    assert small.candidates == ()


def test_results_do_not_depend_on_sharding_or_memory_settings(corpus):
    whole = learn(shards_of(corpus))
    root, pages = corpus
    one_shard = [
        partial(read_text_files, [str(root / f"{d}.txt") for d, _, _ in made], site)
        for site, made in pages.items()
    ]
    small = learn(one_shard, LearnSettings(pairs_in_memory=100))  # many scratch files
    assert (small.candidates, small.group_docs) == (whole.candidates, whole.group_docs)


def test_the_ray_screen_watches_every_line_the_exact_screen_finds(corpus):
    shards = shards_of(corpus)
    settings = LearnSettings(chunk_docs=7)
    census = merge_census(census_shard(shard) for shard in shards)
    eligible = eligible_groups(census.group_docs, settings)
    exact = spill_screen(shards, census, eligible, settings)
    pieces = merge_screens(screen_shard(shard, settings, eligible) for shard in shards)
    assert exact and exact <= pieces


def test_pattern_matches_every_folded_variant_and_only_whole_lines():
    rules_text = render_rule_file(
        learn(
            [
                lambda: [
                    LearnDocument(str(n), "", f"Updated {n} hours ago\nStory {'abcdef'[n]}\n")
                    for n in range(6)
                ]
            ]
        ).learned(""),
        site="",
        documents=6,
        prefix="LRN",
        first_number=1,
        settings=LearnSettings(),
    )
    assert "learned.corpus.1" in rules_text
    assert pattern_for("Updated 3 hours ago") == r"^Updated\s+\d+\s+hours\s+ago$"


def test_settings_out_of_range_are_a_clear_error():
    with pytest.raises(ConfigError, match="--min-share"):
        learn([], LearnSettings(min_share=0))


def test_ray_engine_gives_the_local_result(corpus, tmp_path):
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'boilerplate-cleaner[ray]')")
    started = not ray.is_initialized()  # another test may have a Ray instance running
    if started:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        result = learn_with_ray(shards_of(corpus))
    finally:
        if started:
            ray.shutdown()
    local = learn(shards_of(corpus))
    assert (result.candidates, result.group_docs) == (local.candidates, local.group_docs)
    assert_removes_template_only(corpus, load_rules(write_rules(result, tmp_path), check_examples=True))


def write_jsonl(corpus: Corpus, path: Path) -> None:
    """The corpus as one JSONL file of records with id, url and text, sites interleaved."""
    records = [
        {
            "id": doc_id,
            "url": f"https://{site}/story/{doc_id.rsplit('/', 1)[1]}",
            "source": f"feed-{site}",
            "text": text,
        }
        for site, made in corpus[1].items()
        for doc_id, text, _ in made
    ]
    records.sort(key=lambda record: record["id"].rsplit("/", 1)[1])
    write_records(path, records)


def test_cli_learns_one_file_per_site_and_check_applies_them(corpus, tmp_path):
    write_jsonl(corpus, tmp_path / "pages.jsonl")
    learned = tmp_path / "rules" / "learned"
    result = CliRunner().invoke(
        app, ["learn", str(tmp_path / "pages.jsonl"), "-o", str(learned), "--explain"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in learned.iterdir()) == sorted(f"{site}.toml" for site in SITES)
    assert "rejected: looks like syndicated article prose" in result.stdout
    text = (learned / "beta.example.org.toml").read_text()
    assert 'name = "learned.beta.example.org.1"' in text and "e.g. in beta.example.org/" in text
    root = corpus[0]
    check = CliRunner().invoke(
        app,
        [
            "check",
            str(root),
            "--rules",
            str(learned),
            "--no-default-rules",
            "--output-format",
            "json",
        ],
    )
    assert check.exit_code == 1, check.output
    reports = {
        Path(report["path"]).relative_to(root).with_suffix("").as_posix(): report
        for report in json.loads(check.stdout)
    }
    for made in corpus[1].values():
        for doc_id, _, template in made:
            removals = reports[doc_id]["removals"]
            assert {r["text"].strip() for r in removals} == template
            assert all(
                r["rule_id"].startswith("LRN") and r["rule_name"].startswith("learned.") for r in removals
            )


def test_cli_learns_again_beside_existing_files_without_id_clashes(corpus, tmp_path):
    write_jsonl(corpus, tmp_path / "pages.jsonl")
    learned = tmp_path / "learned"
    runner = CliRunner()
    first = runner.invoke(app, ["learn", str(tmp_path / "pages.jsonl"), "-o", str(learned)])
    first_files = set(learned.iterdir())
    second = runner.invoke(
        app, ["learn", str(tmp_path / "pages.jsonl"), "-o", str(learned), "--group-by", "source"]
    )
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert len(set(learned.iterdir()) - first_files) == 3
    # Both sets load together: the second run's ids start after the first run's.
    rules = load_rules([learned], check_examples=True)
    assert len(rules) == 2 * sum(len(template) for template in SITES.values())


def test_cli_refuses_the_builtin_pack_and_a_single_file_for_several_sites(corpus, tmp_path):
    write_jsonl(corpus, tmp_path / "pages.jsonl")
    runner = CliRunner()
    builtin = runner.invoke(app, ["learn", str(tmp_path / "pages.jsonl"), "-o", str(builtin_rules_dir())])
    assert builtin.exit_code == 2 and "built-in rules" in builtin.output
    several = runner.invoke(app, ["learn", str(tmp_path / "pages.jsonl"), "-o", str(tmp_path / "one.toml")])
    assert several.exit_code == 2 and "give -o a folder" in several.output
    assert not (tmp_path / "one.toml").exists()


def test_cli_names_the_file_and_line_of_a_bad_record(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"text": "fine"}\n{"body": "no text"}\n')
    result = CliRunner().invoke(app, ["learn", str(tmp_path / "bad.jsonl"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "bad.jsonl:2: the record has no field 'text'" in result.output
    assert not (tmp_path / "out").exists()


def test_cleaner_corpus_applies_the_learned_folder_and_names_the_rules(corpus, tmp_path):
    write_jsonl(corpus, tmp_path / "pages.jsonl")
    runner = CliRunner()
    learned = tmp_path / "learned"
    assert runner.invoke(app, ["learn", str(tmp_path / "pages.jsonl"), "-o", str(learned)]).exit_code == 0
    result = runner.invoke(
        app,
        [
            "corpus",
            str(tmp_path / "pages.jsonl"),
            "-o",
            str(tmp_path / "clean.jsonl"),
            "--rules",
            str(learned),
            "--no-default-rules",
            "--workers",
            "1",
            "--removed-output",
            str(tmp_path / "removed.jsonl"),
        ],
    )
    assert result.exit_code in (0, 1), result.output
    templates = {doc_id: template for made in corpus[1].values() for doc_id, _, template in made}
    audit = {record["id"]: record["removals"] for _, record in read_records(tmp_path / "removed.jsonl")}
    assert set(audit) == {doc_id for doc_id, template in templates.items() if template}
    names = {rule.id: rule.name for rule in load_rules([learned])}
    for doc_id, removals in audit.items():
        assert {r["text"].strip() for r in removals} == templates[doc_id]
        assert all(names[r["rule"]].startswith("learned.") for r in removals)


def test_an_empty_group_by_learns_one_rule_file_and_still_rejects_shared_prose(corpus, tmp_path):
    write_jsonl(corpus, tmp_path / "pages.jsonl")
    target = tmp_path / "all.toml"
    result = CliRunner().invoke(
        app,
        [
            "learn",
            str(tmp_path / "pages.jsonl"),
            "-o",
            str(target),
            "--group-by",
            "",
            "--min-share",
            "0.1",
            "--explain",
        ],
    )
    assert result.exit_code == 0, result.output
    rules = load_rules([target])
    assert rules.get("learned.all.1") is not None
    assert "Subscribe to the Alpha Morning Brief" in target.read_text()
    # The sites come from the URLs, so the wire story is still seen on several sites.
    assert all(line[:40] not in target.read_text() for line in WIRE)
    assert result.stdout.count("rejected: looks like syndicated article prose") == len(WIRE)


@given(
    st.lists(
        st.sampled_from(
            [
                "Updated 3 hours ago",
                "  ÉTÉ  12\tx ",
                "\r\n",
                "\n",
                "İstanbul 1",
                "a\u00a0b",
                "\x1c",
                "* * *",
                "٣ days",
            ]
        )
    ).map("".join)
)
def test_folding_a_whole_text_equals_folding_each_line(text):
    from cleaner.learn import document_lines  # noqa: PLC0415
    from cleaner.matchers import split_lines  # noqa: PLC0415

    expected = [
        (line.strip(), fold_line(line)) for line in split_lines(text) if any(ch.isalpha() for ch in line)
    ]
    assert list(document_lines(text)) == expected


def test_parquet_records_and_text_files_are_read_too(corpus, tmp_path):
    pytest.importorskip("pyarrow", reason="Parquet needs pyarrow: pip install 'boilerplate-cleaner[parquet]'")
    write_jsonl(corpus, tmp_path / "pages.jsonl")
    write_records(
        tmp_path / "pages.parquet", [record for _, record in read_records(tmp_path / "pages.jsonl")]
    )
    runner = CliRunner()
    from_parquet = runner.invoke(app, ["learn", str(tmp_path / "pages.parquet"), "-o", str(tmp_path / "pq")])
    from_jsonl = runner.invoke(app, ["learn", str(tmp_path / "pages.jsonl"), "-o", str(tmp_path / "js")])
    assert from_parquet.exit_code == 0 and from_jsonl.exit_code == 0, from_parquet.output
    for path in (tmp_path / "js").iterdir():
        assert (tmp_path / "pq" / path.name).read_text() == path.read_text()
    # A folder of text files is one group; a folder output names its file "corpus".
    files = runner.invoke(app, ["learn", str(corpus[0]), "-o", str(tmp_path / "txt"), "--min-share", "0.1"])
    assert files.exit_code == 0, files.output
    learned = (tmp_path / "txt" / "corpus.toml").read_text()
    assert "Gamma Weekly" in learned
    assert all(line[:40] not in learned for line in WIRE)  # each folder counts as a site


def test_a_missing_input_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["learn", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "nope.jsonl: no such file or folder" in result.output
    (tmp_path / "page.txt").write_text("Menu\n")
    grouped = CliRunner().invoke(
        app, ["learn", str(tmp_path / "page.txt"), "-o", str(tmp_path / "out"), "--group-by", "x"]
    )
    assert grouped.exit_code == 2 and "--group-by needs records" in grouped.output


def test_ids_go_on_past_999_with_a_letter_and_next_runs_continue_after_them(corpus, tmp_path):
    result = learn(shards_of(corpus))
    plans = plan_rule_files(result, tmp_path, start=998)
    ids = [
        line.split('"')[1] for plan in plans for line in plan.text.splitlines() if line.startswith("id = ")
    ]
    assert ids[:4] == ["LRN998", "LRN999", "LRNA001", "LRNA002"]
    write_rule_files(plans)
    again = plan_rule_files(result, tmp_path / "more")
    assert again[0].text.count('id = "LRN001"') == 1  # another folder: its own numbering
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "old.toml").write_text((tmp_path / "beta.example.org.toml").read_text())
    beside = plan_rule_files(result, tmp_path / "more")
    first_id = next(line for line in beside[0].text.splitlines() if line.startswith("id = "))
    assert first_id == 'id = "LRNA002"'  # beta's three rules were LRN998, LRN999, LRNA001

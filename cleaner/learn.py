"""Learn the lines a site repeats on every page, and write them as a rule file to review.

Pages of one site share template lines (a promo teaser, an "About <Company>" paragraph,
a newsletter call, a footer). Counting finds them: a line is learned for a site when,
after folding case, white space and digits (`fold_line`), it occurs in at least
``min_docs`` documents and at least ``min_share`` of the site's documents. The result
is an ordinary rule file (`render_rule_file`): one ``line`` rule per learned line, each
with its count, share and two example documents, so a person reads it, edits it and
commits it before it removes anything.

Counting is a map-reduce in three passes over the shards, so memory stays bounded:

0. *census*: documents per site. A site with fewer than ``min_docs`` documents cannot
   have a learnable line, so the next passes leave its documents out (most sites of a
   broad crawl have a handful of pages; counting their lines would cost the most memory).
1. *screen*: which line hashes may be learned (the watch list). The local engine
   (`spill_screen`) shuffles (site, line hash) pairs into scratch files by line hash and
   counts one file at a time: exact, and ``pairs_in_memory`` pairs at a time however
   the sites' pages interleave. The Ray engine (`screen_shard`, one task per shard)
   cuts each shard into pieces of at most ``chunk_docs`` documents and watches the
   hashes that reach ``min_share`` of a piece's documents of a site: a line that
   reaches the share over all its site's documents reaches it in at least one piece,
   so nothing is missed; its list is longer (it grows when small sites interleave).
2. *count*: each shard counts, exactly, the documents of every site that hold each
   watched hash, and keeps the text and two document ids of each; nothing else.

Both screens give every learnable line and pass 2 counts exactly, and shard results are
merged in shard order, so the local and Ray engines give the same result.

Content safety: a candidate is rejected when it looks like article prose shared by
syndicated copies (a long line that also occurs in documents of other sites), when it
holds undecodable bytes, and each decision carries its reason for ``--explain``.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import tempfile
import tomllib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import regex

from cleaner.about import install_hint
from cleaner.errors import CleanerError, ConfigError, DocumentError
from cleaner.io import discover, read_document, write_atomically
from cleaner.matchers import split_lines
from cleaner.pipeline import check_rule_examples, line_content, load_rules
from cleaner.records import JSONL_SUFFIXES, PARQUET_SUFFIXES, read_records
from cleaner.rules import builtin_rules_dir, read_rule_file
from cleaner.smallfiles import SettingsFileError, parse_nested, read_settings_text

SPACES = re.compile(r"\s+")
DIGITS = re.compile(r"\d+")
LETTER = re.compile(r"[^\W\d_]")
PIECES = re.compile(r"(\s+)|(\d+)|([^\s\d]+)")
SURROGATE = re.compile("[\ud800-\udfff]")
SLUG_JUNK = re.compile(r"[^a-z0-9.-]+")
PREFIX_SHAPE = re.compile(r"[A-Z]{2,5}")
CATEGORY = "template"
SITES_NOTED = 10  # sites noted per watched line: enough to decide, and bounded
SPILL_BUFFER_VALUES = 1 << 20  # uint64 values buffered for all scratch files together (8 MiB)
PROFILES = ("article", "page")

Shard = Callable[[], Iterable["LearnDocument"]]


@dataclass(frozen=True, slots=True)
class LearnDocument:
    """One document to learn from: an id for the examples, its group, its text, and its site.

    The group decides whose documents a line is counted among; the site (the host of its
    URL, else the group) is what the syndicated-prose check counts, so it works even when
    all documents form one group.
    """

    id: str
    group: str
    text: str
    site: str | None = None

    @property
    def origin(self) -> str:
        """The site, or the group when the site is unknown."""
        return self.group if self.site is None else self.site


@dataclass(frozen=True, slots=True)
class LearnSettings:
    """Thresholds of `learn`; `check` raises `ConfigError` for values out of range.

    ``prose_words`` and ``prose_sites``: a candidate of at least ``prose_words`` words
    found in documents of at least ``prose_sites`` sites (its own included) is taken for
    syndicated article prose and rejected. ``chunk_docs`` (Ray screen) and
    ``pairs_in_memory`` (local screen) bound what is screened at once: memory, not results.
    """

    min_docs: int = 5
    min_share: float = 0.3
    prose_words: int = 10
    prose_sites: int = 2
    chunk_docs: int = 4096
    pairs_in_memory: int = 1 << 16

    def check(self) -> None:
        """Raise `ConfigError` naming the first setting out of range."""
        if self.min_docs < 1:
            raise ConfigError(f"--min-docs must be at least 1, not {self.min_docs}")
        if not 0 < self.min_share <= 1:
            raise ConfigError(f"--min-share must be above 0 and at most 1, not {self.min_share}")
        if self.prose_words < 1 or not 2 <= self.prose_sites <= SITES_NOTED:
            raise ConfigError(f"prose_words must be at least 1 and prose_sites from 2 to {SITES_NOTED}")
        if self.chunk_docs < 1 or self.pairs_in_memory < 1:
            raise ConfigError("chunk_docs and pairs_in_memory must be at least 1")


def fold_line(line: str) -> str:
    """The form lines are compared in: lower case, white space runs as one space, digit runs as 0.

    >>> fold_line("  Updated 3 hours  ago\\r\\n") == fold_line("updated 15 Hours ago")
    True
    >>> fold_line("Updated 3 hours ago")
    'updated 0 hours ago'
    """
    return SPACES.sub(" ", DIGITS.sub("0", line.strip().lower()))


def line_hash(folded: str) -> int:
    """A 64-bit hash of a folded line, the same in every process (unlike ``hash``)."""
    digest = hashlib.blake2b(folded.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def site_of(record: Mapping[str, object], group_by: str | None) -> str:
    """The group of a record: the ``group_by`` field, else the host of ``url``, else ``""``.

    ``group_by=""`` puts every record in one group.

    >>> site_of({"url": "https://News.Example.com:443/a/b"}, None)
    'news.example.com'
    >>> site_of({"source": "wire"}, "source"), site_of({}, None), site_of({"url": "https://a.b/"}, "")
    ('wire', '', '')
    """
    if group_by == "":
        return ""
    if group_by is not None:
        value = record.get(group_by)
        return "" if value is None else str(value)
    url = record.get("url")
    if isinstance(url, str):
        try:
            return urlsplit(url.strip()).hostname or ""
        except ValueError:
            return ""
    return ""


def document_lines(text: str) -> Iterator[tuple[str, str]]:
    """Each line worth counting, stripped, with its folded form; lines without a letter are left out.

    A separator such as ``* * *`` or a bare number never becomes a rule. The folded form
    equals `fold_line` of the line; it is computed for the whole text at once because one
    ``re.sub`` per document costs far less than two per line.

    >>> list(document_lines("Updated 3  hours ago\\r\\n* * *\\n\\nSee 12 more"))
    [('Updated 3  hours ago', 'updated 0 hours ago'), ('See 12 more', 'see 0 more')]
    """
    folded_lines = split_lines(DIGITS.sub("0", text.lower()))
    for line, folded in zip(split_lines(text), folded_lines, strict=True):
        stripped = line.strip()
        if stripped and LETTER.search(stripped):
            yield stripped, " ".join(folded.split())


# ---------------------------------------------------------------- pass 1: screen


@dataclass(frozen=True, slots=True)
class Census:
    """Pass 0's findings: documents per group, and how many lines they have in all."""

    group_docs: Mapping[str, int]
    lines: int


def census_shard(shard: Shard) -> Census:
    """Pass 0 over one shard: how many documents each group has, and the lines of all."""
    group_docs: Counter[str] = Counter()
    lines = 0
    for document in shard():
        group_docs[document.group] += 1
        lines += document.text.count("\n") + 1
    return Census(dict(group_docs), lines)


def merge_census(censuses: Iterable[Census]) -> Census:
    """Add up the documents per group and the lines."""
    total: Counter[str] = Counter()
    lines = 0
    for census in censuses:
        total.update(census.group_docs)
        lines += census.lines
    return Census(dict(total), lines)


def eligible_groups(group_docs: Mapping[str, int], settings: LearnSettings) -> frozenset[str]:
    """The groups with enough documents to have a learnable line."""
    return frozenset(group for group, count in group_docs.items() if count >= settings.min_docs)


def screen_shard(shard: Shard, settings: LearnSettings, eligible: frozenset[str]) -> frozenset[int]:
    """Pass 1 over one shard: the hashes of candidate lines of the ``eligible`` groups (the watch list)."""
    watch: set[int] = set()
    pending: dict[str, tuple[list[int], Counter[int]]] = {}
    held = 0
    for document in shard():
        if document.group not in eligible:
            continue
        size, counts = pending.setdefault(document.group, ([0], Counter()))
        size[0] += 1
        counts.update({line_hash(folded) for _, folded in document_lines(document.text)})
        held += 1
        if held >= settings.chunk_docs:
            flush_pieces(pending, settings.min_share, watch)
            held = 0
    flush_pieces(pending, settings.min_share, watch)
    return frozenset(watch)


def flush_pieces(pending: dict[str, tuple[list[int], Counter[int]]], share: float, watch: set[int]) -> None:
    """Move the hashes that reach ``share`` of their piece onto the watch list; empty the pieces."""
    for size, counts in pending.values():
        needed = reaches(size[0], share)
        watch.update(key for key, count in counts.items() if count >= needed)
    pending.clear()


def reaches(documents: int, share: float) -> int:
    """The fewest documents out of ``documents`` that make up ``share`` of them.

    >>> reaches(10, 0.3), reaches(7, 0.3), reaches(1, 0.3)
    (3, 3, 1)
    """
    return max(1, math.ceil(documents * share - 1e-9))


def merge_screens(screens: Iterable[frozenset[int]]) -> frozenset[int]:
    """Join the watch lists of the shards (order does not matter)."""
    watch: set[int] = set()
    for screen in screens:
        watch.update(screen)
    return frozenset(watch)


# ---------------------------------------------------------------- pass 2: count


@dataclass(frozen=True, slots=True)
class Tally:
    """Exact counts of watched hashes per site, with a text and up to two document ids each."""

    counts: Mapping[tuple[str, int], int]
    examples: Mapping[tuple[str, int], tuple[str, ...]]
    texts: Mapping[tuple[str, int], str]
    sites: Mapping[int, frozenset[str]] = field(default_factory=dict)


def count_shard(shard: Shard, watch: frozenset[int], eligible: frozenset[str]) -> Tally:
    """Pass 2 over one shard: in how many documents of each ``eligible`` group each watched hash occurs.

    Also notes the sites each watched hash occurs on (in any group), up to `SITES_NOTED`.
    """
    counts: Counter[tuple[str, int]] = Counter()
    examples: dict[tuple[str, int], tuple[str, ...]] = {}
    texts: dict[tuple[str, int], str] = {}
    sites: dict[int, set[str]] = {}
    for document in shard():
        seen: set[int] = set()
        for stripped, folded in document_lines(document.text):
            key_hash = line_hash(folded)
            if key_hash not in watch or key_hash in seen:
                continue
            seen.add(key_hash)
            seen_on = sites.setdefault(key_hash, set())
            if len(seen_on) < SITES_NOTED:
                seen_on.add(document.origin)
            if document.group not in eligible:
                continue
            key = (document.group, key_hash)
            counts[key] += 1
            found = examples.get(key, ())
            if len(found) < 2:
                examples[key] = (*found, document.id)
            texts.setdefault(key, stripped)
    return Tally(dict(counts), examples, texts, {key: frozenset(value) for key, value in sites.items()})


def merge_tallies(tallies: Iterable[Tally]) -> Tally:
    """Merge shard tallies in shard order: counts add up, the first texts and ids win."""
    counts: Counter[tuple[str, int]] = Counter()
    examples: dict[tuple[str, int], tuple[str, ...]] = {}
    texts: dict[tuple[str, int], str] = {}
    sites: dict[int, frozenset[str]] = {}
    for tally in tallies:
        counts.update(tally.counts)
        for key, ids in tally.examples.items():
            examples[key] = (*examples.get(key, ()), *ids)[:2]
        for key, text in tally.texts.items():
            texts.setdefault(key, text)
        for key_hash, names in tally.sites.items():
            joined = sites.get(key_hash, frozenset()) | names
            # The same cap as per shard, on the sorted names, so the result is order-free.
            sites[key_hash] = frozenset(sorted(joined)[:SITES_NOTED])
    return Tally(dict(counts), examples, texts, sites)


# ---------------------------------------------------------------- decide


@dataclass(frozen=True, slots=True)
class Candidate:
    """A line past the thresholds for one site, and whether it was learned or why not."""

    group: str
    text: str
    count: int
    group_docs: int
    sites: int  # counted up to SITES_NOTED
    examples: tuple[str, ...]
    rejected: str | None = None

    @property
    def share(self) -> float:
        """The fraction of the site's documents that hold the line."""
        return self.count / self.group_docs

    def explain(self) -> str:
        """One line for ``--explain``: the decision, the figures and the reason."""
        sites = f"{self.sites}{'+' if self.sites >= SITES_NOTED else ''} site{'s' if self.sites > 1 else ''}"
        figures = f"in {self.count} of {self.group_docs} documents ({self.share:.0%}), on {sites}"
        verdict = f"rejected: {self.rejected}" if self.rejected else "learned"
        return f"{self.group or '(all)'}: {verdict}: {figures}: {shorten(self.text)!r}"


def shorten(text: str, width: int = 100) -> str:
    """The text, or its start cut at a space (never inside a word) and ended with ``…``.

    >>> shorten("Subscribe to our newsletter for the latest news", 30)
    'Subscribe to our newsletter…'
    """
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[: cut if cut > 0 else width].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class LearnResult:
    """Every candidate of every site, in a stable order, and the documents per site."""

    group_docs: Mapping[str, int]
    candidates: tuple[Candidate, ...]
    settings: LearnSettings = field(default_factory=LearnSettings)

    def groups(self) -> list[str]:
        """The sites seen, sorted."""
        return sorted(self.group_docs)

    def learned(self, group: str) -> list[Candidate]:
        """The candidates of ``group`` that were learned (not rejected)."""
        return [c for c in self.candidates if c.group == group and c.rejected is None]

    def learned_by_group(self) -> dict[str, list[Candidate]]:
        """The learned candidates of every group that has some, in one sweep."""
        found: dict[str, list[Candidate]] = {}
        for candidate in self.candidates:
            if candidate.rejected is None:
                found.setdefault(candidate.group, []).append(candidate)
        return found


def decide(group_docs: Mapping[str, int], tally: Tally, settings: LearnSettings) -> LearnResult:
    """Keep the watched lines past both thresholds; reject those that look like shared prose."""
    candidates = []
    for (group, key_hash), count in tally.counts.items():
        total = group_docs.get(group, 0)
        if count < settings.min_docs or count < reaches(total, settings.min_share):
            continue
        text = tally.texts[(group, key_hash)]
        sites = len(tally.sites.get(key_hash, ()))
        candidate = Candidate(group, text, count, total, sites, tally.examples[(group, key_hash)])
        reason = rejection(candidate, settings)
        candidates.append(replace(candidate, rejected=reason) if reason else candidate)
    candidates.sort(key=lambda c: (c.group, -c.count, fold_line(c.text), c.text))
    return LearnResult(dict(group_docs), tuple(candidates), settings)


def rejection(candidate: Candidate, settings: LearnSettings) -> str | None:
    """Why a candidate must not become a rule, or None when it may."""
    words = len(candidate.text.split())
    if candidate.sites >= settings.prose_sites and words >= settings.prose_words:
        return (
            f"looks like syndicated article prose: {words} words, also found in documents of "
            f"{'at least ' if candidate.sites == SITES_NOTED else ''}"
            f"{candidate.sites - 1} other site{'s' if candidate.sites > 2 else ''}"
        )
    if SURROGATE.search(candidate.text):
        return "holds bytes that are not valid UTF-8; a rule file cannot spell it"
    return None


# ---------------------------------------------------------------- engines


def learn(shards: Sequence[Shard], settings: LearnSettings | None = None) -> LearnResult:
    """Learn template lines from ``shards`` in this process (the local engine).

    Each shard is a callable returning an iterable of `LearnDocument`; it is called
    twice (once per pass), so it must give the same documents both times.

    >>> stories = ["Rain.", "Snow.", "Sun.", "Fog.", "Wind.", "Hail."]
    >>> pages = [LearnDocument(str(n), "a.com", f"Menu\\n{story}\\n") for n, story in enumerate(stories)]
    >>> result = learn([lambda: pages])
    >>> [(c.text, c.count) for c in result.learned("a.com")]
    [('Menu', 6)]
    """
    settings = settings or LearnSettings()
    settings.check()
    census = merge_census(census_shard(shard) for shard in shards)
    eligible = eligible_groups(census.group_docs, settings)
    watch = spill_screen(shards, census, eligible, settings)
    tally = merge_tallies(count_shard(shard, watch, eligible) for shard in shards)
    return decide(census.group_docs, tally, settings)


def spill_screen(
    shards: Sequence[Shard], census: Census, eligible: frozenset[str], settings: LearnSettings
) -> frozenset[int]:
    """Pass 1 of the local engine: the hashes of lines past both thresholds for an eligible group, exactly.

    Each (group, line hash) pair of each document goes to a scratch file chosen by the
    line hash (a shuffle, as in map-reduce), then each file is counted on its own, so at
    most about ``settings.pairs_in_memory`` pairs are counted at once however the sites'
    pages are interleaved. Scratch space: 16 bytes per distinct line per document.
    """
    groups = sorted(eligible)
    index = {group: number for number, group in enumerate(groups)}
    needed = [
        max(settings.min_docs, reaches(census.group_docs[group], settings.min_share)) for group in groups
    ]
    partitions = max(1, -(-census.lines // settings.pairs_in_memory))
    watch: set[int] = set()
    try:
        with tempfile.TemporaryDirectory(prefix="cleaner-learn-") as scratch:
            paths = [Path(scratch) / f"{number}.bin" for number in range(partitions)]
            spill_pairs(shards, index, paths)
            for path in paths:
                pairs = array("Q", path.read_bytes())
                counts = Counter(zip(pairs[0::2], pairs[1::2], strict=True))
                del pairs
                watch.update(
                    key_hash for (group, key_hash), count in counts.items() if count >= needed[group]
                )
    except OSError as error:
        raise DocumentError(
            f"scratch files of cleaner learn: {error.strerror or error} (set TMPDIR to a roomier folder)"
        ) from None
    return frozenset(watch)


def spill_pairs(shards: Sequence[Shard], index: Mapping[str, int], paths: Sequence[Path]) -> None:
    """Append each document's distinct (group number, line hash) pairs to the file its line hash picks.

    Files are opened only to append a full buffer, so any number of them works; the
    buffers share about 8 MiB.
    """
    buffers = [array("Q") for _ in paths]
    size = max(512, SPILL_BUFFER_VALUES // len(paths))
    for shard in shards:
        for document in shard():
            group = index.get(document.group)
            if group is None:
                continue
            for key_hash in {line_hash(folded) for _, folded in document_lines(document.text)}:
                number = key_hash % len(paths)
                buffer = buffers[number]
                buffer.append(group)
                buffer.append(key_hash)
                if len(buffer) >= size:
                    with paths[number].open("ab") as file:
                        buffer.tofile(file)
                    del buffer[:]
    for buffer, path in zip(buffers, paths, strict=True):
        with path.open("ab") as file:
            buffer.tofile(file)


def learn_with_ray(
    shards: Sequence[Shard],
    settings: LearnSettings | None = None,
    *,
    address: str | None = None,
    num_cpus: int | None = None,
) -> LearnResult:
    """The same as `learn`, with each shard's pass run as a Ray task (the ``ray`` extra).

    Connects to the cluster at ``address`` (a local instance when None, with ``num_cpus``)
    unless Ray is already initialised. Results are merged in shard order, so they equal
    the local engine's.
    """
    settings = settings or LearnSettings()
    settings.check()
    try:
        import ray  # noqa: PLC0415 (optional extra)
    except ImportError:
        raise ConfigError(f"--engine ray needs Ray: {install_hint('ray')}") from None
    if not ray.is_initialized():
        ray.init(address=address, num_cpus=num_cpus, include_dashboard=False, log_to_driver=False)
    census_task = ray.remote(census_shard)
    screen_task = ray.remote(screen_shard)
    count_task = ray.remote(count_shard)
    try:
        group_docs = merge_census(ray.get([census_task.remote(shard) for shard in shards])).group_docs
        eligible = ray.put(eligible_groups(group_docs, settings))
        watch = ray.put(
            merge_screens(ray.get([screen_task.remote(shard, settings, eligible) for shard in shards]))
        )
        tally = merge_tallies(ray.get([count_task.remote(shard, watch, eligible) for shard in shards]))
    except ray.exceptions.RayTaskError as error:
        # A bad record in a worker: raise the library's own error, not Ray's traceback.
        if isinstance(error.cause, CleanerError):
            raise error.cause from None
        raise
    return decide(group_docs, tally, settings)


# ---------------------------------------------------------------- sources


TEXT_FILES_PER_SHARD = 1000


def read_text_files(paths: Sequence[str], group: str = "") -> Iterator[LearnDocument]:
    """Documents from text files, one per file, the path as id (a `Shard` via ``functools.partial``).

    A file's folder stands for its site in the syndicated-prose check (crawls are often
    stored as ``site/page``); the group is ``group`` for all of them.
    """
    for path in paths:
        document = read_document(Path(path))
        yield LearnDocument(path, group, document.text, str(Path(path).parent))


def read_record_file(
    path: str, *, text_field: str = "text", id_field: str = "id", group_by: str | None = None
) -> Iterator[LearnDocument]:
    """Documents from a JSONL or Parquet file, one per record; the id is ``id_field`` or ``file:line``.

    A record without the text field, or whose text is not a string, is a `DocumentError`
    naming the file and line (or row).
    """
    for number, record in read_records(path):
        text = record.get(text_field)
        if not isinstance(text, str):
            what = "has no field" if text_field not in record else "has a non-string value in"
            raise DocumentError(f"{path}:{number}: the record {what} {text_field!r}; see --text-field")
        doc_id = record.get(id_field)
        site = site_of(record, None)
        group = site if group_by is None else site_of(record, group_by)
        doc_id = f"{path}:{number}" if doc_id is None else str(doc_id)
        yield LearnDocument(doc_id, group, text, site or None)


def plan_shards(
    paths: Iterable[Path], *, text_field: str = "text", id_field: str = "id", group_by: str | None = None
) -> list[Shard]:
    """One shard per record file (JSONL or Parquet) and one per 1000 text files, in sorted order.

    Shards are ``functools.partial`` objects of this module's readers, so they pickle for Ray.
    """
    shards: list[Shard] = []
    text_files: list[str] = []
    for path in discover(paths):
        if not path.exists():
            raise DocumentError(f"{path}: no such file or folder")
        if str(path).lower().endswith(JSONL_SUFFIXES + PARQUET_SUFFIXES):
            shards.append(
                partial(
                    read_record_file, str(path), text_field=text_field, id_field=id_field, group_by=group_by
                )
            )
        else:
            text_files.append(str(path))
    if text_files and group_by:
        raise ConfigError(
            f"{text_files[0]}: --group-by needs records (JSONL or Parquet); text files form one group"
        )
    for start in range(0, len(text_files), TEXT_FILES_PER_SHARD):
        shards.append(partial(read_text_files, tuple(text_files[start : start + TEXT_FILES_PER_SHARD])))
    return shards


# ---------------------------------------------------------------- rule files


def pattern_for(text: str) -> str:
    r"""An anchored pattern matching every line that folds like ``text`` (use with ignore_case).

    >>> pattern_for("Updated 3 hours ago (c) A.B.")
    '^Updated\\s+\\d+\\s+hours\\s+ago\\s+\\(c\\)\\s+A\\.B\\.$'
    """
    parts = []
    for space, digits, other in PIECES.findall(text.strip()):
        parts.append(r"\s+" if space else r"\d+" if digits else regex.escape(other))
    return "^" + "".join(parts) + "$"


def site_slug(site: str) -> str:
    """A site as dotted lower-case words for rule names and file names.

    >>> site_slug("News.Example.com"), site_slug("Le Monde / Sport"), site_slug("")
    ('news.example.com', 'le-monde-sport', 'corpus')
    """
    try:
        ascii_site = site.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_site = site
    words = [SLUG_JUNK.sub("-", part).strip("-") for part in ascii_site.lower().split(".")]
    return ".".join(word for word in words if word) or "corpus"


MAX_STEM = 120  # file names hold at most 255 bytes; leave room for the suffix and a temporary name


def file_stem(slug: str) -> str:
    """A file name for a site's slug: the slug, or for a very long one its start and a digest.

    >>> file_stem("news.example.com"), len(file_stem("a" * 251))
    ('news.example.com', 120)
    """
    if len(slug) <= MAX_STEM:
        return slug
    digest = hashlib.blake2b(slug.encode(), digest_size=6).hexdigest()
    return f"{slug[: MAX_STEM - len(digest) - 1]}-{digest}"


def toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, plus DEL)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_pattern(pattern: str) -> str:
    """A pattern as a TOML literal string (no double escaping) when it can be one."""
    if "'''" in pattern or any((ord(ch) < 32 and ch != "\t") or ch == "\x7f" for ch in pattern):
        return toml_string(pattern)
    return f"'''{pattern}'''"


def rule_id(prefix: str, number: int) -> str:
    """The ``number``-th learned rule id: ``LRN001`` to ``LRN999``, then ``LRNA001`` ... ``LRNZZ999``.

    Ids have at most 5 letters and 3 digits, so after 999 rules a letter (then two) is
    added to the prefix; `id_number` reads it back. `ConfigError` when the letters run out.

    >>> rule_id("LRN", 7), rule_id("LRN", 1000), rule_id("LRN", 999 * 27 + 1)
    ('LRN007', 'LRNA001', 'LRNAA001')
    >>> all(id_number("LRN", rule_id("LRN", n)) == n for n in (1, 999, 1000, 26_000, 30_000))
    True
    """
    if not PREFIX_SHAPE.fullmatch(prefix):
        raise ConfigError(f"--id-prefix must be 2-5 capital letters, like LRN, not {prefix!r}")
    block, number_in_block = divmod(number - 1, 999)
    letters = 5 - len(prefix)
    if number < 1 or block >= sum(26**length for length in range(letters + 1)):
        raise ConfigError(
            f"learned rule number {number} does not fit in ids of prefix {prefix}; use a shorter --id-prefix"
        )
    suffix = ""
    length = 0
    while block >= 26**length:  # skip the blocks of shorter suffixes
        block -= 26**length
        length += 1
    for _ in range(length):
        block, letter = divmod(block, 26)
        suffix = chr(65 + letter) + suffix
    return f"{prefix}{suffix}{number_in_block + 1:03d}"


def id_number(prefix: str, rule_id: str) -> int | None:
    """The ordinal `rule_id` gave ``rule_id`` for ``prefix``, or None when it is not one of them."""
    if not rule_id.startswith(prefix) or len(rule_id) < len(prefix) + 3:
        return None
    suffix, digits = rule_id[len(prefix) : -3], rule_id[-3:]
    if not (digits.isascii() and digits.isdigit()) or digits == "000":
        return None
    if suffix and not (suffix.isascii() and suffix.isalpha() and suffix.isupper() and len(rule_id) <= 8):
        return None
    block: int = sum(26**length for length in range(len(suffix)))
    offset = 0
    for letter in suffix:
        offset = offset * 26 + ord(letter) - 65
    return (block + offset) * 999 + int(digits)


def render_rule_file(
    candidates: Sequence[Candidate],
    *,
    site: str,
    documents: int,
    prefix: str,
    first_number: int,
    settings: LearnSettings,
) -> str:
    """One site's learned lines as a rule file; ids count up from ``first_number``."""
    slug = site_slug(site)
    label = site or "the corpus"
    if not label.isprintable():  # a line break in a --group-by value would end the comment
        label = toml_string(label)
    lines = [
        f"# Template lines learned by `cleaner learn` from {documents} documents of {label}",
        f"# (min_docs {settings.min_docs}, min_share {settings.min_share:g}). Review every rule before use:",
        "# delete a rule whose line is real content. Apply with: cleaner check --rules THIS_FILE",
    ]
    for number, candidate in enumerate(candidates, 1):
        text = candidate.text
        where = " and ".join(candidate.examples)
        description = (
            f"Learned from {label}: this line occurs in {candidate.count} of its "
            f"{candidate.group_docs} documents ({candidate.share:.1%}), e.g. in {where}. Lines that "
            "differ only in case, spacing or digits count as the same line."
        )
        lines += [
            "",
            "[[rule]]",
            f'id = "{rule_id(prefix, first_number + number - 1)}"',
            f'name = "learned.{slug}.{number}"',
            'kind = "line"',
            f'category = "{CATEGORY}"',
            f"reason = {toml_string(f'Template line of {label}: in {candidate.share:.0%} of its documents')}",
            f"description = {toml_string(description)}",
            f"profiles = {json.dumps(list(PROFILES))}",
            "ignore_case = true",
            f"pattern = {toml_pattern(pattern_for(line_content(text)))}",  # rules see no list bullet
            f"examples.remove = [{toml_string(text + chr(10))}]",
            f"examples.keep = [{toml_string('Quoted in the story: ' + text + chr(10))}]",
        ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class RuleFilePlan:
    """One rule file to write: where, for which group and site label, how many rules, and its text."""

    path: Path
    group: str
    site: str
    rules: int
    text: str
    left_out: tuple[str, ...] = ()  # learned lines whose rule failed its own check, and why


def next_free_number(folder: Path, prefix: str, replaced: Iterable[Path]) -> int:
    """1 + the highest ``PREFIXnnn`` id in the rule files under ``folder``, files about to be replaced aside.

    So learned files for several corpora can sit in one folder and load together.
    """
    skip = {path.resolve() for path in replaced}
    highest = 0
    for path in sorted(folder.rglob("*.toml")) if folder.is_dir() else []:
        if path.resolve() in skip:
            continue
        try:
            tables = parse_nested(tomllib.loads, read_settings_text(path), path).get("rule", [])
        except (SettingsFileError, tomllib.TOMLDecodeError):
            continue  # loading the folder reports it; it holds no id we could clash with
        for table in tables if isinstance(tables, list) else []:
            rule_id = table.get("id") if isinstance(table, dict) else None
            number = id_number(prefix, rule_id) if isinstance(rule_id, str) else None
            highest = max(highest, number or 0)
    return highest + 1


def plan_rule_files(
    result: LearnResult, output: Path, *, prefix: str = "LRN", start: int | None = None
) -> list[RuleFilePlan]:
    """The rule files for ``result``: ``output`` itself when it ends in ``.toml`` (one site only),
    else one ``<site>.toml`` per site inside the folder ``output``. Sites with no learned line get no file.

    Ids count up across the files from ``start`` (default: after the ids already in the folder).
    Raises `ConfigError` for an output inside the built-in rule pack or a file for several sites.
    """
    builtin = builtin_rules_dir().resolve()
    if output.resolve() == builtin or builtin in output.resolve().parents:
        raise ConfigError(
            f"{output}: is inside the built-in rules ({builtin}); "
            "write learned rules elsewhere, e.g. rules/learned/"
        )
    groups = result.groups()
    single = output.suffix == ".toml"
    if single and len(groups) > 1:
        raise ConfigError(
            f"{output}: the corpus has {len(groups)} sites; give -o a folder to get one rule file per site"
        )
    folder = output.parent if single else output
    plans: list[tuple[Path, str, list[Candidate]]] = []  # (path, label, learned lines)
    used: set[str] = set()
    for group, learned in sorted(result.learned_by_group().items()):
        label = group or (output.stem if single else "")
        name = file_stem(site_slug(label))
        while name in used:
            name += "-2"
        used.add(name)
        plans.append((output if single else folder / f"{name}.toml", label, learned))
    number = start if start is not None else next_free_number(folder, prefix, [path for path, _, _ in plans])
    planned = []
    with tempfile.TemporaryDirectory(prefix="cleaner-learn-check-") as scratch:
        for path, label, learned in plans:
            render = partial(
                render_rule_file,
                site=label,
                documents=result.group_docs[learned[0].group],
                prefix=prefix,
                first_number=number,
                settings=result.settings,
            )
            ids = [rule_id(prefix, number + offset) for offset in range(len(learned))]
            kept, left_out = check_learned(learned, ids, render, Path(scratch) / "draft.toml")
            text = render(kept) if kept else ""
            planned.append(RuleFilePlan(path, learned[0].group, label, len(kept), text, left_out))
            number += len(kept)
    return planned


def check_learned(
    learned: Sequence[Candidate],
    ids: Sequence[str],
    render: Callable[[Sequence[Candidate]], str],
    draft: Path,
) -> tuple[list[Candidate], tuple[str, ...]]:
    """The learned lines whose rule (with id ``ids[n]`` in ``render``'s file) loads and passes
    its own examples, and a note on each other one.

    One odd line (a character the pattern cannot spell as the line reads, say) must not
    cost the site's other rules, so each rule is checked alone and a failing one is left
    out, named with its problem.
    """
    draft.write_text(render(learned), encoding="utf-8")
    problems: list[str] = []
    rules = {rule.id: rule for rule in read_rule_file(draft, problems)}
    kept: list[Candidate] = []
    left_out: list[str] = []
    for candidate, learned_id in zip(learned, ids, strict=True):
        rule = rules.get(learned_id)
        found = [problem for problem in problems if f" {learned_id}." in problem]
        if rule is not None:
            found = check_rule_examples([rule])
        if rule is None or found:
            why = found[0].split(f" {learned_id}.", 1)[-1] if found else "does not load"
            group = candidate.group if candidate.group.isprintable() else repr(candidate.group)
            left_out.append(f"{group or '(all)'}: left out {candidate.text[:80]!r}: its rule {why}")
        else:
            kept.append(candidate)
    if len(kept) < len(learned):  # the file as it will be written must load cleanly too
        draft.write_text(render(kept), encoding="utf-8")
        load_rules([draft], check_examples=True)
    return kept, tuple(left_out)



def write_rule_files(plans: Sequence[RuleFilePlan]) -> None:
    """Write each planned file that has rules, atomically (`plan_rule_files` checked them)."""
    for plan in plans:
        if not plan.rules:
            continue
        try:
            plan.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DocumentError(
                f"{plan.path.parent}: cannot create folder: {error.strerror or error}"
            ) from None
        write_atomically(plan.path, plan.text.encode("utf-8"))

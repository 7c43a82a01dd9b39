"""The tables of a quality report (the JSON-ready dict of ``bench/quality.py``).

Markdown tables: the summary with its targets, each set's figures per profile and extractor,
each profile's rules with the sets side by side, lines lost or removed, and the changes
against a saved report. Nothing here measures; it only reads the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

SET_LABELS = {"aeb": "AEB", "dragnet": "Dragnet", "trafilatura-eval": "trafilatura-eval"}
PAGE_EXTRACTORS = frozenset({"html-text", "inscriptis", "beautifulsoup"})
# A rule's counts in the report: removals, characters, non-blank lines removed, lines in
# the truth (``with`` lines on the snippet set), ``without`` lines, lost prose lines.
COUNTS = ("removals", "chars", "lines", "in_truth", "without", "prose_lost")


def set_label(name: str) -> str:
    """The display name of a set (a file given by path is shown by its name)."""
    return SET_LABELS.get(name, name)


def fits(profile: str, extractor: str) -> bool:
    """Whether a profile is meant for an extractor's text (``page`` for whole pages)."""
    return (extractor in PAGE_EXTRACTORS) == (profile == "page")


def pct(share: float, digits: int = 1) -> str:
    """A share as a percentage."""
    return f"{100 * share:.{digits}f}%"


def table(header: Sequence[str], rows: Iterable[Sequence[str]], *, left: int = 1) -> list[str]:
    """A Markdown table; the first ``left`` columns are left-aligned, the others right."""
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---" if i < left else "--:" for i in range(len(header))) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def render_truth(rows: dict[str, Any]) -> list[str]:
    """The per-extractor table of a set with truth text."""
    header = ["extractor", "docs", "P before", "R before", "F1 before", "P after", "R after", "F1 after",
              "ΔP", "ΔR", "ΔF1", "content loss", "prose lost", "chars removed"]  # fmt: skip
    body = []
    for name, row in rows.items():
        b, a, d = row["before"], row["after"], row["delta"]
        body.append([
            name, str(row["documents"]),
            f"{b['precision']:.4f}", f"{b['recall']:.4f}", f"{b['f1']:.4f}",
            f"{a['precision']:.4f}", f"{a['recall']:.4f}", f"{a['f1']:.4f}",
            f"{d['precision']:+.4f}", f"{d['recall']:+.4f}", f"{d['f1']:+.4f}",
            str(row["content_loss_documents"]), lost_cell(row), f"{row['chars_removed']:,}",
        ])  # fmt: skip
    return table(header, body)


def render_snippets(rows: dict[str, Any]) -> list[str]:
    """The per-extractor table of a set with snippets."""
    header = ["extractor", "docs", "with found", "with kept", "without found", "without removed",
              "P before", "R before", "F1 before", "P after", "R after", "F1 after", "ΔF1",
              "prose lost", "chars removed"]  # fmt: skip
    body = []
    for name, row in rows.items():
        s, b, a = row["snippets"], row["before"], row["after"]
        body.append([
            name, str(row["documents"]),
            f"{s['with_before']}/{s['with_total']}", pct(row["with_kept"], 2),
            f"{s['without_before']}/{s['without_total']}", pct(row["without_removed"]),
            f"{b['precision']:.4f}", f"{b['recall']:.4f}", f"{b['f1']:.4f}",
            f"{a['precision']:.4f}", f"{a['recall']:.4f}", f"{a['f1']:.4f}", f"{a['f1'] - b['f1']:+.4f}",
            lost_cell(row), f"{row['chars_removed']:,}",
        ])  # fmt: skip
    return table(header, body)


def lost_cell(row: dict[str, Any]) -> str:
    """Documents with prose lost, and their share."""
    return f"{row['prose_lost_documents']} ({pct(row['prose_lost_share'])})"


def chosen_extractors(
    report: dict[str, Any], set_name: str, profile: str, extractors: Sequence[str]
) -> list[str]:
    """The extractors whose removals the rule tables add up: those asked for, else the
    ones that fit the profile."""
    present = list(report["rules"].get(set_name, {}).get(profile, {}))
    if extractors:
        return [name for name in present if name in extractors]
    return [name for name in present if fits(profile, name)]


def rule_totals(
    report: dict[str, Any], set_name: str, profile: str, extractors: Sequence[str]
) -> dict[str, dict[str, int]]:
    """Per rule, its tallies added up over the chosen extractors of a set and profile."""
    totals: dict[str, Counter[str]] = {}
    by_extractor = report["rules"].get(set_name, {}).get(profile, {})
    for name in chosen_extractors(report, set_name, profile, extractors):
        for rule_id, counts in by_extractor[name].items():
            totals.setdefault(rule_id, Counter()).update(counts)
    return {rule_id: {key: totals[rule_id][key] for key in COUNTS} for rule_id in sorted(totals)}


def rule_matches(rule_id: str, wanted: Sequence[str]) -> bool:
    """Whether a rule id is one of ``wanted`` (ids or id prefixes); all when none."""
    return not wanted or any(rule_id.startswith(prefix) for prefix in wanted)


def rule_cells(kind: str, counts: dict[str, int] | None) -> list[str]:
    """One set's cells of a rule row."""
    width = 4 if kind == "truth" else 5
    if counts is None:
        return ["·"] * width
    lines = counts["lines"]
    share = f" ({pct(counts['in_truth'] / lines, 0)})" if lines else ""
    cells = [str(counts["removals"]), str(lines), f"{counts['in_truth']}{share}"]
    if kind == "snippets":
        cells.append(str(counts["without"]))
    return [*cells, str(counts["prose_lost"])]


def render_rules(
    report: dict[str, Any], profile: str, extractors: Sequence[str], wanted: Sequence[str]
) -> list[str]:
    """One table per profile: a row per rule, the sets side by side."""
    sets = [name for name in report["sets"] if profile in report["rules"].get(name, {})]
    if not sets:
        return []
    header, totals = ["rule"], {}
    for name in sets:
        label = set_label(name)
        if report["sets"][name]["kind"] == "truth":
            header += [f"{label} removals", "lines", "in truth", "prose lost"]
        else:
            header += [f"{label} removals", "lines", "with", "without", "prose lost"]
        totals[name] = rule_totals(report, name, profile, extractors)
    rule_ids = sorted(
        {rule_id for counts in totals.values() for rule_id in counts if rule_matches(rule_id, wanted)}
    )
    body = [
        [rule_id]
        + [
            cell
            for name in sets
            for cell in rule_cells(report["sets"][name]["kind"], totals[name].get(rule_id))
        ]
        for rule_id in rule_ids
    ]
    used = "; ".join(
        f"{set_label(name)}: {', '.join(chosen_extractors(report, name, profile, extractors)) or 'none'}"
        for name in sets
    )
    note = (
        'Counts of removed non-blank lines; "in truth" and "with" give the share of the rule\'s lines '
        f"too. Extractors added up: {used}."
    )
    return [note, "", *table(header, body)]


TARGET_COLUMNS = (
    ("aeb", "f1_delta", "AEB ΔF1"),
    ("aeb", "recall_after", "AEB R after"),
    ("dragnet", "f1_delta", "Dragnet ΔF1"),
    ("trafilatura-eval", "with_kept", "TE with kept"),
    ("trafilatura-eval", "without_removed", "TE without removed"),
    ("aeb", "prose_lost_share", "AEB prose lost"),
    ("dragnet", "prose_lost_share", "Dragnet prose lost"),
    ("trafilatura-eval", "prose_lost_share", "TE prose lost"),
)
# Issue 15's "Done when": per (profile, extractor), per column, (">=" or "<=", value); a
# column without a target is reported only.
ARTICLE_TARGETS = {
    "aeb f1_delta": (">=", 0.010), "trafilatura-eval with_kept": (">=", 0.998),
    "trafilatura-eval without_removed": (">=", 0.40), "aeb prose_lost_share": ("<=", 0.01),
    "dragnet prose_lost_share": ("<=", 0.01), "trafilatura-eval prose_lost_share": ("<=", 0.01),
}  # fmt: skip
PAGE_TARGETS = {
    "aeb f1_delta": (">=", 0.22), "aeb recall_after": (">=", 0.97),
    "trafilatura-eval with_kept": (">=", 0.985), "trafilatura-eval without_removed": (">=", 0.70),
    "aeb prose_lost_share": ("<=", 0.03), "dragnet prose_lost_share": ("<=", 0.03),
    "trafilatura-eval prose_lost_share": ("<=", 0.03),
}  # fmt: skip
TARGETS = (
    ("article", "trafilatura", ARTICLE_TARGETS),
    ("page", "html-text", PAGE_TARGETS),
    ("page", "inscriptis", PAGE_TARGETS),
)


def target_figure(
    report: dict[str, Any], set_name: str, profile: str, extractor: str, column: str
) -> float | None:
    """One figure of the target table, or None where it was not measured."""
    row = report["results"].get(set_name, {}).get(profile, {}).get(extractor)
    if row is None:
        return None
    if column == "f1_delta":
        value = row["delta"]["f1"] if "delta" in row else None
    elif column == "recall_after":
        value = row["after"]["recall"]
    else:
        value = row.get(column)
    return None if value is None else float(value)


def format_figure(column: str, value: float) -> str:
    """A target-table figure in its usual form."""
    if column == "f1_delta":
        return f"{value:+.4f}"
    if column == "recall_after":
        return f"{value:.4f}"
    return pct(value, 2 if column == "with_kept" else 1)


def render_targets(report: dict[str, Any]) -> list[str]:
    """The issue's target rows, each figure with its target and whether it is met."""
    header = ["profile / extractor"] + [label for _, _, label in TARGET_COLUMNS]
    body = []
    for profile, extractor, targets in TARGETS:
        row = [f"{profile} / {extractor}"]
        for set_name, column, _ in TARGET_COLUMNS:
            value = target_figure(report, set_name, profile, extractor, column)
            target = targets.get(f"{set_name} {column}")
            if value is None:
                row.append("·")
            elif target is None:
                row.append(format_figure(column, value))
            else:
                op, goal = target
                met = value >= goal if op == ">=" else value <= goal
                sign = "≥" if op == ">=" else "≤"
                verdict = "✓" if met else "✗"
                row.append(f"{format_figure(column, value)} {verdict} ({sign} {format_figure(column, goal)})")
        body.append(row)
    return table(header, body)


def render_languages(report: dict[str, Any], set_name: str) -> list[str]:
    """A snippet set's target rows per language of its pages: each share with the number
    of snippets it is a share of, since most languages have few pages."""
    by_profile = report.get("languages", {}).get(set_name, {})
    rows = [(p, e) for p, e, _ in TARGETS if e in by_profile.get(p, {})]
    if not rows:
        return []
    header = ["language", "pages"]
    for profile, extractor in rows:
        header += [f"{profile} / {extractor}: with kept", "without removed"]
    pages: dict[str, int] = {}  # a language's pages: the most any row counted (outputs may be missing)
    for profile, extractor in rows:
        for language, figures in by_profile[profile][extractor].items():
            pages[language] = max(pages.get(language, 0), figures["documents"])
    body = []
    for language in sorted(pages, key=lambda name: (-pages[name], name)):
        cells = [language, str(pages[language])]
        for profile, extractor in rows:
            row = by_profile[profile][extractor].get(language)
            if row is None:
                cells += ["·", "·"]
                continue
            for share, found in (("with_kept", "with_before"), ("without_removed", "without_before")):
                cells.append(f"{pct(row[share])} ({row[found]})" if row[found] else "·")  # no snippet: no share
        body.append(cells)
    return table(header, body)


def render(report: dict[str, Any], extractors: Sequence[str], wanted: Sequence[str]) -> str:
    """The full Markdown report: targets, per-set tables, per-rule tables."""
    sets = ", ".join(f"{set_label(n)} ({s['documents']} documents)" for n, s in report["sets"].items())
    out = [f"Data: {sets}; profiles: {', '.join(report['profiles'])}.", ""]
    out += ["Summary (✓ met, ✗ not yet; targets in brackets):", "", *render_targets(report), ""]
    for set_name, by_profile in report["results"].items():
        kind = report["sets"][set_name]["kind"]
        for profile, rows in by_profile.items():
            out += [f"### {set_label(set_name)}, `{profile}` profile", ""]
            out += [*(render_truth(rows) if kind == "truth" else render_snippets(rows)), ""]
        languages = render_languages(report, set_name)
        if languages:
            note = "(each share with, in brackets, the number of snippets found before cleaning)"
            out += [f"### {set_label(set_name)}, by language of the page {note}", "", *languages, ""]
    for profile in report["profiles"]:
        rules = render_rules(report, profile, extractors, wanted)
        if rules:
            out += [f"### Rules, `{profile}` profile", "", *rules, ""]
    return "\n".join(out).rstrip() + "\n"


def spread(items: Sequence[Any], count: int) -> list[Any]:
    """Up to ``count`` items spread evenly over ``items`` (deterministic)."""
    if len(items) <= count:
        return list(items)
    return [items[i * len(items) // count] for i in range(count)]


def keep_row(row: dict[str, str], extractors: Sequence[str], wanted: Sequence[str]) -> bool:
    """Whether a lost or sampled line is of the extractors and rules asked for."""
    extractor_ok = row["extractor"] in extractors if extractors else fits(row["profile"], row["extractor"])
    return extractor_ok and rule_matches(row["rule"], wanted)


def render_lines(rows: list[dict[str, str]], count: int, title: str, *, mark: bool = False) -> list[str]:
    """Up to ``count`` lines of each set and profile, with where they come from."""
    out: list[str] = []
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault((row["set"], row["profile"]), []).append(row)
    for (set_name, profile), group in groups.items():
        out += ["", f"{title}, {set_label(set_name)}, `{profile}` ({len(group)} in all):"]
        for row in spread(group, count):
            where = f"{row['id'][:24]} {row['extractor']} {row['rule']}" + (
                f" [{row['mark']}]" if mark else ""
            )
            out.append(f"  {where}: {row['line'][:300]}")
    return out


# --------------------------------------------------------------------------- comparing two runs

TRUTH_KEYS = (("F1", ("after", "f1")), ("P", ("after", "precision")), ("R", ("after", "recall")))
SNIPPET_KEYS = (
    ("with kept", ("with_kept",)),
    ("without removed", ("without_removed",)),
    ("F1", ("after", "f1")),
)


def dig(row: dict[str, Any], path: Sequence[str]) -> Any:
    """A nested value of a figures row."""
    for key in path:
        row = row[key]
    return row


def compare(
    old: dict[str, Any], new: dict[str, Any], extractors: Sequence[str], wanted: Sequence[str], show: int
) -> list[str]:
    """The changes from ``old`` to ``new``: per set/profile/extractor, per rule, lost lines."""
    out = ["## Changes against the saved run", ""]
    header = ["set", "profile", "extractor", "figure", "old", "new", "change"]
    body, same = [], 0
    for set_name, by_profile in new["results"].items():
        for profile, rows in by_profile.items():
            for extractor, row in rows.items():
                prior = old.get("results", {}).get(set_name, {}).get(profile, {}).get(extractor)
                if prior is None:
                    continue
                keys = TRUTH_KEYS if "delta" in row else SNIPPET_KEYS
                changes = [
                    [set_label(set_name), profile, extractor, label, f"{a:.4f}", f"{b:.4f}", f"{b - a:+.4f}"]
                    for label, path in keys
                    if abs((b := dig(row, path)) - (a := dig(prior, path))) >= 5e-5
                ]
                a, b = prior["prose_lost_documents"], row["prose_lost_documents"]
                if a != b:
                    changes.append(
                        [
                            set_label(set_name),
                            profile,
                            extractor,
                            "prose lost docs",
                            str(a),
                            str(b),
                            f"{b - a:+d}",
                        ]
                    )
                body += changes
                same += not changes
    out += table(header, body, left=4) if body else ["No figure changed."]
    out += ["", f"({same} set/profile/extractor rows unchanged)", ""]
    out += compare_rules(old, new, extractors, wanted)
    out += compare_lost(old, new, extractors, wanted, show)
    return out


def compare_rules(
    old: dict[str, Any], new: dict[str, Any], extractors: Sequence[str], wanted: Sequence[str]
) -> list[str]:
    """Rules whose counts changed, per set and profile (old → new)."""
    header = ["set", "profile", "rule", "removals", "lines", "in truth / with", "without", "prose lost"]
    body = []
    for set_name in new["sets"]:
        for profile in new["profiles"]:
            if set_name not in old.get("rules", {}) or profile not in old["rules"][set_name]:
                continue
            before = rule_totals(old, set_name, profile, extractors)
            after = rule_totals(new, set_name, profile, extractors)
            for rule_id in sorted(set(before) | set(after)):
                a, b = before.get(rule_id), after.get(rule_id)
                if a == b or not rule_matches(rule_id, wanted):
                    continue
                zero = dict.fromkeys(COUNTS, 0)
                a, b = a or zero, b or zero
                body.append([set_label(set_name), profile, rule_id] + [
                    f"{a[k]} → {b[k]}" if a[k] != b[k] else str(a[k])
                    for k in ("removals", "lines", "in_truth", "without", "prose_lost")
                ])  # fmt: skip
    if not body:
        return ["No rule's counts changed.", ""]
    return ["Rules whose counts changed:", "", *table(header, body, left=3), ""]


def compare_lost(
    old: dict[str, Any], new: dict[str, Any], extractors: Sequence[str], wanted: Sequence[str], show: int
) -> list[str]:
    """Lost prose lines new in this run, and those no longer lost."""

    def key(row: dict[str, str]) -> tuple[str, ...]:
        return (row["set"], row["profile"], row["extractor"], row["id"], row["line"])

    compared = {(s, p) for s in new["sets"] for p in new["profiles"] if p in old.get("rules", {}).get(s, {})}
    before = [
        row
        for row in old.get("lost", [])
        if (row["set"], row["profile"]) in compared and keep_row(row, extractors, wanted)
    ]
    after = [
        row
        for row in new["lost"]
        if (row["set"], row["profile"]) in compared and keep_row(row, extractors, wanted)
    ]
    old_keys, new_keys = {key(row) for row in before}, {key(row) for row in after}
    fresh = [row for row in after if key(row) not in old_keys]
    gone = [row for row in before if key(row) not in new_keys]
    out = [f"Lost prose lines: {len(fresh)} newly lost, {len(gone)} no longer lost."]
    if show:
        out += render_lines(fresh, show, "Newly lost")
    return out

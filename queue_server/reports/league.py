"""The province's league table: offices ranked on waiting, satisfaction and first contact.

Each figure ranks the offices that have it (lower wait p90 first, higher shares first); an
office's score is the mean of its ranks, and its place in the league is the rank of that
score (ties share a place, as in "1, 2, 2, 4"). An office without a served ticket in the
period has no place. Flags say what makes an office worth a look: more than a tenth of its
called tickets waited beyond their service's target (so its wait p90 is past the target),
or its "% hài lòng" is under the office's minimum.
"""

from __future__ import annotations

from collections.abc import Callable

WAIT_FLAG_SHARE = 0.10
# (name, how to read it from an office's row, whether a larger value is better)
FIGURES: tuple[tuple[str, Callable[[dict], float | None], bool], ...] = (
    ("wait_p90", lambda row: row["wait_s"]["p90"], False),
    ("satisfaction", lambda row: row["satisfaction"]["satisfied_share"], True),
    ("first_contact", lambda row: row["first_contact_share"], True),
)


def competition_ranks(values: dict[str, float], *, larger_is_better: bool) -> dict[str, int]:
    """{key: place} where equal values share a place and the next place is skipped."""
    ordered = sorted(values.values(), reverse=larger_is_better)
    return {key: ordered.index(value) + 1 for key, value in values.items()}


def league_places(rows: list[dict]) -> dict[str, dict]:
    """{office slug: {"place", "score", "ranks", "flags"}} for the province's offices."""
    ranked = [row for row in rows if row["served"] > 0]
    ranks: dict[str, dict[str, int]] = {row["office"]: {} for row in rows}
    for name, read, larger_is_better in FIGURES:
        values = {row["office"]: value for row in ranked if (value := read(row)) is not None}
        for slug, rank in competition_ranks(values, larger_is_better=larger_is_better).items():
            ranks[slug][name] = rank
    scores = {slug: round(sum(found.values()) / len(found), 2)
              for slug, found in ranks.items() if found}
    places = competition_ranks(scores, larger_is_better=False)
    return {row["office"]: {"place": places.get(row["office"]),
                            "score": scores.get(row["office"]),
                            "ranks": ranks[row["office"]], "flags": flags(row)}
            for row in rows}


def flags(row: dict) -> list[str]:
    """What to look at in an office's period: "wait", "satisfaction"."""
    found = []
    if (row["over_target"]["share"] or 0) > WAIT_FLAG_SHARE:
        found.append("wait")
    satisfied = row["satisfaction"]["satisfied_share"]
    if satisfied is not None and satisfied < row["satisfaction_minimum"]:
        found.append("satisfaction")
    return found

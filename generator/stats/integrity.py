"""Integrity signals: patterns that suggest scores were "faked good" (虚假好成绩).

None of these proves anything and nothing is dropped: each signal carries its
evidence so the manager can listen to the recordings and decide.  Callers'
shares and scores are compared with the rest of the garage, not with a fixed
bar, and only on at least the minimum sample, at the stricter level
``SIGNAL_P``; what should not happen at all (following up one's own visit,
a burst of identical times, surveying an answered visit again) is counted
against a small fixed bar instead.
"""

from __future__ import annotations

from collections import defaultdict

from generator.stats.intervals import share, summary_from_sums, two_proportion_p, welch_p

SIGNAL_P = 0.01
MIN_ITEMS_FOR_STRAIGHT_LINE = 3
BURST_SIZE = 3  # identical timestamps by one caller: two can be a typo, three is a pattern
# Repeat surveys by one caller, none prompted by a complaint or a "fault not fixed": one or two
# can be the slips of a busy desk (a call typed in twice, a customer who rang back to finish
# the questions), three is a habit.  A repeat that scored higher than the answer it repeats is
# flagged from the first: surveying a customer again until the answer is better is the faking.
REPEAT_HABIT = 3  # (the quality page words the rule: i18n "repeat_survey_rule")
EVIDENCE_LIMIT = 20
KINDS = ("self_followup", "straight_lining", "identical_timestamps", "implausible_reach_rate",
         "implausible_scores", "internal_external_gap", "repeat_survey")


def _signal(kind: str, subject: str | None, message: str, evidence: dict) -> dict:
    return {"kind": kind, "subject": subject, "message": message, "evidence": evidence}


def self_followups(statuses) -> list[dict]:
    """Follow-ups made by the advisor or a technician who served the visit."""
    found = defaultdict(list)
    for status in statuses:
        visit = status.visit
        for followup in status.attempts:
            if followup.by == visit.service_advisor or followup.by in visit.technicians:
                found[followup.by].append({"followup": followup.id, "visit": visit.id})
    return [_signal("self_followup", by, f"{by} followed up {len(rows)} visit(s) they served",
                    {"count": len(rows), "followups": rows[:EVIDENCE_LIMIT]})
            for by, rows in sorted(found.items())]


def is_straight_line(scores: dict[str, int], top: int) -> bool:
    # (a set of the values, made in C: every response of every report is asked)
    return len(scores) >= MIN_ITEMS_FOR_STRAIGHT_LINE and set(scores.values()) == {top}


def straight_lining(responses, top_by_survey: dict[str, int], min_sample: int) -> list[dict]:
    """Callers whose share of all-top-score answers is significantly above the rest's."""
    per_caller = defaultdict(lambda: [0, 0, []])
    for response in responses:
        entry = per_caller[response.by]
        entry[0] += 1
        if is_straight_line(response.scores, top_by_survey.get(response.survey, 10)):
            entry[1] += 1
            entry[2].append(response.followup)
    total = sum(entry[0] for entry in per_caller.values())
    flat = sum(entry[1] for entry in per_caller.values())
    signals = []
    for by, (n, count, ids) in sorted(per_caller.items()):
        rest_n, rest_count = total - n, flat - count
        p = two_proportion_p(count, n, rest_count, rest_n)
        if n >= min_sample and p is not None and p < SIGNAL_P and count / n > rest_count / rest_n:
            signals.append(_signal("straight_lining", by,
                                   f"{by}: {count} of {n} responses all top scores ({count / n:.0%}) "
                                   f"against {share(flat, total):.0%} for the garage",
                                   {"n": n, "count": count, "rate": count / n, "garage_rate": share(flat, total),
                                    "rest_rate": share(rest_count, rest_n), "p_value": p,
                                    "followups": ids[:EVIDENCE_LIMIT]}))
    return signals


def identical_timestamps(followups) -> list[dict]:
    """Several follow-ups logged by one caller at the very same minute."""
    groups = defaultdict(list)
    for followup in followups:
        at = followup.at
        # (nearly every time is typed to the minute: a new datetime for each was most of the cost)
        minute = at if not (at.second or at.microsecond) else at.replace(second=0, microsecond=0)
        groups[(followup.by, minute)].append(followup.id)
    return [_signal("identical_timestamps", by, f"{by} logged {len(ids)} follow-ups at {at:%Y-%m-%d %H:%M}",
                    {"at": at.isoformat(timespec="minutes"), "count": len(ids), "followups": ids[:EVIDENCE_LIMIT]})
            for (by, at), ids in sorted(groups.items()) if len(ids) >= BURST_SIZE]


def implausible_reach_rates(attempts, min_sample: int) -> list[dict]:
    """Callers who reach customers significantly more often than everyone else."""
    per_caller = defaultdict(lambda: [0, 0])
    for followup in attempts:
        per_caller[followup.by][0] += 1
        per_caller[followup.by][1] += followup.outcome == "reached"
    total = sum(n for n, _ in per_caller.values())
    reached = sum(k for _, k in per_caller.values())
    signals = []
    for by, (n, k) in sorted(per_caller.items()):
        rest_n, rest_k = total - n, reached - k
        p = two_proportion_p(k, n, rest_k, rest_n)
        if n >= min_sample and p is not None and p < SIGNAL_P and k / n > rest_k / rest_n:
            signals.append(_signal("implausible_reach_rate", by,
                                   f"{by} reached {k} of {n} ({k / n:.0%}) against {rest_k / rest_n:.0%} for the others",
                                   {"attempts": n, "reached": k, "rate": k / n, "rest_rate": rest_k / rest_n,
                                    "p_value": p}))
    return signals


def implausible_scores(responses, min_sample: int) -> list[dict]:
    """Callers whose responses score significantly higher than everyone else's."""
    per_caller = defaultdict(lambda: [0, 0.0, 0.0])
    for response in responses:
        if response.score is not None:
            entry = per_caller[response.by]
            entry[0] += 1
            entry[1] += response.score
            entry[2] += response.score * response.score
    n_all = sum(e[0] for e in per_caller.values())
    sum_all = sum(e[1] for e in per_caller.values())
    squares_all = sum(e[2] for e in per_caller.values())
    signals = []
    for by, (n, total, squares) in sorted(per_caller.items()):
        mine = summary_from_sums(n, total, squares)
        others = summary_from_sums(n_all - n, sum_all - total, squares_all - squares)
        p = welch_p(mine, others)
        if mine.n >= min_sample and p is not None and p < SIGNAL_P and mine.mean > others.mean:
            signals.append(_signal("implausible_scores", by,
                                   f"{by}: mean score {mine.mean:.1f} on {mine.n} responses against "
                                   f"{others.mean:.1f} for the others",
                                   {"n": mine.n, "mean": mine.mean, "rest_n": others.n, "rest_mean": others.mean,
                                    "p_value": p}))
    return signals


def internal_external_gap(internal: tuple[int, int], external: tuple[int, int], drop: float) -> list[dict]:
    """Internal satisfied share well above the survey firm's: the classic sign of biased calls."""
    (k_in, n_in), (k_ex, n_ex) = internal, external
    p = two_proportion_p(k_in, n_in, k_ex, n_ex)
    if p is None or p >= 0.05 or k_in / n_in - k_ex / n_ex < drop:
        return []
    return [_signal("internal_external_gap", None,
                    f"internal satisfied share {k_in / n_in:.0%} against {k_ex / n_ex:.0%} from external surveys",
                    {"internal_n": n_in, "internal_share": k_in / n_in, "external_n": n_ex,
                     "external_share": k_ex / n_ex, "p_value": p})]


def repeat_surveys(repeats) -> list[dict]:
    """Callers who surveyed again visits (cars sold) already answered for the same questionnaire
    and source, with nothing on record to make it their work (``RepeatSurvey.prompted_by``):
    at least ``REPEAT_HABIT`` such repeats, or one that scored higher than the first answer."""
    per_caller = defaultdict(list)
    for repeat in repeats:
        if repeat.prompted_by is None:
            per_caller[repeat.response.by].append(repeat)
    signals = []
    for by, found in sorted(per_caller.items()):
        raised = [repeat for repeat in found if scored_higher(repeat)]
        if len(found) < REPEAT_HABIT and not raised:
            continue
        # the raised ones first: they are what the evidence limit must not cut
        shown = raised + [repeat for repeat in found if not scored_higher(repeat)]
        signals.append(_signal("repeat_survey", by,
                               f"{by} surveyed {len(found)} answered visit(s) or car sale(s) again; "
                               f"{len(raised)} scored higher than the first answer",
                               {"count": len(found), "raised": len(raised),
                                "followups": [_repeat_row(repeat) for repeat in shown[:EVIDENCE_LIMIT]]}))
    return signals


def scored_higher(repeat) -> bool:
    """The repeat's score above the first answer's; on the satisfied verdict when either has no
    score (only the overall item answered)."""
    first, again = repeat.first, repeat.response
    if first.score is not None and again.score is not None:
        return again.score > first.score
    return first.satisfied is False and again.satisfied is True


def _repeat_row(repeat) -> dict:
    first, again = repeat.first, repeat.response
    return {"followup": again.followup, "visit": again.visit, "first": first.followup, "first_by": first.by,
            "first_score": first.score, "score": again.score}

"""Who is the interviewer: roles of speaker labels from the words they are written with, a
legend, and who asks the questions.
"""

from __future__ import annotations

from collections import Counter

from pipeline.stages.labels import known_role, label_core, label_key
from pipeline.types import INFORMANT, INTERVIEWER


def assign_roles(
    labels: list[str], asks: dict[str, float], legend: dict[str, str] | None = None
) -> dict[str, str]:
    """Role of each label: a legend (or a role declared for it) first, then the words it
    is written with, then who asks the questions.

    ``asks`` is, per label, the share of its turns that contain a question mark; ``legend``
    maps labels compared like :func:`label_key` (or like :func:`label_core`) to roles.
    """
    legend = legend or {}
    roles: dict[str, str] = {}
    unknown = []
    cores = {label_core(lab) for lab in labels}
    for lab in dict.fromkeys(labels):
        core = label_core(lab)
        role = known_role(lab)
        if core == "i" and "r" in cores and "p" not in cores:
            role = INTERVIEWER  # I: Interviewer / R: Responden
        declared = legend.get(label_key(lab), legend.get(core))
        if declared is not None:
            role = declared
        if role is None:
            unknown.append(lab)
        else:
            roles[lab] = role
    if unknown:
        has_interviewer = INTERVIEWER in roles.values()
        asker = max(unknown, key=lambda lab: (asks.get(lab, 0.0), -unknown.index(lab)))
        share = asks.get(asker, 0.0)
        for lab in unknown:
            is_asker = (
                not has_interviewer
                and lab == asker
                and share >= 0.5
                and (len(unknown) > 1 or share >= 0.8)
            )
            roles[lab] = INTERVIEWER if is_asker else INFORMANT
    return roles


def question_share(labelled_texts: list[tuple[str, str]]) -> dict[str, float]:
    """Per label, the share of its turns that ask something."""
    total: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    for label, text in labelled_texts:
        total[label] += 1
        asked[label] += "?" in text
    return {label: asked[label] / total[label] for label in total}



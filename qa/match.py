"""How well a fact's label answers the item a question names.

Chinese item names vary in wording (公务用车购置及运行维护费 / 公务用车运行维护费),
so matching is on character bigrams: how much of each asked term the fact's
subject, label or nearby words cover, and how much of the subject the question
explains. Generic words (支出, 预算, 合计…) count for little.
"""

from __future__ import annotations

from corpus.labels import bigrams, coverage
from corpus.model import Fact

GENERIC = {"支出", "收入", "预算", "决算", "合计", "总计", "费", "经费", "费用", "资金", "金额", "情况", "人员"}


def item_score(groups: list[list[str]], fact: Fact, context: str = "") -> float:
    """0..1: the asked terms' coverage of this fact (recall), tempered by how much of the
    fact's subject the question explains (precision), so 当年财政拨款支出 loses to 财政拨款支出
    when the question did not say 当年."""
    if not groups:
        return 0.0
    weights, hits = 0.0, 0.0
    for group in groups:
        weight = 0.3 if all(t in GENERIC for t in group) else 1.0
        best = max(
            max(coverage(t, fact.subject), 0.85 * coverage(t, fact.label), 0.7 * coverage(t, context)) for t in group
        )
        weights += weight
        hits += weight * best
    recall = hits / weights
    asked = frozenset().union(*(bigrams(t) for group in groups for t in group))
    subject = bigrams(fact.subject)
    precision = len(subject & asked) / len(subject) if subject else 0.0
    return recall * (0.75 + 0.25 * precision)

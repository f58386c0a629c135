"""Template leftovers: placeholders never filled in (XX局, ××) and alternatives never chosen ("增加（减少）").

These look at wording, not amounts, so each kind of leftover is raised once per report.
"""

from __future__ import annotations

import re

from audit.common import clip, result
from audit.finding import Evidence, Result
from audit.report import Report

_PLACEHOLDER = re.compile(r"(?<![A-Za-z])(?:[XＸ]{2,}|×{2,}|[xｘ]{2,}(?=[\u4e00-\u9fff]))(?![A-Za-z])")
_LEFTOVER = re.compile(r"(增加|增长|减少|下降|上升|降低|大于|小于)[（(](增加|增长|减少|下降|上升|降低|大于|小于)[)）]")


def leftovers(report: Report) -> list[Result]:
    """Unfilled template names and alternatives left in, each kind once with its first places."""
    out = []
    pages = report.doc.pages
    for pattern, kind, zh, en in (
        (_PLACEHOLDER, "placeholder", "模板占位符未替换", "template placeholder left in"),
        (_LEFTOVER, "template_wording", "模板备选用语未删除", "template alternative wording left in"),
    ):
        hits = [(p, m) for p in pages for m in pattern.finditer(p.text)]
        if not hits:
            continue
        texts = sorted({m.group() for _, m in hits})
        out.append(
            result(
                "template_leftovers",
                "broken",
                f"{zh}：{'、'.join(texts[:5])}（{len(hits)}处）",
                f"{en}: {', '.join(texts[:5])} ({len(hits)} place(s))",
                [],
                kind=kind,
                severity="warning",
                expected="具体名称或用语",
                found="、".join(texts[:5]),
                extra=[
                    Evidence(page=p.number, quote=clip(p.text, m.start(), 80), value=m.group()) for p, m in hits[:3]
                ],
            )
        )
    return out

"""audit/: a whole report checked against itself, rule by rule (the inspector's checklist in audit/rules.py).

The door is `audit_document(doc, facts)`; `evaluate(doc, facts)` gives every rule's results, holding or not, for
an answer's cross-check.
"""

from audit.finding import SEVERITY_RANK, Evidence, Finding, Result, Severity, at_least
from audit.rules import RULES, audit_document, evaluate

__all__ = [
    "RULES",
    "SEVERITY_RANK",
    "Evidence",
    "Finding",
    "Result",
    "Severity",
    "at_least",
    "audit_document",
    "evaluate",
]

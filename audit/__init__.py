"""audit/: a whole report checked against itself, rule by rule.

The door is `audit_document(doc, facts)`; findings are `Finding`s with `Evidence`.
"""

from audit.finding import SEVERITY_RANK, Evidence, Finding, Severity, at_least
from audit.runner import audit_document

__all__ = ["SEVERITY_RANK", "Evidence", "Finding", "Severity", "at_least", "audit_document"]

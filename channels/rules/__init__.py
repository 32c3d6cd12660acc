"""Completeness rules: what a product must have for each kind of channel (see `kinds`)."""

from channels.rules.base import Issue, Rule, Severity, field_location
from channels.rules.kinds import RULE_SETS, rules_for

__all__ = ["RULE_SETS", "Issue", "Rule", "Severity", "field_location", "rules_for"]

"""`check(product, channel)`: what a product still misses for a channel, from the channel's rules.

It checks the resolved product, so overrides, translations, channel prices and stock count exactly as the
feeds and the API will show them.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from catalog.models import Product
from channels.models import Channel
from channels.resolved import ResolvedProduct
from channels.resolver import resolve
from channels.rules import Issue, Rule, rules_for

__all__ = ["CompletenessReport", "Issue", "check", "check_resolved"]


@dataclass(frozen=True)
class CompletenessReport:
    issues: list[Issue] = field(default_factory=list)
    percent: int = 100

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "warning"]

    @property
    def ready(self) -> bool:
        """No errors: the product may go to the channel's feed."""
        return not self.errors


def check(product: Product, channel: Channel) -> CompletenessReport:
    """Check a product (the live one, or a revision's draft object) against the channel's rules."""
    return check_resolved(resolve(product, channel), channel)


def check_resolved(resolved: ResolvedProduct, channel: Channel) -> CompletenessReport:
    """Check an already resolved product (the bulk path resolves many at once)."""
    rules = _rules(channel.kind, tuple(channel.required_fields or ()))
    issues: list[Issue] = []
    passed = 0
    for rule in rules:
        found = rule.check(resolved)
        if not found:  # most rules pass: no generator to scan an empty list (a feed checks every product)
            passed += 1
            continue
        issues.extend(found)
        if not any(issue.severity == "error" for issue in found):
            passed += 1
    percent = 100 * passed // len(rules) if rules else 100
    return CompletenessReport(issues=issues, percent=percent)


@lru_cache(maxsize=64)
def _rules(kind: str, required_fields: tuple[str, ...]) -> tuple[Rule, ...]:
    return rules_for(kind, required_fields)

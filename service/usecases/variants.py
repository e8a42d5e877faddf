"""Policy what-if: the same instance under changed policy settings.

A variant is written `NAME: key=value, key=value` (CLI `--variant`, the API's comparison body):
any field of the instance's `policy`, e.g. `cap14: work_day_cap_hours=14` or
`rest8: min_rest_hours=8, max_secondary_hours_per_week=24`. Values are JSON (`null`, numbers,
`{"8": 8}`), else taken as text. The changed policy is validated like an instance's own, so a
bad key or value is an error naming the variant and the field, never a silently different solve.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from offduty.models.errors import InvalidInstance
from offduty.models.instance import Instance, Policy
from offduty.models.validation import parse_instance


@dataclass(frozen=True)
class PolicyVariant:
    name: str
    overrides: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        return ", ".join(f"{k}={json.dumps(v)}" for k, v in self.overrides.items()) or "the instance's policy"


class VariantError(ValueError):
    """A variant that cannot be read or applied; the message names it and the field."""


def parse_variant(text: str) -> PolicyVariant:
    """`"cap14: work_day_cap_hours=14, min_rest_hours=8"` → PolicyVariant("cap14", {...})."""
    name, sep, body = text.partition(":")
    name = name.strip()
    if not sep or not name:
        raise VariantError(f"variant {text!r}: write it as NAME: key=value, key=value")
    overrides: dict[str, Any] = {}
    for part in _split_top_level(body):
        key, eq, raw = part.partition("=")
        key = key.strip()
        if not eq or not key:
            raise VariantError(f"variant {name!r}: {part.strip()!r} is not key=value")
        if key not in Policy.model_fields:
            known = ", ".join(sorted(Policy.model_fields))
            raise VariantError(f"variant {name!r}: policy has no field {key!r} (fields: {known})")
        overrides[key] = _value(raw.strip())
    if not overrides:
        raise VariantError(f"variant {name!r}: no key=value given")
    return PolicyVariant(name, overrides)


def apply_variant(instance: Instance, variant: PolicyVariant) -> Instance:
    """The instance with the variant's policy, validated as a whole (raises VariantError)."""
    raw = instance.model_dump(mode="json")
    raw["policy"] = {**raw["policy"], **variant.overrides}
    try:
        return parse_instance(raw)
    except InvalidInstance as exc:
        problems = "; ".join(str(p) for p in exc.problems[:5])
        raise VariantError(f"variant {variant.name!r}: {problems}") from None


def _split_top_level(body: str) -> list[str]:
    """Split on commas that are not inside brackets or quotes (JSON values may hold commas)."""
    parts, depth, quote, start = [], 0, False, 0
    for i, ch in enumerate(body):
        if ch == '"':
            quote = not quote
        elif not quote and ch in "[{":
            depth += 1
        elif not quote and ch in "]}":
            depth -= 1
        elif not quote and depth == 0 and ch == ",":
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    return [p for p in parts if p.strip()]


def _value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw

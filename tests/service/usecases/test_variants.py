"""Policy variants: parsed from `NAME: key=value, ...`, applied with the instance's validation."""

import pytest

from offduty.models.validation import parse_instance
from offduty.service.usecases.variants import VariantError, apply_variant, parse_variant


def tiny() -> dict:
    """One member, one event, default policy."""
    return {"members": [{"id": "M", "seniority_date": "2000-01-01"}],
            "employers": [{"id": "E"}],
            "events": [{"id": "V", "employer": "E", "shifts": [
                {"id": "S", "start": "2026-09-13T10:00:00-05:00", "end": "2026-09-13T14:00:00-05:00",
                 "positions": [{"id": "P", "count": 1}]}]}]}


def test_parse_and_apply() -> None:
    text = 'cap14: work_day_cap_hours=14, min_rest_hours=8, work_day_lead_hours={"8": 6, "10": 5}'
    variant = parse_variant(text)
    assert variant.name == "cap14"
    assert variant.overrides == {"work_day_cap_hours": 14, "min_rest_hours": 8,
                                 "work_day_lead_hours": {"8": 6, "10": 5}}
    changed = apply_variant(parse_instance(tiny()), variant)
    assert changed.policy.work_day_cap_hours == 14 and changed.policy.min_rest_hours == 8
    assert changed.members == parse_instance(tiny()).members


@pytest.mark.parametrize(("text", "says"), [
    ("no colon here", "NAME: key=value"),
    ("x: work_day_cap=14", "no field 'work_day_cap'"),
    ("x: work_day_cap_hours", "not key=value"),
    ("x:", "no key=value"),
])
def test_bad_variants_name_the_problem(text: str, says: str) -> None:
    with pytest.raises(VariantError, match=says):
        parse_variant(text)


def test_a_bad_value_is_refused_by_the_policy_validation() -> None:
    with pytest.raises(VariantError, match=r"variant 'neg'.*policy.work_day_cap_hours"):
        apply_variant(parse_instance(tiny()), parse_variant("neg: work_day_cap_hours=-3"))

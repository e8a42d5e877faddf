"""E-EMPLOYER: nobody works for an employer that is not approved or is restricted
(§III.N–P, §IV.A.2)."""

import pytest

from tests.constraints.conftest import assert_everyone_excluded, assert_senior_chosen


@pytest.mark.parametrize("employer_fields", [
    {"approved": False},
    {"restricted": ["gambling"]},
    {"restricted": ["labor_dispute", "private_security"]},
], ids=["not-approved", "restricted", "restricted-twice"])
def test_bad_employer_bars_everyone(employer_fields):
    """Both members are free for the two slots, but the employer is not approved or restricted:
    nobody is assigned and both are counted under E-EMPLOYER."""
    assert_everyone_excluded("E-EMPLOYER", employer_fields=employer_fields)


def test_control_approved_unrestricted_employer():
    """Control: an approved employer with no restriction gets both members."""
    assert_senior_chosen(employer_fields={"approved": True, "restricted": []})

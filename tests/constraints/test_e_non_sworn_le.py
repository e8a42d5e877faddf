"""E-NON-SWORN-LE: non-sworn members work law-enforcement details only with a private officer
license (§IV.C.4); reserve members are not this rule's concern."""

import pytest

from tests.constraints.conftest import assert_senior_chosen, assert_senior_excluded

NON_SWORN = {"kind": "non_sworn", "rank": "civilian"}


def test_unlicensed_non_sworn_member_is_passed_over_on_law_enforcement_detail():
    """The senior member is non-sworn without a license, the detail is law enforcement: the
    junior (sworn) member gets it."""
    assert_senior_excluded("E-NON-SWORN-LE", senior_fields=NON_SWORN)


@pytest.mark.parametrize(("senior_fields", "event_fields"), [
    ({**NON_SWORN, "private_officer_license": True}, {}),
    (NON_SWORN, {"law_enforcement": False}),
    ({"kind": "reserve"}, {}),
], ids=["licensed", "not-law-enforcement", "reserve"])
def test_control_rule_does_not_apply(senior_fields, event_fields):
    """Controls: a licensed non-sworn member, a non-sworn member on a non-law-enforcement detail,
    and a reserve member all get the slot."""
    assert_senior_chosen(senior_fields=senior_fields, event_fields=event_fields)

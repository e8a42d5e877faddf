"""E-TAVERN-APPROVAL: tavern and nightclub details need the commander's approval first (§IV.A.2).

The events here carry `understaffing_approved` so that C-TAVERN-MIN (3 or none) stays out of the
way with two members.
"""

from tests.constraints.conftest import assert_everyone_excluded, assert_senior_chosen

TAVERN = {"tavern": True}


def test_unapproved_tavern_detail_bars_everyone():
    """A tavern employer's event without commander approval: nobody is assigned."""
    assert_everyone_excluded("E-TAVERN-APPROVAL", employer_fields=TAVERN,
                             event_fields={"commander_approved": False,
                                           "understaffing_approved": True})


def test_control_commander_approved():
    """Control: with the commander's approval both members are assigned."""
    assert_senior_chosen(employer_fields=TAVERN,
                         event_fields={"commander_approved": True, "understaffing_approved": True})


def test_control_not_a_tavern():
    """Control: an employer that is no tavern needs no approval."""
    assert_senior_chosen(employer_fields={"tavern": False},
                         event_fields={"commander_approved": False})

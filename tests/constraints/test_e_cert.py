"""E-CERT: a member without every certification a position requires does not take it (pillar 3)."""

import pytest

from tests.constraints.conftest import assert_senior_chosen, assert_senior_excluded


@pytest.mark.parametrize(("senior_certs", "required"), [
    ([], ["traffic"]),
    (["k9"], ["traffic"]),
    (["traffic"], ["traffic", "k9"]),
], ids=["none", "other", "one-of-two"])
def test_senior_missing_a_certification_is_passed_over(senior_certs, required):
    """The senior member lacks one required certification, the junior member holds them all."""
    assert_senior_excluded("E-CERT", senior_fields={"certifications": senior_certs},
                           junior_fields={"certifications": ["traffic", "k9"]},
                           position_fields={"certifications": required})


def test_control_all_certifications_held():
    """Control: holding every required certification (and more) the senior member gets it."""
    assert_senior_chosen(senior_fields={"certifications": ["k9", "traffic", "first_aid"]},
                         junior_fields={"certifications": ["traffic", "k9"]},
                         position_fields={"certifications": ["traffic", "k9"]})

"""The minimum number of responses and the "possible wrong key" rules of study.analysis, with
exact values (the planted items from real attempts are in tests/services/test_item_analysis_signals.py)."""

import pytest

from study.analysis import (
    ItemStats,
    WrongKey,
    enough_responses,
    flags_for,
    item_statistics,
    upper_group,
    upper_group_size,
    wrong_key_case,
    wrong_key_mcq,
)


@pytest.mark.parametrize(
    "n, k",
    [(0, 0), (1, 1), (2, 1), (5, 3), (19, 10), (20, 10), (37, 10), (38, 11), (100, 27), (900, 243), (1000, 270)],
)
def test_the_upper_group_is_27_percent_at_least_ten_or_the_upper_half(n, k):
    assert upper_group_size(n) == k


def test_ties_with_the_last_place_of_the_upper_group_are_all_in():
    assert upper_group([3, 1, 2, 0]) == [True, False, True, False]  # n = 4: the upper half
    assert upper_group([2, 2, 2, 0]) == [True, True, True, False]  # the 2nd place ties with the 3rd
    assert upper_group([5] * 6) == [True] * 6
    assert upper_group([]) == []


def test_the_minimum_is_inclusive_and_never_below_one():
    assert [enough_responses(n, 20) for n in (0, 19, 20, 21)] == [False, False, True, True]
    assert enough_responses(0, 0) is False and enough_responses(1, 0) is True
    assert flags_for(0.05, -10.0) == ("negative-discrimination", "too-hard")
    assert flags_for(0.05, -10.0, attempts=19, min_responses=20) == ()
    assert flags_for(0.05, -10.0, attempts=20, min_responses=20) == ("negative-discrimination", "too-hard")


def test_item_statistics_raise_no_flag_below_the_minimum_but_keep_the_figures():
    scores = [[1, 0], [0, 1]]
    assert item_statistics(scores, min_responses=3) == [
        ItemStats(2, 0.5, pytest.approx(0.5**0.5), -100.0, -100.0, (), False),
        ItemStats(2, 0.5, pytest.approx(0.5**0.5), -100.0, -100.0, (), False),
    ]
    first, _ = item_statistics(scores, min_responses=2)
    assert first.flags == ("negative-discrimination",) and first.enough is True
    # each column against its own count: a column served twice of three attempts
    served, partly = item_statistics([[1, 1], [0, float("nan")], [1, 0]], min_responses=3)
    assert (served.attempts, served.enough, partly.attempts, partly.enough, partly.flags) == (3, True, 2, False, ())


def test_a_distractor_the_upper_group_prefers_to_the_key():
    # ten answers, upper half = 5 (ranks by rest score 9..5): B four times, C (the key) once
    choices = [["B"], ["B"], ["B"], ["C"], ["B"], ["C"], ["C"], ["C"], ["A"], ["D"]]
    rest = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    assert wrong_key_mcq(choices, rest, ["C"]) == [WrongKey("distractor", "B", 4, "C", 1, 5)]
    assert wrong_key_mcq(choices, rest, ["C"], min_responses=11) == []
    assert wrong_key_mcq(choices, rest, ["C"], min_responses=10) == [WrongKey("distractor", "B", 4, "C", 1, 5)]
    # the whole class, not only the upper group, prefers the key: still the upper group decides
    assert wrong_key_mcq(choices, rest, ["B"]) == []
    # as many for the distractor as for the key: no signal
    assert wrong_key_mcq([["B"], ["C"], ["A"], ["A"]], [3, 3, 0, 0], ["C"]) == []
    # rows in another order: the same signal
    order = [4, 0, 9, 2, 7, 1, 3, 5, 8, 6]
    assert wrong_key_mcq([choices[i] for i in order], [rest[i] for i in order], ["C"]) == [WrongKey("distractor", "B", 4, "C", 1, 5)]


def test_a_key_of_several_letters_is_judged_by_its_least_chosen_letter():
    choices = [["A", "C"], ["A", "D"], ["A", "D"], ["B"]]
    rest = [3, 3, 3, 0]  # the three tied at the top are the upper group
    assert wrong_key_mcq(choices, rest, ["A", "C"]) == [WrongKey("distractor", "D", 2, "A/C", 1, 3)]
    assert wrong_key_mcq([], [], ["A"]) == []
    assert wrong_key_mcq([["A"]], [1], []) == []
    with pytest.raises(ValueError):
        wrong_key_mcq([["A"]], [1, 2], ["A"])


def test_a_case_key_line_more_than_half_of_the_upper_group_contradict():
    dx, pcs = ("diagnosis", "M16.11"), ("pcs", "0SR9019")
    agreed = [{pcs}, {pcs}, {dx, pcs}, {dx}, {dx, pcs}, {dx, pcs}]
    rest = [5, 4, 3, 2, 1, 0]  # n = 6: the upper half, the first three
    assert wrong_key_case(agreed, rest, [dx, pcs]) == [WrongKey("key-line", "M16.11", 2, "diagnosis", 1, 3)]
    # exactly half is not more than half: four in the upper group, two against
    assert wrong_key_case([{pcs}, {pcs}, {dx}, {dx}, set(), set(), set(), set()], [9, 8, 7, 6, 0, 0, 0, 0], [dx]) == []
    assert wrong_key_case(agreed, rest, [dx, pcs], min_responses=7) == []
    message = WrongKey("key-line", "M16.11", 2, "diagnosis", 1, 3).message
    assert message == "Possible wrong key: 2 of the 3 strongest learners did not enter the diagnosis key line M16.11 (only 1 did)."
    with pytest.raises(ValueError):
        wrong_key_case([set()], [], [dx])

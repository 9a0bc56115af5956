"""Instruments as data and their scoring: hand-computed examples, reverse scoring, missing
answers, values out of range, a document's mistakes, and properties that hold for any answers."""

import json
import math
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coachpro.domain.instruments import (
    FORMAT,
    Change,
    InstrumentError,
    change,
    in_clinical_range,
    read_instrument,
    reliable_change_index,
    score,
)


def shipped(name: str):
    text = resources.files("coachpro").joinpath("instruments", name).read_text("utf-8")
    return read_instrument(json.loads(text))


CSI4 = shipped("csi-4.json")
CSI16 = shipped("csi-16.json")


def small(**overrides) -> dict:
    """A made-up five-item instrument on a 1-5 agreement scale, items 2 and 4 reversed."""
    doc = {
        "format": FORMAT,
        "slug": "trust-check",
        "name": "Trust check",
        "citation": "Made up for these tests.",
        "scales": {
            "agree": {
                "options": [
                    {"value": v, "label": label}
                    for v, label in enumerate(
                        ["Disagree", "Rather disagree", "Unsure", "Rather agree", "Agree"],
                        start=1,
                    )
                ]
            }
        },
        "items": [
            {"key": "a", "text": "I can count on my partner.", "scale": "agree"},
            {
                "key": "b",
                "text": "I keep things from my partner.",
                "scale": "agree",
                "reverse": True,
            },
            {"key": "c", "text": "My partner keeps their word.", "scale": "agree"},
            {
                "key": "d",
                "text": "I doubt what my partner says.",
                "scale": "agree",
                "reverse": True,
            },
            {"key": "e", "text": "We repair after a fight.", "scale": "agree"},
        ],
        "scoring": {
            "method": "sum",
            "higher_is": "better",
            "max_missing": 1,
            "subscales": {
                "mine": {"name": "My side", "items": ["a", "b"]},
                "theirs": {"name": "Their side", "items": ["c", "d", "e"]},
            },
        },
        "cutoff": 15,
        "reliable_change": {"sd": 4.0, "reliability": 0.8, "source": "Made up."},
    }
    doc.update(overrides)
    return doc


# --- the shipped Couples Satisfaction Index ---------------------------------------------------


def test_the_csi_forms_are_read_with_their_published_shape():
    assert (len(CSI4.items), CSI4.lowest, CSI4.highest, CSI4.cutoff) == (4, 0, 21, 13.5)
    assert (len(CSI16.items), CSI16.lowest, CSI16.highest, CSI16.cutoff) == (16, 0, 81, 51.5)
    assert CSI4.items[0].text == (
        "Please indicate the degree of happiness, all things considered, of your relationship."
    )
    assert [o.label for o in CSI4.items[0].scale.options][0::6] == ["Extremely Unhappy", "Perfect"]
    assert "Journal of Family Psychology, 21(4), 572-583" in CSI16.citation
    # The CSI-4 is four of the CSI-16's items, word for word.
    assert {i.text for i in CSI4.items} <= {i.text for i in CSI16.items}
    # No item of the published forms is reverse-scored: the printed values are the points.
    assert not any(i.reverse for i in CSI16.items)


def test_csi4_hand_computed_scores():
    # Happy (3) + Mostly TRUE (3) + Somewhat (2) + A little (1) = 9: below the 13.5 cutoff.
    low = score(CSI4, {"1": 3, "2": 3, "3": 2, "4": 1})
    assert (low.total, low.complete, low.missing) == (9, True, ())
    assert in_clinical_range(CSI4, low.total)
    # Very Happy (4) + Completely (5, 5, 5) = 19: above it.
    high = score(CSI4, {"1": 4, "2": 5, "3": 5, "4": 5})
    assert high.total == 19 and not in_clinical_range(CSI4, 19)
    assert not in_clinical_range(CSI4, 13.5)  # the cutoff itself is not below it
    # What the coach's report and the partner's review print for those answers.
    happiness, truth = CSI4.item("1").scale, CSI4.item("2").scale
    assert (happiness.label_of(3), happiness.label_of(6)) == ("Happy", "Perfect")
    assert truth.label_of(3) == "Mostly TRUE"
    assert happiness.label_of(None) is None and happiness.label_of(7) is None


def test_csi16_semantic_pairs_score_the_value_printed_under_the_chosen_circle():
    answers = {str(k): 3 for k in range(1, 11)}
    # INTERESTING 5 4 3 2 1 0 BORING: the circle next to INTERESTING is worth 5 ...
    answers |= {"11": 5, "12": 5, "13": 0, "14": 5, "15": 0, "16": 5}
    # ... BAD 0 1 2 3 4 5 GOOD prints 5 next to GOOD; FULL ... EMPTY prints 0 next to EMPTY.
    result = score(CSI16, answers)
    assert result.total == 3 * 10 + 5 + 5 + 0 + 5 + 0 + 5
    interesting = CSI16.item("11").scale
    assert interesting.poles == ("INTERESTING", "BORING")
    assert [o.value for o in interesting.options] == [5, 4, 3, 2, 1, 0]
    assert [o.value for o in CSI16.item("12").scale.options] == [0, 1, 2, 3, 4, 5]


def test_csi_requires_every_answer():
    result = score(CSI4, {"1": 6, "2": 5, "3": 5})
    assert result.total is None and result.missing == ("4",) and result.answered == 3


# --- scoring rules ---------------------------------------------------------------------------


def test_reverse_scored_items_count_from_the_other_end():
    inst = read_instrument(small())
    # a=5, b=1 (reversed: 5), c=4, d=2 (reversed: 4), e=3  -> 5+5+4+4+3 = 21
    result = score(inst, {"a": 5, "b": 1, "c": 4, "d": 2, "e": 3})
    assert result.total == 21
    assert result.subscales == {"mine": 10, "theirs": 11}


def test_a_missing_answer_is_prorated_up_to_the_allowance():
    inst = read_instrument(small())
    # Four answers worth 5+5+4+4 = 18: the missing one counts as their mean, 18 * 5/4 = 22.5.
    result = score(inst, {"a": 5, "b": 1, "c": 4, "d": 2})
    assert (result.total, result.missing) == (22.5, ("e",))
    # Two missing is more than the one allowed: no score.
    assert score(inst, {"a": 5, "b": 1, "c": 4}).total is None
    # A subscale may miss 1 * 3 // 5 = 0 of its three: "theirs" is not scored, "mine" is.
    assert score(inst, {"a": 5, "b": 1, "c": 4, "d": 2}).subscales == {"mine": 10, "theirs": None}


def test_mean_scoring():
    inst = read_instrument(small(scoring={"method": "mean", "max_missing": 0}, cutoff=3))
    assert score(inst, {"a": 5, "b": 1, "c": 4, "d": 2, "e": 3}).total == 4.2
    assert (inst.lowest, inst.highest) == (1, 5)


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ({"a": 6}, "6 is not one of its answers"),
        ({"a": 0}, "0 is not one of its answers"),
        ({"a": -1}, "-1 is not one of its answers"),
        ({"z": 3}, "Not items of"),
    ],
)
def test_out_of_range_values_and_unknown_items_are_refused(answers, problem):
    with pytest.raises(InstrumentError, match=problem):
        score(read_instrument(small()), answers)


def test_reliable_change_from_sd_and_reliability():
    inst = read_instrument(small())
    # 1.96 * 4 * sqrt(2) * sqrt(1 - 0.8) = 4.958...
    assert inst.reliable_change.threshold == pytest.approx(4.9585, abs=1e-3)
    assert change(inst, 10, 15) is Change.IMPROVED
    assert change(inst, 10, 14) is Change.UNCHANGED
    assert change(inst, 15, 10) is Change.DETERIORATED
    assert reliable_change_index(inst, 10, 15) == pytest.approx(1.98, abs=0.01)


def test_when_lower_is_better_a_falling_score_is_an_improvement():
    inst = read_instrument(
        small(
            scoring={"method": "sum", "higher_is": "worse"},
            reliable_change={"critical_difference": 3, "source": "Made up."},
            cutoff=12,
        )
    )
    assert change(inst, 20, 16) is Change.IMPROVED
    assert change(inst, 16, 19) is Change.DETERIORATED
    assert change(inst, 16, 18) is Change.UNCHANGED
    assert in_clinical_range(inst, 13) and not in_clinical_range(inst, 12)


def test_no_figures_no_verdict():
    assert change(CSI4, 5, 20) is None and reliable_change_index(CSI4, 5, 20) is None


# --- reading a document ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"format": "other"}, "format"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"citation": ""}, "citation"),
        ({"items": []}, "items"),
        ({"items": [{"key": "a", "text": "x", "scale": "nope"}]}, r"items\[0\]\.scale"),
        ({"items": [{"key": "a", "text": "x", "scale": "agree", "reverse": "yes"}]}, "reverse"),
        (
            {"items": [{"key": "a", "text": "x", "scale": "agree"}] * 2},
            "two items have the same key",
        ),
        ({"scoring": {"method": "median"}}, "scoring.method"),
        ({"scoring": {"method": "sum", "max_missing": 5}}, "max_missing"),
        ({"scoring": {"method": "sum", "subscales": {"s": {"items": ["zz"]}}}}, "unknown item"),
        ({"cutoff": 99}, "outside the possible scores"),
        ({"cutoff": float("nan")}, "cutoff"),
        ({"reliable_change": {"sd": 4, "reliability": 1, "source": "x"}}, "reliability"),
        ({"reliable_change": {"sd": -1, "reliability": 0.5, "source": "x"}}, "sd"),
        ({"reliable_change": {"sd": 4, "reliability": 0.5}}, "source"),
        ({"scales": {"agree": {"options": [{"value": 1, "label": "Only"}]}}}, "between 2"),
        (
            {"scales": {"agree": {"options": [{"value": 1, "label": "a"}] * 2}}},
            "same value",
        ),
        ({"name": "Bell\x07"}, "control characters"),
    ],
)
def test_a_broken_document_names_its_first_problem(overrides, problem):
    with pytest.raises(InstrumentError, match=problem):
        read_instrument(small(**overrides))


def test_a_document_that_is_not_an_object_is_refused():
    for doc in ([], "csi", 4, None):
        with pytest.raises(InstrumentError):
            read_instrument(doc)


# --- properties ------------------------------------------------------------------------------


def answers_for(instrument, allow_missing: bool = False):
    def pick(item):
        values = st.sampled_from(sorted(item.scale.values))
        return st.one_of(st.none(), values) if allow_missing else values

    return st.tuples(*(pick(i) for i in instrument.items)).map(
        lambda values: {
            i.key: v for i, v in zip(instrument.items, values, strict=True) if v is not None
        }
    )


@given(answers_for(CSI16))
def test_any_complete_csi16_answers_score_within_0_to_81(answers):
    result = score(CSI16, answers)
    assert result.complete and 0 <= result.total <= 81
    assert result.total == sum(answers.values())  # no reversals: the points are the values


@given(answers_for(read_instrument(small()), allow_missing=True))
def test_prorated_scores_stay_within_the_possible_range(answers):
    inst = read_instrument(small())
    result = score(inst, answers)
    if len(answers) >= len(inst.items) - inst.max_missing:
        assert result.total is not None and inst.lowest <= result.total <= inst.highest
    else:
        assert result.total is None


@given(answers_for(read_instrument(small())))
def test_reversing_every_answer_mirrors_the_score(answers):
    inst = read_instrument(small())
    mirrored = {k: 6 - v for k, v in answers.items()}  # 1..5 scale: 1 <-> 5
    total, other = score(inst, answers).total, score(inst, mirrored).total
    assert math.isclose(total + other, inst.lowest + inst.highest)


@given(
    st.floats(0, 81, allow_nan=False),
    st.floats(0, 81, allow_nan=False),
    st.floats(0.5, 30),
    st.floats(0, 0.99),
)
def test_change_is_antisymmetric_and_unchanged_within_the_threshold(before, after, sd, rel):
    inst = read_instrument(small(reliable_change={"sd": sd, "reliability": rel, "source": "x"}))
    forward, backward = change(inst, before, after), change(inst, after, before)
    opposite = {
        Change.IMPROVED: Change.DETERIORATED,
        Change.DETERIORATED: Change.IMPROVED,
        Change.UNCHANGED: Change.UNCHANGED,
    }
    assert backward is opposite[forward]
    if abs(after - before) < inst.reliable_change.threshold - 1e-6:
        assert forward is Change.UNCHANGED

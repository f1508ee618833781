"""Selection of matches: a weaker narrative does not keep evidence that a stronger one explains better."""

from __future__ import annotations

from typing import Any

from narratrace.narratives.matcher import Candidate, Features, Matcher, MatcherParams

# score = sigmoid(10 * (s1 + s2) - 10): two sentences at 0.55 make 0.73, at 0.4 make 0.12
PARAMS = MatcherParams(calibration={"bias": -10.0, "w_s1": 10.0, "w_s2": 10.0}, threshold=0.5)


def matcher(**overrides: Any) -> Matcher:
    params = MatcherParams(**{**PARAMS.__dict__, **overrides})
    return Matcher(None, None, params)  # type: ignore[arg-type]  # selection needs neither


def cand(narrative: int, sims: tuple[float, ...]) -> Candidate:
    top = sorted(sims, reverse=True)
    return Candidate(narrative, Features(top[0], top[1], 0.0, 0.0), 0.0, sims)


def test_shared_evidence_goes_to_the_stronger_narrative() -> None:
    strong = cand(0, (0.80, 0.75, 0.10, 0.10))
    # close to the same two sentences, a little less: no evidence of its own
    echo = cand(1, (0.56, 0.55, 0.30, 0.20))
    assert [c.narrative for c in matcher(explain_away=False).select([echo, strong])] == [0, 1]
    assert [c.narrative for c in matcher().select([echo, strong])] == [0]


def test_a_second_narrative_with_sentences_of_its_own_stays() -> None:
    strong = cand(0, (0.80, 0.75, 0.10, 0.10))
    other = cand(1, (0.30, 0.20, 0.62, 0.60))
    kept = matcher().select([strong, other])
    assert [c.narrative for c in kept] == [0, 1]
    assert kept[1].features.s1 == 0.62 and kept[1].score > 0.5


def test_the_strongest_match_is_never_rescored_and_the_cap_holds() -> None:
    cands = [cand(i, (0.9 - i * 0.01, 0.85, 0.1)) for i in range(8)]
    kept = matcher(explain_away=False, max_matches=3).select(cands)
    assert [c.narrative for c in kept] == [0, 1, 2]
    assert [c.narrative for c in matcher().select(cands)] == [0]  # all share the same two sentences

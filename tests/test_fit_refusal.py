"""The refusal fit: the grid's best numbers, held-out figures, written in place."""

from __future__ import annotations

from pathlib import Path

from evals.fit_refusal import cross_validated, fit, rates, refused, write


def _rows() -> list[dict[str, object]]:
    """Answerable questions find close sentences; unanswerable ones do not, or miss a
    noun the base never uses."""
    rows: list[dict[str, object]] = []
    for i in range(20):
        rows.append({"set": "a" if i % 2 else "b", "unanswerable": False, "strong": False,
                     "best": 0.84 + (i % 5) * 0.01, "missing": i % 3, "unknown": 0})
    for i in range(10):
        rows.append({"set": "a" if i % 2 else "b", "unanswerable": True, "strong": i < 3,
                     "best": 0.86 if i % 2 else 0.70, "missing": 0, "unknown": 1})
    return rows


def test_the_fit_separates_what_the_data_separates() -> None:
    rows = _rows()
    params = fit(rows)
    figures = rates(rows, params)
    assert figures["answerable_refused"] == 0.0 and figures["unanswerable_refused"] == 1.0
    assert params[1] == 0.0  # a noun missing from the passages is no reason here
    held_out = cross_validated(rows)
    assert set(held_out) == {"a", "b"}
    assert refused({"strong": True, "best": 1.0, "missing": 0, "unknown": 0}, params)


def test_an_uncounted_count_is_fitted_like_the_nouns() -> None:
    """Unanswerable questions that ask a count the passages never give (« uncounted »)
    are refused once the fit weighs that feature; older rows without it read as 0."""
    rows = _rows()
    for i in range(6):
        rows.append({"set": "a" if i % 2 else "b", "unanswerable": True, "strong": False,
                     "best": 0.85, "missing": 0, "unknown": 0, "uncounted": 1})
    params = fit(rows)
    assert len(params) == 4 and params[3] > 0
    assert rates(rows, params)["unanswerable_refused"] == 1.0
    assert not refused({"strong": False, "best": 0.85, "missing": 0, "unknown": 0}, params)


def test_write_changes_only_the_refusal_values(tmp_path: Path) -> None:
    path = tmp_path / "calibration.yaml"
    path.write_text(
        "# head\nrefusal:\n  threshold:\n    value: 0.79\n    does: \"x\"\n"
        "    source: \"set by hand\"\n  missing_noun_penalty:\n    value: 0.06\n"
        "    does: \"y\"\n    source: \"set by hand\"\n  unknown_noun_penalty:\n"
        "    value: 0.1\n    does: \"z\"\n    source: \"set by hand\"\n  uncounted_penalty:\n"
        "    value: 0.0\n    does: \"w\"\n    source: \"set by hand\"\nother:\n  a:\n"
        "    value: 1\n", encoding="utf-8")
    write((0.8, 0.0, 0.12, 0.06), "python -m evals.fit refusal --write", path)
    text = path.read_text(encoding="utf-8")
    assert "value: 0.8\n" in text and "value: 0.0\n" in text and "value: 0.12\n" in text
    assert "value: 0.06\n" in text
    assert text.count("fitted by `python -m evals.fit refusal --write`") == 4
    assert text.startswith("# head\n") and text.endswith("    value: 1\n")


def test_a_fit_held_to_the_current_numbers_lowers_no_set() -> None:
    """Lifting one set and lowering the other is a fit, not a gain."""
    rows = _rows()
    current = (0.95, 0.0, 0.0, 0.0)  # refuses everything: nothing may refuse less unanswerable
    params = fit(rows, current)
    for name in ("a", "b"):
        mine = [r for r in rows if r["set"] == name]
        assert rates(mine, params)["unanswerable_refused"] >= rates(mine, current)[
            "unanswerable_refused"]
        assert rates(mine, params)["answerable_refused"] <= rates(mine, current)[
            "answerable_refused"]

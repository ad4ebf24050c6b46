"""The calibration file: every entry is documented and traceable; unknown keys fail loudly."""

from __future__ import annotations

import pytest

from knowledge.calibration import REQUIRED, CalibrationError, entries, tuned


def test_every_entry_says_what_it_does_and_where_it_comes_from() -> None:
    for key, entry in entries().items():
        missing = [field for field in REQUIRED if not entry.get(field)]
        assert not missing, f"{key} sans {missing}"


def test_an_unknown_number_is_an_error_not_a_default() -> None:
    with pytest.raises(CalibrationError, match="n'est pas défini"):
        tuned("nulle_part.inconnu")

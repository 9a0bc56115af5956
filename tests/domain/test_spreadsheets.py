"""CSV text cells never start a formula (OWASP's CSV injection advice)."""

import pytest

from coachpro.domain.spreadsheets import spreadsheet_text


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_that_would_be_a_formula_is_quoted(cell):
    assert spreadsheet_text(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Maya & Jordan", "", " =1", "1=1", "O'Brien", "(erased)"])
def test_ordinary_text_is_left_alone(cell):
    assert spreadsheet_text(cell) == cell

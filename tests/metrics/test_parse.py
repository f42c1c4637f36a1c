"""Parsing values and periods as documents state them."""

from datetime import date

import pytest

from analysis.metrics.parse import ParseError, parse_period, parse_scope, parse_value


@pytest.mark.parametrize(
    ("text", "unit", "value", "qualifier", "denominator"),
    [
        ("1486", "count", 1486, "", None),
        ("1,051 of 3,280", "count", 1051, "", 3280),
        ("59 of 99", "count", 59, "", 99),
        ("nearly 600", "count", 600, "nearly", None),
        ("56 staff", "count", 56, "", None),
        ("99%", "percent", 99, "", None),
        ("97.6 %", "percent", 97.6, "", None),
        ("30 per worker", "cases per worker", 30, "", None),
        ("17", "cases per worker", 17, "", None),
        ("£200,000", "GBP", 200_000, "", None),
        ("£1.2m", "GBP", 1_200_000, "", None),
    ],
)
def test_values_parse_as_stated(text, unit, value, qualifier, denominator):
    v = parse_value(text, unit)
    assert (v.value, v.qualifier, v.denominator) == (value, qualifier, denominator)


@pytest.mark.parametrize(
    ("text", "unit"),
    [("99", "percent"), ("12x", "count"), ("2.5", "count"), ("", "count"), ("200,000", "GBP")],
)
def test_values_in_the_wrong_form_are_refused(text, unit):
    with pytest.raises(ParseError, match=r"^(a|an) "):
        parse_value(text, unit)


@pytest.mark.parametrize(
    ("text", "label", "start", "end", "quality"),
    [
        ("December 2011", "December 2011", date(2011, 12, 1), date(2011, 12, 31), "exact"),
        ("end of April 2012", "end of April 2012", date(2012, 4, 30), date(2012, 4, 30), "exact"),
        (
            "end of February 2012",
            "end of February 2012",
            date(2012, 2, 29),
            date(2012, 2, 29),
            "exact",
        ),
        ("April and May 2012", "April–May 2012", date(2012, 4, 1), date(2012, 5, 31), "exact"),
        ("Apr-May 2012", "April–May 2012", date(2012, 4, 1), date(2012, 5, 31), "exact"),
        ("31 March 2012", "31 March 2012", date(2012, 3, 31), date(2012, 3, 31), "exact"),
        (
            "November 2009 to April 2012",
            "November 2009 to April 2012",
            date(2009, 11, 1),
            date(2012, 4, 30),
            "exact",
        ),
        (
            "year to date to September 2012",
            "year to date to September 2012",
            date(2012, 4, 1),
            date(2012, 9, 30),
            "approximate",
        ),
        (
            "year to date to February 2012",
            "year to date to February 2012",
            date(2011, 4, 1),
            date(2012, 2, 29),
            "approximate",
        ),
        (
            "about March 2012",
            "about March 2012",
            date(2012, 3, 1),
            date(2012, 3, 31),
            "approximate",
        ),
    ],
)
def test_periods_become_dates(text, label, start, end, quality):
    p = parse_period(text)
    assert (p.label, p.start, p.end, p.quality) == (label, start, end, quality)


def test_an_undated_figure_gets_no_invented_date():
    p = parse_period("before (undated)")
    assert (p.label, p.start, p.end, p.quality) == ("before (undated)", None, None, "undated")


@pytest.mark.parametrize("text", ["Decembr 2011", "May and April 2012", "31 February 2012", "2011"])
def test_bad_periods_are_refused(text):
    with pytest.raises(ParseError):
        parse_period(text)


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("service", "service"),
        ("R&A", "Referral and Assessment"),
        ("referral and assessment teams", "Referral and Assessment"),
        ("Family  Support", "Family Support"),
        ("FS", "Family Support"),
    ],
)
def test_team_names_are_normalised(text, scope):
    assert parse_scope(text) == scope


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("Famly Support", " (did you mean Family Support?)"),
        ("Referal and Assesment", " (did you mean Referral and Assessment?)"),
        ("Children in Care", ""),
    ],
)
def test_a_team_that_is_not_known_is_an_error_not_a_new_series(text, hint):
    with pytest.raises(ParseError) as err:
        parse_scope(text)
    assert str(err.value) == (
        "'service' or a known team (Family Support, Referral and Assessment; the list is "
        "data/raw/reference/teams.csv)" + hint
    )


def test_the_known_teams_are_data(tmp_path):
    from analysis.metrics import teams

    listed = tmp_path / "teams.csv"
    listed.write_text("team,alias\nChildren in Care,Children in Care\nChildren in Care,CiC\n")
    known = teams.load(listed)
    assert parse_scope("cic", known) == "Children in Care"
    with pytest.raises(ParseError, match="did you mean Children in Care"):
        parse_scope("Children in Car", known)

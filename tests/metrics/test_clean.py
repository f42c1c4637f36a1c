"""The cleaner: shipped data give every headline figure; bad input is reported and harms nothing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from file_trees import snapshot

from analysis import config
from analysis.cli import main
from analysis.errors import DataError
from analysis.metrics import tidy
from analysis.metrics.clean import clean

HEADER = "metric,scope,period,value,source,source_ref\n"
GOOD_ROW = "open_cin_cases,service,December 2011,1486,Cabinet report,para 4.7\n"


@pytest.fixture(scope="module")
def metrics(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("processed")
    clean(config.DATA_RAW, out)
    return tidy.read(out / "metrics.csv")


# Every headline figure of the cabinet report, with its paragraph (quoted in
# tests/fixtures/cabinet-report-2012-07-10-excerpt.txt).
HEADLINES = [
    ("initial_assessments_overdue", "service", "December 2011", 235, "para 4.3"),
    ("initial_assessments_overdue", "service", "end of April 2012", 0, "para 4.3"),
    ("core_assessments_overdue", "service", "December 2011", 125, "para 4.3"),
    ("core_assessments_overdue", "service", "end of April 2012", 5, "para 4.3"),
    ("staff_establishment", "service", "before (undated)", 56, "para 4.5"),
    ("staff_establishment", "service", "after (undated)", 81, "para 4.5"),
    ("caseload_per_worker", "Referral and Assessment", "before (undated)", 30, "para 4.5"),
    ("caseload_per_worker", "Referral and Assessment", "after (undated)", 17, "para 4.5"),
    ("caseload_per_worker", "Family Support", "before (undated)", 27, "para 4.5"),
    ("caseload_per_worker", "Family Support", "after (undated)", 20, "para 4.5"),
    ("open_cin_cases", "service", "December 2011", 1486, "para 4.7"),
    ("open_cin_cases", "service", "end of April 2012", 1000, "para 4.7"),
    ("initial_assessments_on_time_pct", "service", "April–May 2012", 99, "para 4.15"),
    ("core_assessments_on_time_pct", "service", "April–May 2012", 92, "para 4.15"),
    ("assurance_audits_completed", "service", "at the time of writing (undated)", 600, "para 4.15"),
    (
        "assurance_audits_inadequate_pct",
        "service",
        "at the time of writing (undated)",
        13,
        "para 4.15",
    ),
    (
        "family_support_commissioning",
        "service",
        "at the time of writing (undated)",
        200_000,
        "para 4.15",
    ),
    ("new_staff_commenced", "service", "at the time of writing (undated)", 4, "para 4.10"),
    ("appointments_in_pipeline", "service", "at the time of writing (undated)", 16, "para 4.10"),
]


@pytest.mark.parametrize(("metric", "scope", "period", "expected", "ref"), HEADLINES)
def test_every_headline_figure_is_in_the_table_with_its_paragraph(
    metrics, metric, scope, period, expected, ref
):
    row = metrics[
        (metrics.metric == metric) & (metrics.scope == scope) & (metrics.period == period)
    ]
    assert len(row) == 1
    assert row.iloc[0]["value"] == expected
    assert row.iloc[0]["source_ref"] == ref
    assert row.iloc[0]["source"].startswith("Peterborough City Council, Cabinet 10 July 2012")


def test_periods_and_qualifiers(metrics):
    cin = metrics[metrics.metric == "open_cin_cases"].set_index("period")
    assert cin.loc["December 2011", "period_start"] == pd.Timestamp("2011-12-01")
    assert cin.loc["end of April 2012", "period_end"] == pd.Timestamp("2012-04-30")
    undated = metrics[metrics.date_quality == "undated"]
    assert undated["period_start"].isna().all() and undated["period_end"].isna().all()
    audits = metrics[metrics.metric == "assurance_audits_completed"].iloc[0]
    assert audits["qualifier"] == "nearly"
    foi = metrics[(metrics.metric == "initial_assessments_late") & (metrics.period == "March 2010")]
    assert (foi.iloc[0]["value"], foi.iloc[0]["denominator"]) == (59, 99)


def test_every_row_is_cited_and_unique(metrics):
    assert (metrics["source"].str.len() > 0).all()
    assert (metrics["source_ref"].str.len() > 0).all()
    assert not metrics.duplicated(list(tidy.KEY)).any()


def test_output_is_byte_identical_when_rebuilt(tmp_path):
    clean(config.DATA_RAW, tmp_path / "a")
    clean(config.DATA_RAW, tmp_path / "b")
    assert (tmp_path / "a/metrics.csv").read_bytes() == (tmp_path / "b/metrics.csv").read_bytes()


WORDS = {"4": "four", "5": "five", "16": "sixteen"}


# The report's sentences that hold the figures, one paragraph a line, cited in the file.
EXCERPT = Path(__file__).parents[1] / "fixtures" / "cabinet-report-2012-07-10-excerpt.txt"


def test_transcribed_figures_appear_in_the_cited_paragraph():
    """Each cabinet-report row's number is printed in the paragraph it cites."""
    lines = EXCERPT.read_text(encoding="utf-8").splitlines()
    paragraphs = dict(line.split(" ", 1) for line in lines if line and not line.startswith("#"))
    raw = pd.read_csv(config.DATA_RAW / "cabinet_report_2012-07-10.csv", dtype=str)
    assert not raw.empty
    for _, row in raw.iterrows():
        ref = row["source_ref"].removeprefix("para ")
        assert ref in paragraphs, f"{row['source_ref']} is not in {EXCERPT.name}"
        para = paragraphs[ref]
        number = re.search(r"[\d,]+", row["value"]).group(0)
        # Documents spell small numbers out ("four new staff").
        word = WORDS.get(number, number)
        pattern = rf"(?<![\d,])(?:{re.escape(number)}|{word})(?![\d,])"
        assert re.search(pattern, " ".join(para.split()), re.I), (
            f"{row['metric']} {row['period']}: {number} is not in {row['source_ref']}"
        )


# --- bad input -------------------------------------------------------------------------------


def raw_dir_with(tmp_path: Path, text: str) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "figures.csv").write_text(text, encoding="utf-8")
    return raw


def run_clean(raw: Path, out: Path, capsys) -> tuple[int, str]:
    code = main(["clean", "--raw", str(raw), "--out", str(out)])
    return code, capsys.readouterr().err


def previous_output(tmp_path: Path) -> Path:
    out = tmp_path / "processed"
    clean(config.DATA_RAW, out)
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            HEADER + GOOD_ROW + "open_cin_cases,service,end of April 2012,1O00,Cabinet,para 4.7\n",
            ["figures.csv:3: column 'value': value '1O00': expected a whole number"],
        ),
        (
            "metric,scope,period,source,source_ref\n" + "open_cin_cases,service,May 2012,x,y\n",
            ["figures.csv:1: column 'value': expected this column in the header"],
        ),
        (
            HEADER + GOOD_ROW + GOOD_ROW,
            ["figures.csv:3: column 'period': value 'December 2011': expected one row per metric"],
        ),
        (
            HEADER + GOOD_ROW + "open_cin_cases,service,about Dec 2011,1400,Cabinet,para 4.7\n",
            [
                "figures.csv:3: column 'period': value 'about December 2011': "
                "expected one row per metric, scope and dates"
            ],
        ),
        (
            HEADER + "closed_cases,service,May 2012,5,Cabinet,para 4.7\n",
            ["figures.csv:2: column 'metric': value 'closed_cases': expected a metric id"],
        ),
        (
            HEADER + "initial_assessments_on_time_pct,service,May 2012,101%,Cabinet,para 4.15\n",
            ["figures.csv:2: column 'value': value '101%': expected a percentage from 0 to 100"],
        ),
        (
            HEADER + "caseload_per_worker,service,May 2012,17,Cabinet,para 4.5\n",
            ["figures.csv:2: column 'scope': value 'service': expected a team name"],
        ),
        (
            HEADER + "open_cin_cases,service,May 2012,1000,,\n",
            [
                "figures.csv:2: column 'source': value '': expected a citation",
                "figures.csv:2: column 'source_ref': value '': expected a citation",
            ],
        ),
    ],
    ids=[
        "bad value",
        "missing column",
        "duplicate row",
        "duplicate dates",
        "unknown metric",
        "percent over 100",
        "team metric without team",
        "no citation",
    ],
)
def test_bad_input_fails_loudly_and_leaves_processed_untouched(tmp_path, capsys, text, expected):
    out = previous_output(tmp_path)
    before = (out / "metrics.csv").read_bytes()
    raw = raw_dir_with(tmp_path, text)
    raw_before = (raw / "figures.csv").read_bytes()
    code, err = run_clean(raw, out, capsys)
    assert code == 1
    for message in expected:
        assert message in err
    assert (out / "metrics.csv").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["metrics.csv"]
    assert (raw / "figures.csv").read_bytes() == raw_before


def test_every_problem_is_reported_at_once(tmp_path, capsys):
    text = (
        HEADER
        + "open_cin_cases,service,Decembr 2011,1486,Cabinet,para 4.7\n"
        + "open_cin_cases,service,May 2012,lots,Cabinet,para 4.7\n"
        + "nope,service,May 2012,3,Cabinet,para 4.7\n"
    )
    code, err = run_clean(raw_dir_with(tmp_path, text), tmp_path / "out", capsys)
    assert code == 1
    assert "3 problems found" in err
    for line in (2, 3, 4):
        assert f"figures.csv:{line}:" in err
    assert not (tmp_path / "out").exists()


def test_an_empty_raw_folder_is_an_error(tmp_path):
    (tmp_path / "raw").mkdir()
    with pytest.raises(DataError, match="CSV files"):
        clean(tmp_path / "raw", tmp_path / "out")


def test_shipped_raw_files_are_not_written(tmp_path):
    copy = tmp_path / "raw"
    shutil.copytree(config.DATA_RAW, copy)
    before = snapshot(copy)  # the DfE files in raw/dfe/ included
    clean(copy, tmp_path / "out")
    assert snapshot(copy) == before


def test_a_metric_typo_names_the_catalogue_and_the_nearest_id(tmp_path, capsys):
    raw = raw_dir_with(tmp_path, HEADER + GOOD_ROW.replace("open_cin_cases", "open_cin_case"))
    code, err = run_clean(raw, tmp_path / "out", capsys)
    assert code == 1
    assert (
        "figures.csv:2: column 'metric': value 'open_cin_case': expected a metric id from the "
        "catalogue (src/analysis/metrics/metric_catalogue.csv, column 'id'); did you mean "
        "open_cin_cases?" in err
    )
    assert (config.ROOT / "src/analysis/metrics/metric_catalogue.csv").is_file()


def test_a_file_saved_as_windows_1252_names_the_line_and_byte(tmp_path, capsys):
    # Line 3's period "April\x962012" has Excel's Windows-1252 en dash (0x96) after
    # "open_cin_cases,service,April" (28 bytes): byte 29.
    raw = raw_dir_with(tmp_path, "")
    text = HEADER + GOOD_ROW + "open_cin_cases,service,April\x962012,1000,Cabinet report,para 4.7\n"
    (raw / "figures.csv").write_bytes(text.encode("latin-1"))
    code, err = run_clean(raw, tmp_path / "out", capsys)
    assert code == 1
    assert (
        "figures.csv:3: value 'byte 0x96 ('\u2013' in Windows-1252) at byte 29 of the line': "
        "expected UTF-8 text; this file looks saved in another encoding (Excel's plain 'CSV' is "
        "Windows-1252): save it again as 'CSV UTF-8 (Comma delimited)'" in err
    )
    assert not (tmp_path / "out").exists()


def test_blank_lines_are_skipped_with_lines_counted(tmp_path, capsys):
    # Lines: 1 header, 2 good, 3 blank, 4 commas only, 5 a bad value: named as line 5.
    bad = "open_cin_cases,service,end of April 2012,1O00,Cabinet,para 4.7\n"
    raw = raw_dir_with(tmp_path, HEADER + GOOD_ROW + "\n" + ",,,,,\n" + bad)
    code, err = run_clean(raw, tmp_path / "out", capsys)
    assert code == 1
    assert "1 problem found" in err and "figures.csv:5: column 'value': value '1O00'" in err


def test_an_unknown_metric_asked_for_by_code_names_the_catalogue_and_the_nearest_id():
    from analysis.metrics import catalogue

    with pytest.raises(KeyError) as err:
        catalogue.get("cin_rate_per_10")
    # The nearest first: one letter short of cin_rate_per_10k (cpp_ and cla_ differ by more).
    assert err.value.args[0].startswith(
        "unknown metric id 'cin_rate_per_10' (not in src/analysis/metrics/metric_catalogue.csv); "
        "did you mean cin_rate_per_10k or "
    )

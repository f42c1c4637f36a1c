"""Reading the case-level extracts: every bad row reported with file:line, or quarantined."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.cases import extract
from analysis.cli import main
from analysis.errors import DataError

A_HEADER = "child_id,assessment_id,assessment_type,start_date,completed_date,team,worker_id\n"
E_HEADER = "child_id,episode_id,start_date,end_date,team,worker_id\n"
GOOD_A = "C000001,A000001,initial,2012-03-05,2012-03-19,Referral and Assessment,RA0001\n"
GOOD_E = "C000001,E000001,2012-03-05,,Referral and Assessment,RA0001\n"

BAD_A = (
    A_HEADER
    + GOOD_A  # line 2
    + "C000002,A000002,initial,2012-13-01,,Referral and Assessment,RA0001\n"  # 3: bad date
    + "C000003,A000003,core,2012-03-05,2012-03-01,Family Support,FS0001\n"  # 4: before start
    + "C000004,A000001,core,2012-03-05,,Family Support,FS0001\n"  # 5: repeats line 2's id
    + "C000005,A000005,review,2012-03-05,,Family Support,FS0001\n"  # 6: unknown type
    + "\n"  # 7: blank line: no record, as clean reads it
    + "C000007,A000007,initial,2012-03-06,,Referral and Assessment,\n"  # 8: no worker
    + "C000008,A000008,single,2012-03-07,2012-03-08,Family Support,FS0002\n"  # 9: good
)


def write_extract(
    folder: Path, assessments: str = A_HEADER + GOOD_A, episodes: str = E_HEADER + GOOD_E
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "assessments.csv").write_text(assessments, encoding="utf-8")
    (folder / "cin_episodes.csv").write_text(episodes, encoding="utf-8")
    return folder


def test_good_extract_is_read_with_dates_types_and_hash(tmp_path):
    folder = write_extract(tmp_path)
    ex = extract.read_extract(folder)
    rows = ex.assessments.rows
    assert rows.loc[0, "start_date"] == pd.Timestamp("2012-03-05")
    assert rows.loc[0, "completed_date"] == pd.Timestamp("2012-03-19")
    assert rows.loc[0, "line"] == 2
    assert pd.isna(ex.episodes.rows.loc[0, "end_date"])
    expected = hashlib.sha256((folder / "assessments.csv").read_bytes()).hexdigest()
    assert ex.assessments.sha256 == expected
    assert ex.assessments.rows_read == 1 and len(ex.assessments.rejects) == 0


def test_every_bad_row_is_reported_at_once_with_file_and_line(tmp_path):
    folder = write_extract(tmp_path, assessments=BAD_A)
    with pytest.raises(DataError) as info:
        extract.read_extract(folder)
    found = [str(p) for p in info.value.problems]
    expected = [
        "assessments.csv:2: column 'assessment_id': value 'A000001': "
        "expected an id used once (also on line 5)",
        "assessments.csv:3: column 'start_date': value '2012-13-01': expected a date YYYY-MM-DD",
        "assessments.csv:4: column 'completed_date': value '2012-03-01': "
        "expected a date on or after start_date",
        "assessments.csv:5: column 'assessment_id': value 'A000001': "
        "expected an id used once (also on line 2)",
        "assessments.csv:6: column 'assessment_type': value 'review': "
        "expected one of initial, core, single",
    ]
    for line in expected:
        assert line in found
    assert not any(p.line == 7 for p in info.value.problems)  # the blank line
    assert any(p.line == 8 and p.column == "worker_id" for p in info.value.problems)
    assert not any(p.line == 9 for p in info.value.problems)


def test_missing_column_and_missing_file_are_reported(tmp_path):
    folder = write_extract(tmp_path, episodes="child_id,episode_id,start_date,team\n")
    (folder / "assessments.csv").unlink()
    with pytest.raises(DataError) as info:
        extract.read_extract(folder, quarantine=True)  # nothing to quarantine: still an error
    text = str(info.value)
    assert "cin_episodes.csv:1: column 'end_date': expected this column in the header" in text
    assert "cin_episodes.csv:1: column 'worker_id'" in text
    assert "expected the file assessments.csv in" in text


def test_quarantine_keeps_good_rows_and_gives_each_bad_row_its_reasons(tmp_path):
    folder = write_extract(tmp_path, assessments=BAD_A)
    table = extract.read_extract(folder, quarantine=True).assessments
    assert table.rows["line"].tolist() == [9]
    rejects = table.rejects
    assert rejects["line"].tolist() == [2, 3, 4, 5, 6, 8]
    assert table.rows_read == 7  # the blank line 7 is no row
    reason = rejects.set_index("line")["reason"]
    assert "value '2012-13-01': a date YYYY-MM-DD" in reason[3]
    assert "also on line 2" in reason[5]
    assert "column 'worker_id'" in reason[8]


def test_too_many_problems_are_listed_up_to_a_cap_with_a_count(tmp_path):
    rows = "".join(f"C1,A{i},initial,bad,,T,W\n" for i in range(250))
    with pytest.raises(DataError) as info:
        extract.read_extract(write_extract(tmp_path, assessments=A_HEADER + rows))
    problems = info.value.problems
    assert len(problems) == extract.MAX_LISTED + 1
    assert "150 more problems" in str(problems[-1])


def test_kpis_command_exits_1_naming_bad_rows(tmp_path, capsys):
    folder = write_extract(tmp_path / "cases", assessments=BAD_A)
    status = main(["kpis", "--cases", str(folder), "--out", str(tmp_path / "out")])
    assert status == 1
    err = capsys.readouterr().err
    assert "assessments.csv:3: column 'start_date': value '2012-13-01'" in err
    assert not (tmp_path / "out" / "metrics.csv").exists()


def test_kpis_quarantine_sets_rejects_aside_in_a_restricted_folder_and_records_the_count(
    tmp_path, capsys
):
    folder = write_extract(tmp_path / "cases", assessments=BAD_A)
    out, restricted = tmp_path / "out", tmp_path / "restricted"
    argv = ["kpis", "--cases", str(folder), "--out", str(out), "--quarantine", "--publish"]
    status = main([*argv, "--rejects", str(restricted)])
    assert status == 0
    printed = capsys.readouterr().out
    assert "assessments.csv: 6 of 7 rows quarantined" in printed  # line 7 is blank: no row
    assert "(record-level: restricted, never publish)" in printed
    # Rejected rows are records about children: never beside the table that may be published.
    assert sorted(p.name for p in out.iterdir()) == ["kpis_run.json", "metrics.csv"]
    rejects = pd.read_csv(restricted / "assessments.rejects.csv", dtype=str, keep_default_na=False)
    assert rejects["line"].tolist() == ["2", "3", "4", "5", "6", "8"]
    assert list(rejects.columns) == ["line", *extract.ASSESSMENTS.columns, "reason"]
    record = json.loads((out / "kpis_run.json").read_text())
    a = record["extracts"][0]
    assert (a["file"], a["rows_read"], a["rows_used"], a["rows_quarantined"]) == (
        "assessments.csv",
        7,
        1,
        6,
    )
    assert a["rejects_file"].endswith("assessments.rejects.csv")


@pytest.mark.parametrize("where", ["out/rejects", "reports/rejects"])
def test_kpis_refuses_to_put_rejects_where_they_could_be_published(
    tmp_path, capsys, monkeypatch, where
):
    monkeypatch.setattr(config, "REPORTS", tmp_path / "reports")
    folder = write_extract(tmp_path / "cases", assessments=BAD_A)
    out = tmp_path / "out"
    argv = ["kpis", "--cases", str(folder), "--out", str(out), "--quarantine"]
    assert main([*argv, "--rejects", str(tmp_path / where)]) == 2
    assert "rejected rows are record-level" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / where).exists()


def test_kpis_without_publish_says_its_table_is_not_for_publication(tmp_path, capsys):
    folder = write_extract(tmp_path / "cases", assessments=A_HEADER + GOOD_A)
    out = tmp_path / "out"
    assert main(["kpis", "--cases", str(folder), "--out", str(out)]) == 0
    assert "metrics.csv: not for publication: counts from 1 to the threshold are not" in (
        capsys.readouterr().out
    )
    record = json.loads((out / "kpis_run.json").read_text())
    assert (record["for_publication"], record["publication_note"][:19]) == (
        False,
        "not for publication",
    )
    assert main(["kpis", "--cases", str(folder), "--out", str(out), "--publish"]) == 0
    assert "not for publication" not in capsys.readouterr().out
    record = json.loads((out / "kpis_run.json").read_text())
    assert (record["for_publication"], record["publication_note"]) == (True, None)


def test_adjacent_repeated_id_in_sorted_extract_is_found(tmp_path):
    rows = GOOD_A + GOOD_A.replace("C000001", "C000009")  # same assessment id twice, in order
    with pytest.raises(DataError) as info:
        extract.read_extract(write_extract(tmp_path, assessments=A_HEADER + rows))
    assert [p.line for p in info.value.problems] == [2, 3]


@pytest.mark.parametrize("blank", ["\n", ",,,,,,\n", "   \n", " , ,,,,,\n"])
def test_a_blank_line_is_skipped_as_clean_skips_it(tmp_path, blank):
    # Lines: 1 header, 2 C000001, 3 blank, 4 C000008; clean's reader also skips a line whose
    # cells are all blank (tests/metrics/test_clean.py).
    good = "C000008,A000008,single,2012-03-07,2012-03-08,Family Support,FS0002\n"
    folder = write_extract(tmp_path, assessments=A_HEADER + GOOD_A + blank + good)
    table = extract.read_extract(folder).assessments
    assert table.rows["line"].tolist() == [2, 4]
    assert table.rows_read == 2 and len(table.rejects) == 0


def test_an_extract_saved_as_windows_1252_names_the_line_and_byte(tmp_path):
    # "Family Support" with an en dash typed by Excel: 0x96 in Windows-1252, not UTF-8. Line 3
    # is "C000002,A000002,initial,2012-03-06,,Family " (43 bytes), then the dash: byte 44.
    row = "C000002,A000002,initial,2012-03-06,,Family \x96 Support,FS0001\n".encode("latin-1")
    folder = write_extract(tmp_path)
    path = folder / "assessments.csv"
    path.write_bytes(path.read_bytes() + row)
    with pytest.raises(DataError) as info:
        extract.read_extract(folder)
    assert str(info.value.problems[0]) == (
        "assessments.csv:3: value 'byte 0x96 ('\u2013' in Windows-1252) at byte 44 of the line': "
        "expected UTF-8 text; this file looks saved in another encoding (Excel's plain 'CSV' is "
        "Windows-1252): save it again as 'CSV UTF-8 (Comma delimited)'"
    )


def test_kpis_sets_nothing_aside_when_it_writes_nothing_and_leaves_others_rejects_alone(
    tmp_path, capsys
):
    folder = write_extract(tmp_path / "cases", assessments=BAD_A)
    out, restricted = tmp_path / "out", tmp_path / "restricted"
    restricted.mkdir()
    earlier = restricted / "assessments.rejects.csv"
    earlier.write_text("line,reason\n9,an analyst's earlier quarantine\n", encoding="utf-8")
    argv = ["kpis", "--cases", str(folder), "--out", str(out), "--rejects", str(restricted)]
    # A run that stops (no month to count in 2030) writes no rejects either.
    assert main([*argv, "--quarantine", "--from", "2030-01"]) == 2
    assert "nothing was written" in capsys.readouterr().err
    assert earlier.read_text(encoding="utf-8").endswith("earlier quarantine\n")
    # A run without --quarantine (as the kpis stage of every report) does not touch them.
    good = write_extract(tmp_path / "good", assessments=A_HEADER + GOOD_A)
    good_argv = ["kpis", "--cases", str(good), "--out", str(out), "--rejects", str(restricted)]
    assert main(good_argv) == 0
    assert earlier.read_text(encoding="utf-8").endswith("earlier quarantine\n")
    assert not out.joinpath("rejects").exists()

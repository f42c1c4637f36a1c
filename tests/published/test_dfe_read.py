"""Reading the DfE files: symbols stay symbols; every bad value is reported, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import config
from analysis.cli import main
from analysis.errors import DataError
from analysis.published.read import read_published, split_value

DFE = config.DATA_RAW / "dfe"
B1 = "b1_children_in_need_2013_to_2025.csv"
C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"


def corrupt_copy(tmp_path: Path, name: str, line: int, old: str, new: str) -> Path:
    """A copy of every DfE file in tmp_path, with one value on one line of one file changed."""
    folder = tmp_path / "dfe"
    shutil.copytree(DFE, folder)
    path = folder / name
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("c", (None, "c")),
        ("low", (None, "low")),
        (":", (None, ":")),
        ("0", (0.0, "")),
        ("17.1", (17.1, "")),
    ],
)
def test_split_value_keeps_symbols(text, expected):
    assert split_value(text) == expected


def test_committed_files_pass_their_schemas():
    published = read_published(DFE)
    assert set(published.tables) == {"b1", "c1", "d5", "cla", "csww", "ons"}
    assert set(published.neighbours) == {"2025", "2021"}
    # sn_model_2025_wide.csv has 153 authorities; the 2021 file 155 plus 4 abolished ones.
    assert len(published.neighbours["2025"]) == 153
    assert len(published.neighbours["2021"]) == 159 - 3


def test_non_number_reported_with_file_line_column_value(tmp_path):
    # b1:2062 is Peterborough 2013, whose At31_episodes is 1597 (the last but one field).
    folder = corrupt_copy(tmp_path, B1, 2062, ",1597,36", ",15x7,36")
    with pytest.raises(DataError) as err:
        read_published(folder)
    text = str(err.value)
    assert (
        f"{folder / B1}:2062: column 'At31_episodes': value '15x7': expected a number of at "
        "least 0 or a symbol (c, x, z, u, low, k, :)"
    ) in text


def test_every_problem_reported_at_once(tmp_path):
    # c1:96 is Peterborough 2025 (rereferral_percent 19.8); b1:2062 as above.
    folder = corrupt_copy(tmp_path, B1, 2062, ",1597,36", ",,36")
    path = folder / C1
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[95] = lines[95].replace(",19.8,", ",nineteen,", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_published(folder)
    problems = [str(p) for p in err.value.problems]
    assert any(
        p.startswith(f"{folder / B1}:2062: column 'At31_episodes': value ''") for p in problems
    )
    assert any(
        p.startswith(f"{folder / C1}:96: column 'rereferral_percent': value 'nineteen'")
        for p in problems
    )


def test_missing_column_and_unknown_level(tmp_path):
    folder = corrupt_copy(tmp_path, B1, 1, "At31_episodes", "At31")
    path = folder / B1
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2].replace(",Regional,", ",Region,", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_published(folder)
    text = str(err.value)
    assert f"{folder / B1}:1: column 'At31_episodes': expected this column in the header" in text
    assert (
        f"{folder / B1}:3: column 'geographic_level': value 'Region': expected one of National, "
        "Regional, Local authority"
    ) in text


def test_command_reports_bad_input_and_writes_nothing(tmp_path, capsys):
    folder = corrupt_copy(tmp_path, B1, 2062, ",1597,36", ",15x7,36")
    out = tmp_path / "out"
    status = main(
        ["benchmark", "--authority", "Peterborough", "--dfe", str(folder), "--out", str(out)]
    )
    assert status == 1
    err = capsys.readouterr().err
    assert f"{B1}:2062: column 'At31_episodes': value '15x7'" in err
    assert not out.exists()


def test_a_new_year_without_its_populations_is_one_problem(tmp_path, capsys):
    # b1 with its 2025 rows repeated as 2026: rates for 2026 divide by ONS mid-2025, which the
    # ONS file (mid-2012 to mid-2024) lacks. b1's 2025 rows: 1 national, 9 regions (E12000001
    # to E12000009; Inner and Outer London, E13, are not compared) and 153 authorities: 163
    # areas, said once rather than once each.
    folder = tmp_path / "dfe"
    shutil.copytree(DFE, folder)
    path = folder / B1
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    new = [line.replace("2025,", "2026,", 1) for line in lines if line.startswith("2025,")]
    path.write_text(lines[0] + "".join(new) + "".join(lines[1:]), encoding="utf-8")
    out = tmp_path / "out"
    status = main(["benchmark", "--authority", "Luton", "--dfe", str(folder), "--out", str(out)])
    assert status == 1
    err = capsys.readouterr().err
    assert "1 problem found:" in err
    assert (
        "ons_mid-year_population_estimates_2012_to_2024.csv: column 'population_estimate': "
        "expected children aged 0 to 17 at mid-year 2025, to divide the 2026 figures of "
        f"{B1} by: no ONS mid-2025 population for 163 areas (England, 9 regions and 153 "
        "authorities): add the new mid-year estimates to this file"
    ) in err
    assert not out.exists()


def test_a_dfe_file_resaved_as_windows_1252_names_the_line_and_byte(tmp_path, capsys):
    # b1 line 3 is England's North East in 2025: "2025," (5 bytes) "Reporting year," (15)
    # "Regional," (9) "E92000001," (10) "England," (8) "E12000001," (10) = 57 bytes, then
    # "North East". Its "N" written as a Windows-1252 byte (0xD1, "Ñ") is byte 58 of the line.
    folder = tmp_path / "dfe"
    shutil.copytree(DFE, folder)
    path = folder / B1
    data = path.read_bytes().split(b"\n")
    assert data[2].index(b",North East,") == 56
    data[2] = data[2].replace(b",North East,", b",\xd1orth East,")
    path.write_bytes(b"\n".join(data))
    out = str(tmp_path / "out")
    status = main(["benchmark", "--authority", "Luton", "--dfe", str(folder), "--out", out])
    assert status == 1
    err = capsys.readouterr().err
    assert (
        f"{folder / B1}:3: value 'byte 0xD1 ('\u00d1' in Windows-1252) at byte 58 of the line': "
        "expected UTF-8 text" in err
    )
    assert "save it again as 'CSV UTF-8 (Comma delimited)'" in err


def test_a_repeated_row_names_the_line_it_repeats(tmp_path):
    # b1:2062 (Peterborough 2013) copied over b1:2063: the same year, level and authority twice.
    folder = corrupt_copy(tmp_path, B1, 2062, ",1597,36", ",1597,36")
    path = folder / B1
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2062] = lines[2061]
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_published(folder)
    repeats = [str(p) for p in err.value.problems if "one row per" in str(p)]
    # Reported once, on the second of the two lines, naming the first.
    assert len(repeats) == 1
    assert repeats[0].startswith(f"{folder / B1}:2063: ")
    assert repeats[0].endswith(f"the same is at {folder / B1}:2062")

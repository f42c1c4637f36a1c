"""The privacy guard catches planted record-level data and passes realistic aggregate outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis import config
from analysis.cli import main
from analysis.privacy import guard
from analysis.report import pages

SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def record_level_frame(n: int = 15) -> pd.DataFrame:
    """Made-up case records: what must never reach a published output."""
    return pd.DataFrame(
        {
            "child_id": [f"C{100000 + i:06d}" for i in range(n)],
            "date_of_birth": [f"2008-0{1 + i % 9}-1{i % 9}" for i in range(n)],
            "team": ["Referral and Assessment"] * n,
            "referral_date": ["2012-04-02"] * n,
        }
    )


def metrics_frame() -> pd.DataFrame:
    """A slice of the tidy metric table as the notebooks show it."""
    return pd.DataFrame(
        {
            "metric": ["open_cin_cases", "open_cin_cases", "caseload_per_worker"],
            "scope": ["service", "service", "Referral and Assessment"],
            "period": ["December 2011", "end of April 2012", "before (undated)"],
            "period_start": ["2011-12-01", "2012-04-01", ""],
            "period_end": ["2011-12-31", "2012-04-30", ""],
            "date_quality": ["exact", "approximate", "undated"],
            "value": [1486.0, 1000.0, 30.0],
            "unit": ["count", "count", "cases per worker"],
            "qualifier": ["", "", ""],
            "denominator": ["", "", ""],
            "source": ["Cabinet report 10 July 2012"] * 2 + ["cases_2012.csv"],
            "source_ref": ["para 4.7", "para 4.7", SHA],
        }
    )


def monthly_kpis() -> pd.DataFrame:
    """Monthly aggregate KPIs, as notebook 04 shows them from the synthetic extract."""
    months = pd.period_range("2011-04", "2012-05", freq="M").astype(str)
    return pd.DataFrame(
        {
            "month": months,
            "referrals": range(200, 200 + len(months)),
            "initial assessments on time (%)": [round(60 + i * 2.7, 1) for i in range(14)],
            "open CIN cases": range(1500, 1500 - 35 * len(months), -35),
        }
    )


def display(df: pd.DataFrame) -> nbformat.NotebookNode:
    """A display_data output as Jupyter writes it for a DataFrame."""
    return new_output(
        "display_data", data={"text/html": df.to_html(), "text/plain": df.to_string()}
    )


def aggregate_notebook() -> nbformat.NotebookNode:
    """A realistic published notebook: tidy metrics, monthly KPIs, a Series, a finding."""
    series = metrics_frame().set_index("period")["value"]
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell(
            "# Case-level KPIs\n\nComputed from each child's case record, then aggregated.\n\n"
            "| team | caseload per worker |\n|---|---|\n| Referral and Assessment | 17 |"
        ),
        new_code_cell('extract_dir = "data/processed/synthetic_extract"'),
        new_code_cell("metrics", outputs=[display(metrics_frame())]),
        new_code_cell("kpis", outputs=[display(monthly_kpis())]),
        new_code_cell(
            "series",
            outputs=[new_output("execute_result", data={"text/plain": repr(series)})],
        ),
        new_code_cell(
            "print(summary)",
            outputs=[
                new_output(
                    "stream", name="stdout", text="14 months, 3280 referrals, 1051 late (32.0%)\n"
                )
            ],
        ),
        new_code_cell(
            "finding",
            outputs=[
                new_output(
                    "display_data",
                    data={"text/markdown": "Open CIN cases fell by **486** (32.7%)."},
                )
            ],
        ),
    ]
    return nb


def planted_notebook(output: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The aggregate notebook with one record-level output added as cell 4."""
    nb = aggregate_notebook()
    nb.cells.insert(3, new_code_cell("records.head(15)", outputs=[output]))
    return nb


def write_nb(tmp_path: Path, nb: nbformat.NotebookNode, name: str = "nb.ipynb") -> Path:
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def leaks(path: Path, max_ids: int = guard.DEFAULT_MAX_IDS) -> list[str]:
    return [str(f) for f in guard.scan([path], max_ids)[1]]


# --- passes aggregates ---------------------------------------------------------------------


def test_realistic_aggregate_notebook_passes(tmp_path: Path) -> None:
    assert leaks(write_nb(tmp_path, aggregate_notebook())) == []


def test_aggregate_csv_and_exported_html_pass(tmp_path: Path) -> None:
    metrics = tmp_path / "metrics.csv"
    metrics_frame().to_csv(metrics, index=False)
    page = tmp_path / "report.html"
    nb = aggregate_notebook()
    page.write_text(pages.notebook_to_html(nb, "KPIs", "<p>footer</p>"), encoding="utf-8")
    assert guard.scan([tmp_path]) == (2, [])


def test_ten_distinct_ids_are_a_handful_eleven_are_not(tmp_path: Path) -> None:
    ten = planted_notebook(
        display(record_level_frame(10)[["team"]].assign(ref=[f"W{i:04d}" for i in range(10)]))
    )
    path = write_nb(tmp_path, ten)
    assert leaks(path) == []
    eleven = record_level_frame(11)[["team"]].assign(ref=[f"W{i:04d}" for i in range(11)])
    path = write_nb(tmp_path, planted_notebook(display(eleven)))
    (found,) = leaks(path)
    assert "cell 4" in found and "11 distinct id-like values" in found and "W0000" in found


# --- catches planted record-level data -----------------------------------------------------


def test_record_level_table_in_notebook_output_is_caught_naming_the_cell(tmp_path: Path) -> None:
    path = write_nb(tmp_path, planted_notebook(display(record_level_frame())))
    found = leaks(path)
    assert found, "a record-level table went through"
    assert all(f.startswith(f"{config.relative_to_root(path)}: cell 4, output 1") for f in found)
    text = "\n".join(found)
    assert "column 'child_id' looks like a person/case identifier" in text
    assert "column 'date_of_birth' looks like a date of birth" in text
    assert "15 distinct id-like values" in text


def test_record_level_index_is_caught(tmp_path: Path) -> None:
    # The ids as the DataFrame index: they become <th> cells of the body, the name a header.
    frame = record_level_frame().drop(columns="date_of_birth").set_index("child_id")
    text = "\n".join(leaks(write_nb(tmp_path, planted_notebook(display(frame)))))
    assert "column 'child_id'" in text
    assert "15 distinct id-like values" in text


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (
            new_output("stream", name="stdout", text=record_level_frame().to_string()),
            "'child_id' looks like a person/case identifier",
        ),
        (
            new_output("execute_result", data={"text/plain": record_level_frame().to_string()}),
            "distinct id-like values",
        ),
        (
            new_output(
                "display_data",
                data={"text/markdown": "| Forename | Surname |\n|---|---|\n| Ann | Smith |"},
            ),
            "column 'Surname' looks like a person's name",
        ),
        (
            new_output(
                "display_data",
                data={"text/html": "<ul>" + "".join(f"<li>PE{i} 1HF</li>" for i in range(12))},
            ),
            "12 distinct id-like values",
        ),
    ],
    ids=["stdout", "text-plain", "markdown-table", "postcode-list"],
)
def test_other_output_forms_are_caught(
    tmp_path: Path, output: nbformat.NotebookNode, expected: str
) -> None:
    found = leaks(write_nb(tmp_path, planted_notebook(output)))
    assert any(expected in f and ": cell 4, output 1" in f for f in found), found


def test_csv_with_child_id_column_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "cases.csv"
    path.parent.mkdir()
    record_level_frame(3).to_csv(path, index=False)
    (found, dob) = leaks(path)
    assert found.endswith(
        "cases.csv: line 1: column 'child_id' looks like a person/case identifier"
    )
    assert "date_of_birth" in dob


def test_html_page_with_child_id_column_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><body><h1>KPIs</h1>" + record_level_frame(3).to_html(index=False) + "</body></html>",
        encoding="utf-8",
    )
    text = "\n".join(leaks(path))
    assert "page.html: page: column 'child_id'" in text


@pytest.mark.parametrize(
    "header",
    [
        "Child ID",
        "person_id",
        "WorkerID",
        "episode_id",
        "assessment_id",
        "NHS number",
        "UPN",
        "Post code",
        "DOB",
        "first name",
        # Annex A and CIN census columns
        "Child Unique ID",
        "LAchildID",
        "Allocated Worker",
        "Allocated Social Worker",
        "Date of Birth",
    ],
)
def test_personal_headers_are_recognised(header: str) -> None:
    assert guard.sensitive_header(header)


@pytest.mark.parametrize(
    "header",
    [
        "metric",
        "scope",
        "period_start",
        "source_ref",
        "caseload_per_worker",
        "team",
        "id",
        "value",
        "assessments",
        "plan_count",
        "Allocated Team",
        "workers",
    ],
)
def test_aggregate_headers_are_not_flagged(header: str) -> None:
    assert guard.sensitive_header(header) is None


# --- command line ----------------------------------------------------------------------------


def test_cli_fails_naming_file_and_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write_nb(tmp_path, planted_notebook(display(record_level_frame())), "04_kpis.ipynb")
    write_nb(tmp_path, aggregate_notebook(), "01_ok.ipynb")
    assert main(["check-outputs", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "record-level data found" in err
    assert f"{bad.name}: cell 4, output 1 (text/html): column 'child_id'" in err
    assert "01_ok.ipynb" not in err


def test_cli_passes_aggregates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_nb(tmp_path, aggregate_notebook())
    assert main(["check-outputs", str(tmp_path)]) == 0
    assert "1 file scanned, no record-level data" in capsys.readouterr().out


def test_cli_rejects_a_missing_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-outputs", "no/such/folder"]) == 2
    assert "no/such/folder" in capsys.readouterr().err


def test_the_projects_own_outputs_pass() -> None:
    count, found = guard.scan(guard.published_paths())
    committed = list((config.ROOT / "notebooks").glob("*.ipynb"))
    assert count >= len(committed) > 0  # the committed notebooks at least: nothing to skip
    assert found == [], "\n".join(map(str, found))


def test_the_pipeline_says_what_is_scanned_and_what_is_restricted() -> None:
    paths = {config.relative_to_root(p) for p in guard.published_paths()}
    assert "notebooks/04_case_level_kpis.ipynb" in paths
    assert (
        "data/processed/metrics.csv" in paths
        or not (config.DATA_PROCESSED / "metrics.csv").exists()
    )
    # The synthetic extract is record-level in form: restricted, never scanned as publishable.
    assert not any(p.startswith("data/processed/synthetic_extract") for p in paths)


def test_case_level_extract_columns_are_recognised() -> None:
    # The project's own record-level extracts: displaying one in a notebook must fail the guard.
    from analysis.cases import extract

    for schema in extract.SCHEMAS:
        flagged = {c for c in schema.columns if guard.sensitive_header(c)}
        assert {"child_id", "worker_id", schema.id_column} <= flagged, schema.file


def test_a_notebook_the_pipeline_does_not_run_is_scanned_and_caught(tmp_path: Path) -> None:
    # An analyst's new notebook, committed from JupyterLab with a table of children in its
    # outputs: pipeline.yaml does not name it, and it must still fail the check.
    from analysis import pipeline

    nb = new_notebook()
    cell = new_code_cell("df")
    cell.outputs = [
        new_output(
            "execute_result",
            data={"text/html": record_level_frame().to_html()},
            execution_count=1,
        )
    ]
    nb.cells = [cell]
    (tmp_path / "notebooks").mkdir()
    added = tmp_path / "notebooks" / "06_analysts_look.ipynb"
    nbformat.write(nb, str(added))
    (tmp_path / ".venv").mkdir()  # an environment's notebooks are not the project's
    nbformat.write(nb, str(tmp_path / ".venv" / "theirs.ipynb"))

    paths = guard.published_paths(pipeline.load(), root=tmp_path)
    assert paths == [added]
    _, found = guard.scan(paths)
    assert {leak.what for leak in found} == {
        "column 'child_id' looks like a person/case identifier",
        "column 'date_of_birth' looks like a date of birth",
        "table lists 15 distinct id-like values (more than 10), e.g. C100000, C100001, C100002",
    }


def test_every_file_under_the_output_folders_is_scanned_but_record_level_outputs(
    tmp_path: Path,
) -> None:
    from analysis import pipeline

    undeclared = tmp_path / "data" / "processed" / "kpis_by_child.csv"
    extract = tmp_path / "data" / "processed" / "synthetic_extract" / "assessments.csv"
    for path in (undeclared, extract):
        path.parent.mkdir(parents=True, exist_ok=True)
        record_level_frame().to_csv(path, index=False)
    paths = guard.published_paths(pipeline.load(), root=tmp_path)
    # The undeclared CSV is scanned; the extract pipeline.yaml declares record-level is not.
    assert paths == [undeclared]


def test_a_column_of_area_codes_lists_places_not_people(tmp_path: Path) -> None:
    # Thirteen ONS codes (an authority, ten neighbours, region, England) under area_code: public
    # codes of places. The same thirteen under child_ref would be a list of records.
    codes = [f"E06{n:06d}" for n in range(13)]
    places = tmp_path / "benchmarks.csv"
    pd.DataFrame({"area_code": codes, "value": range(13)}).to_csv(places, index=False)
    people = tmp_path / "people.csv"
    pd.DataFrame({"ref": codes, "value": range(13)}).to_csv(people, index=False)
    assert guard.scan_csv(places, max_ids=10) == []
    assert [leak.what for leak in guard.scan_csv(people, max_ids=10)] == [
        "table lists 13 distinct id-like values (more than 10), "
        "e.g. E06000000, E06000001, E06000002"
    ]

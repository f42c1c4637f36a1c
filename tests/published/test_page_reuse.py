"""A pack's pages share one read of the DfE files, and a changed file is read again."""

from __future__ import annotations

import shutil

import pandas as pd

from analysis import config
from analysis.published import areas, benchmark, page, read
from analysis.published.page import load_page

LUTON_B1_2025 = (
    "2025,Reporting year,Local authority,E92000001,England,E12000006,East of England,821,"
    "E06000032,Luton,Children in Need,3688,3465,2099,1980,1698,1624,"
)


def _cin_rate_2025(table: pd.DataFrame) -> float:
    hit = table[
        (table["metric"] == "cin_rate_per_10k")
        & (table["area_type"] == "authority")
        & (table["time_period"].astype(int) == 2025)
    ]
    return float(hit["value"].iloc[0])


def test_pages_in_one_process_read_the_files_once_and_match_a_page_built_alone(monkeypatch):
    page._LOADED.clear()
    calls = []
    real = read.read_published
    monkeypatch.setattr(page, "read_published", lambda folder: calls.append(folder) or real(folder))
    luton, kent = load_page("Luton"), load_page("Kent")
    assert len(calls) == 1
    # Built alone, from a fresh read, the pages hold the same table.
    published = real(config.DATA_RAW / "dfe")
    for shown in (luton, kent):
        alone = benchmark.benchmark(published, shown.authority, "2025")
        pd.testing.assert_frame_equal(shown.table, alone)
    # b1:94 Luton 2025 At31_episodes 1990 / ons:94 mid-2024 62280 x 10,000 = 319.52... -> 319.5
    assert _cin_rate_2025(luton.table) == 319.5
    assert areas.find("Kent", areas.authorities(published)).name == kent.authority.name


def test_a_changed_file_is_read_again(tmp_path):
    page._LOADED.clear()
    dfe = tmp_path / "dfe"
    shutil.copytree(config.DATA_RAW / "dfe", dfe)
    assert _cin_rate_2025(load_page("Luton", dfe_dir=dfe).table) == 319.5
    b1 = dfe / "b1_children_in_need_2013_to_2025.csv"
    text = b1.read_text(encoding="utf-8")
    assert text.count(LUTON_B1_2025 + "1990,") == 1
    b1.write_text(text.replace(LUTON_B1_2025 + "1990,", LUTON_B1_2025 + "2990,"), encoding="utf-8")
    # 2990 / 62280 x 10,000 = 480.09... -> 480.1
    assert _cin_rate_2025(load_page("Luton", dfe_dir=dfe).table) == 480.1

"""Page 04 for an authority's own files: Annex A workbooks and CIN census returns.

The page reads the files, counts the KPIs (analysis.cases.kpis), suppresses small counts and
says plainly what it read: the kind of input, its files and their SHA-256, the months covered
and the authority. From census returns it also sets the authority's own census-year figures
beside what the DfE published for it in earlier years, England, its region and the median of
its statistical neighbours, stating that its own figures are unpublished management
information. Our CSV layout is read as before (analysis.story.case_kpis).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.cases import kpis
from analysis.cases.records import CaseRecords
from analysis.cases.synthetic_files import is_synthetic
from analysis.config import resolve
from analysis.metrics import catalogue, tidy
from analysis.present.benchmark_rows import value_text
from analysis.present.formatting import fmt_value, suppressed_text, timescale
from analysis.privacy import disclosure
from analysis.published import areas, population
from analysis.published.benchmark import benchmark
from analysis.published.read import read_published
from analysis.story import case_kpis
from analysis.story.benchmark import table_html
from analysis.story.case_kpis import CasePage

KINDS = {
    "annex-a": "an Ofsted Annex A workbook",
    "cin-census": "children in need census returns",
}
SHORT = {"annex-a": "Annex A workbook", "cin-census": "CIN census returns"}
NOT_PUBLISHED = (
    "These are the authority's own figures, counted from its records: unpublished management "
    "information, not official statistics. The DfE's published figures may differ, as the DfE "
    "cleans and checks returns before publishing."
)
MADE_UP = (
    "The figures counted from these returns (Own records) are made up: synthetic returns from the "
    "synth command. The DfE's published figures beside them are real, shown to illustrate the "
    "comparison."
)
# Census-year measures set beside the DfE's, in the order the benchmark page shows them.
COMPARED = ("cin_rate_per_10k", "referral_rate_per_10k", "rereferral_pct", "cpp_rate_per_10k")
EARLIER_YEARS = 3  # published years shown before the authority's own first census year


@dataclass
class OwnPage:
    """What page 04 shows of an authority's own files."""

    kind: str
    records: CaseRecords
    authority: areas.Authority | None
    monthly: pd.DataFrame  # every month, disclosure control applied
    yearly: pd.DataFrame  # census years (census returns only), disclosure control applied
    benchmark: pd.DataFrame | None  # the DfE's published figures for the authority, if known
    threshold: int
    synthetic: bool = False

    @property
    def shown(self) -> pd.DataFrame:
        """The months charted: all of them."""
        return self.monthly

    @property
    def name(self) -> str:
        """The authority's name, or what the page calls it when no one named it.

        Made-up files are never shown under an authority's name, whatever code they carry.
        """
        if self.synthetic:
            return "the made-up authority"
        return self.authority.name if self.authority else "the authority (not named)"

    @property
    def label(self) -> str:
        """The data as chart subtitles name them."""
        first, last = case_kpis.first_and_last_month(self.monthly)
        span = first if first == last else f"{first} to {last}"
        if self.synthetic:
            return f"synthetic {SHORT[self.kind]} (made-up records), {span}"
        return f"{self.name}'s own records ({SHORT[self.kind]}), {span}"


def load(
    kpis_dir: str | Path = "",
    annex_a: str | Path = "",
    cin_census: Sequence[str | Path] = (),
    authority: str = "",
    dfe_dir: str | Path = "data/raw/dfe",
    threshold: int | None = None,
    timescales: Mapping[str, int | None] | None = None,
    quarantine: bool = False,
    extract_dir: str | Path = "",
) -> CasePage | OwnPage:
    """Page 04's data from exactly one input: KPIs a stage wrote, a workbook, returns or an extract.

    `kpis_dir` is what `analysis kpis --publish` wrote (the kpis stage), the page's default: an
    authority's own files, when given, take its place. `extract_dir` is a folder in our CSV
    layout, counted here. Paths are relative to the project root, as every notebook parameter is.
    """
    own = [bool(str(annex_a or "")), bool(list(cin_census or []))]
    if any(own):
        kpis_dir = ""  # the default the own files replace
    given = [*own, bool(str(kpis_dir or "")), bool(str(extract_dir or ""))]
    if sum(given) != 1:
        raise ValueError(
            "give exactly one input: annex_a (a workbook), cin_census (a list of returns), "
            "kpis_dir (what analysis kpis --publish wrote) or extract_dir (our CSV layout)"
        )
    if kpis_dir:
        return case_kpis.read(kpis_dir)
    if extract_dir:
        return case_kpis.load(extract_dir, threshold, timescales, quarantine)
    threshold = threshold or disclosure.DEFAULT_THRESHOLD
    if annex_a:
        from analysis.cases.annex_a import read_annex_a

        records = read_annex_a(resolve(annex_a), quarantine=quarantine)
    else:
        from analysis.cases.cin_census import read_cin_census

        records = read_cin_census([resolve(p) for p in cin_census], quarantine=quarantine)
    known = population.names_and_populations(resolve(dfe_dir))
    found = population.authority_for(records.la_code, authority or None, known)
    days = (timescales or {}).get("single") or None
    monthly = kpis.monthly(records, timescale=days)
    yearly = kpis.empty()
    published = None
    if records.kind == "cin-census":
        people = {}
        if found is not None:
            people = {
                y: kpis.Population(n, src, ref)
                for y, (n, src, ref) in population.children(known, found).items()
            }
        yearly = kpis.census_years(records, people, timescale=days)
        if found is not None:
            published = benchmark(read_published(resolve(dfe_dir)), found)
    made_up = all(is_synthetic(resolve(p).parent) for p in ([annex_a] if annex_a else cin_census))
    return OwnPage(
        synthetic=made_up,
        kind=records.kind,
        records=records,
        authority=found,
        monthly=case_kpis.published(monthly, threshold),
        yearly=case_kpis.published(yearly, threshold),
        benchmark=published,
        threshold=threshold,
    )


def describe(page: CasePage | OwnPage) -> str:
    """What the data are: the kind of input, its files and hashes, its months and authority."""
    if isinstance(page, CasePage):
        return case_kpis.describe(page)
    first, last = case_kpis.first_and_last_month(page.monthly)
    files = []
    for f in page.records.files:
        aside = f", {len(f.rejects):,} set aside as breaking a rule" if len(f.rejects) else ""
        year = f", census year to {f.reference_date:%-d %B %Y}" if f.reference_date else ""
        files.append(
            f"{f.name} ({f.read:,} {f.unit} read, {f.used:,} used{aside}{year}; SHA-256 {f.sha256})"
        )
    if page.synthetic:
        return (
            f"The data are synthetic: {KINDS[page.kind]} made up by the synth command "
            f"({'; '.join(files)}), invented children, workers and dates covering {first} to "
            f"{last}. They show how the calculation works, not what happened to any child, and "
            "are shown under no authority's name. Only aggregate counts are shown; counts from 1 "
            f"to {page.threshold} are suppressed before anything is shown."
        )
    if page.authority:
        who = f"{page.authority.name} (LA code {page.authority.code})"
    elif page.records.la_code:
        who = (
            f"an authority that is not known: the returns' LA code {page.records.la_code} is "
            "not in the DfE's table B1, so no rate per 10,000 children is worked out"
        )
    else:
        who = (
            "an authority that is not known: an Annex A workbook names none, and no authority "
            "was given (the authority parameter, or --authority on the command line)"
        )
    return (
        f"The figures are counted from {KINDS[page.kind]} for {who}: {'; '.join(files)}. "
        f"They cover {first} to {last}. {NOT_PUBLISHED} Only aggregate counts are shown; "
        f"counts from 1 to {page.threshold} are suppressed before anything is shown."
    )


def limits(page: CasePage | OwnPage) -> str:
    """What the input cannot see, said where it matters (re-referrals before the files)."""
    if not isinstance(page, OwnPage):
        return ""
    if page.kind == "cin-census":
        return (
            "Re-referrals are counted from the referrals in the returns given: a return lists "
            "the episodes open at some time in its year, so a referral whose episode closed "
            "before the first return's year began is not seen, and a re-referral early in the "
            "first year may be missed. Give every year's return you hold."
        )
    return (
        "Re-referrals are counted from List 3, which usually covers only the six months before "
        "the workbook's date: a re-referral whose earlier referral is older than that is not "
        "seen."
    )


def census_comparison(page: CasePage | OwnPage) -> pd.DataFrame:
    """The authority's own census years beside the DfE's published figures, measure by year.

    One row a measure and year: the own figure (unpublished) where the returns cover the year,
    and the DfE's published figures for the authority, its region, England and its neighbours'
    median where the DfE has published that year.
    """
    if not isinstance(page, OwnPage) or page.yearly.empty:
        return pd.DataFrame()
    own_years = sorted({int(d.year) for d in page.yearly["period_end"]})
    published = page.benchmark if page.benchmark is not None else pd.DataFrame()
    region = "Region"
    if not published.empty and (published["area_type"] == "region").any():
        region = str(published.loc[published["area_type"] == "region", "area_name"].iloc[0])
    rows = []
    for metric in COMPARED:
        unit = catalogue.get(metric).unit
        own = page.yearly[page.yearly["metric"] == metric]
        years = set(own_years)
        if not published.empty:
            mine = published[(published["metric"] == metric)]
            years |= {int(y) for y in mine["time_period"] if int(y) >= own_years[0] - EARLIER_YEARS}
        for year in sorted(years):
            own_row = own[own["period_end"].dt.year == year]
            rows.append(
                {
                    "Measure": catalogue.get(metric).label,
                    "Year to 31 March": str(year),
                    "Own records (unpublished)": _own_cell(own_row, unit, year in own_years),
                    "DfE published": _published_cell(published, metric, "authority", year, unit),
                    region: _published_cell(published, metric, "region", year, unit),
                    "England": _published_cell(published, metric, "england", year, unit),
                    "Neighbours' median": _published_cell(
                        published, metric, "neighbours_median", year, unit
                    ),
                }
            )
    return pd.DataFrame(rows)


def _own_cell(rows: pd.DataFrame, unit: str, covered: bool) -> str:
    if rows.empty:
        return "no population to divide by" if covered else ""
    row = rows.iloc[0]
    if row["qualifier"] == tidy.SUPPRESSED:
        return suppressed_text(row.get(tidy.THRESHOLD))
    return fmt_value(row["value"], unit)


def _published_cell(table: pd.DataFrame, metric: str, area: str, year: int, unit: str) -> str:
    if table.empty:
        return ""
    rows = table[
        (table["metric"] == metric)
        & (table["area_type"] == area)
        & (table["time_period"].astype(int) == year)
    ]
    if rows.empty:
        return ""
    row = rows.iloc[0]
    symbol = row["symbol"] if isinstance(row["symbol"], str) else ""
    return value_text(row["value"], symbol, unit) or "not published"


def comparison_sources(page: OwnPage) -> str:
    """Where the comparison's figures come from: the returns by name, and the DfE's tables."""
    own = "; ".join(f"{f.name} (SHA-256 {f.sha256[:12]}…)" for f in page.records.files)
    published = page.benchmark if page.benchmark is not None else pd.DataFrame()
    if not published.empty:
        rows = published[published["metric"].isin(COMPARED)]
        named = {part for source in rows["source"] for part in str(source).split("; ")}
        tables = "; ".join(sorted(named))
        text = f"Sources: own records, {own}; published, {tables}."
    else:
        text = f"Sources: own records, {own}."
    return text


def comparison_html(frame: pd.DataFrame, page: OwnPage) -> str:
    """The comparison as an accessible HTML table (cells escaped) with a caption saying what."""
    caption = (
        f"{page.name}'s own census-year figures (unpublished management information) beside "
        "the DfE's published figures"
    )
    if page.synthetic and page.authority is not None:
        caption = (
            f"Made-up census-year figures (synthetic returns carrying LA code "
            f"{page.authority.code}) beside the DfE's published figures for {page.authority.name}"
        )
    return table_html(frame, caption)


def _last(rows: pd.DataFrame, metric: str) -> pd.Series | None:
    mine = rows[(rows["metric"] == metric) & (rows["scope"] == "service")]
    mine = mine.sort_values("period_start")
    return None if mine.empty else mine.iloc[-1]


def _said(row: pd.Series | None) -> str | None:
    """A figure as a title can say it, or None when it is suppressed or missing."""
    if row is None or row["qualifier"] == tidy.SUPPRESSED or pd.isna(row["value"]):
        return None
    return fmt_value(row["value"], row["unit"])


def referrals_title(page: OwnPage) -> str:
    """The latest month's referrals and the share that were re-referrals."""
    count, share = _last(page.shown, "referrals_received"), _last(page.shown, "rereferrals_pct")
    n, pct = _said(count), _said(share)
    if count is None:
        return "Referrals: none in these records"
    if n and pct:
        return f"{n} referrals in {count['period']}; {pct} were re-referrals"
    if n:
        return f"{n} referrals in {count['period']}"
    return f"Referrals by month, to {count['period']}"


def protection_title(page: OwnPage) -> str:
    """Children on a plan at the latest month end, and the conferences' timeliness."""
    plans, icpc = _last(page.shown, "children_on_cpp"), _last(page.shown, "icpcs_on_time_pct")
    n, pct = _said(plans), _said(icpc)
    if n and pct:
        return f"{n} children on a plan; {pct} of ICPCs on time in {icpc['period']}"
    if n:
        return f"{n} children on a plan at the end of {plans['period']}"
    return "Child protection by month"


def headline(page: CasePage | OwnPage, authority: str) -> str:
    """The page's one-sentence headline, naming whose records these are."""
    if not isinstance(page, OwnPage):
        return case_kpis.headline(page.monthly, authority, page.synthetic)
    text = case_kpis.headline(page.monthly, page.name, False)
    whose = "these made-up records" if page.synthetic else f"{page.name}'s own records"
    return text.replace("In this extract,", f"In {whose},", 1)


def counting_text(page: CasePage | OwnPage) -> str:
    """How the figures are counted, for the input the page read."""
    if not isinstance(page, OwnPage):
        return case_kpis.counting_text(page.monthly)
    days = (
        timescale(page.monthly, "single_assessments_on_time_pct")
        or (catalogue.timescales()["single"])
    )
    caseloads = (
        "Caseload per worker divides a team's open episodes by the workers holding at least one "
        "(List 6's allocated team and worker, as they are now, so earlier months' caseloads are "
        "approximate); no worker is ever named. "
        if page.kind == "annex-a"
        else ""
    )
    return (
        "How the figures are counted: a single assessment is on time when the working days "
        "after its start, up to and including its authorisation, are no more than "
        f"{days}; it is out of timescale at a month end when it is still open on that day and "
        "its deadline came before it. An episode, or a child protection plan, is open at a month "
        "end when it started on or before that day and had not ended by it; a referral with no "
        "further action is never an open episode, and a child with two plans counts once. A "
        "referral is a re-referral when the same child had another on an earlier date no more "
        f"than twelve months before. {caseloads}Working days leave out weekends and England and "
        "Wales bank holidays. Every rule is written in data/raw/README.md."
    )

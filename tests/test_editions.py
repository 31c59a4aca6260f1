"""Editions: a published edition never changes, is reproduced only from its own inputs, and its
build replays to the same scores. Run with the library's stages (no Dagster) on a cut of the
sample, so each case takes a second."""

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from innovation_monitor import insight, stages, warehouse
from innovation_monitor.composite.build import run_build
from innovation_monitor.composite.framework import Framework
from innovation_monitor.divisions import LEVELS, DivisionRegistry
from innovation_monitor.editions import EDITIONS_DIR
from innovation_monitor.errors import DataError
from innovation_monitor.explain import explain
from innovation_monitor.framework import INDEX_CODE, IndicatorSystem
from innovation_monitor.indicators import indicator_frame
from innovation_monitor.ingest.fingerprint import file_sha256
from innovation_monitor.paths import INDICATORS_FILE, SAMPLE_DIR
from innovation_monitor.warehouse import EDITION_TABLES
from tests.corpus import editing
from tests.corpus.conftest import cut_sample
from tests.explain.printed import printed_checks

FRAMEWORK_SHA = file_sha256(INDICATORS_FILE)


def _run(con, data: Path, out: Path, system, registry, edition: int | None = None) -> None:
    stages.load_divisions(con, registry)
    stages.load_statistics(con, data, system, registry)
    for level in LEVELS:
        stages.compute_level_indicators(con, system, level)
        stages.score_level(
            con, system, registry, level, edition=edition, framework_sha256=FRAMEWORK_SHA
        )
        insight.analyse_level(con, system, registry, level)
        stages.write_level_reports(con, system, registry, level, out, langs=("zh",))


def _frozen(con, out: Path, edition: int) -> dict[str, object]:
    state: dict[str, object] = {
        name: warehouse.read(con, f"edition_{name}", edition=edition).rows()
        for name in EDITION_TABLES
    }
    state |= {
        name: warehouse.read(con, name).filter(pl.col("edition") == edition).rows()
        for name in ("editions", "builds")
    }
    for path in sorted((out / EDITIONS_DIR).rglob("*")):
        if path.is_file():
            state[str(path)] = path.read_bytes()
    return state


@pytest.fixture
def published(tmp_path: Path, system: IndicatorSystem, registry: DivisionRegistry):
    """Edition 2022 published from the sample's 2021–2022 files; the data folder, the report
    folder and an open warehouse."""
    data, out = cut_sample(tmp_path / "data", years=(2021, 2022)), tmp_path / "out"
    con = warehouse.connect(tmp_path / "w.duckdb")
    _run(con, data, out, system, registry)
    for level in LEVELS:
        stages.publish_edition(con, system, level, 2022, INDICATORS_FILE, out)
    yield data, out, con
    con.close()


def test_a_new_year_leaves_the_published_edition_untouched(published, system, registry) -> None:
    data, out, con = published
    before = _frozen(con, out, 2022)
    old_2022 = warehouse.read(con, "edition_scores", edition=2022).filter(pl.col("year") == 2022)
    for level in LEVELS:
        for path in (SAMPLE_DIR / level).glob("2023.*"):
            shutil.copy(path, data / level / path.name)
    _run(con, data, out, system, registry)  # the draft is now edition 2023
    assert warehouse.read(con, "scores")["year"].max() == 2023
    assert _frozen(con, out, 2022) == before
    # no checks run here, and the province index's base year (2016) is not in this cut
    for name in set(EDITION_TABLES) - {"validation_results", "province_index"}:
        # every row keyed by its edition, in one view per table
        keyed = con.sql(f"SELECT DISTINCT edition, status FROM {name}_by_edition").fetchall()
        assert sorted(keyed) == [(2022, "published"), (2023, "draft")], name
    # pooled goalposts: the draft's 2022 scores move, the published ones do not
    new_2022 = warehouse.read(con, "scores").filter(pl.col("year") == 2022)
    assert not new_2022.equals(old_2022.drop("edition"))


def test_explain_reads_a_published_edition_not_the_draft_that_moved_on(
    published, system, registry
) -> None:
    """After a revised 2021 file and a 2023 edition, edition 2022's explanation of 2021 still
    shows the cell it was published from, and its printed contributions re-add to the published
    index."""
    data, out, con = published
    original = editing.get_cell(data / "city/2021.csv", "370100", "科学技术支出")
    editing.set_cell(data / "city/2021.csv", "370100", "科学技术支出", str(int(original) * 2))
    for path in (SAMPLE_DIR / "city").glob("2023.*"):
        shutil.copy(path, data / "city" / path.name)
    _run(con, data, out, system, registry)  # the draft is now edition 2023
    frozen = warehouse.read(con, "edition_scores", level="city", edition=2022)
    stored = {
        r["node"]: r["score"]
        for r in frozen.filter(pl.col("year") == 2021, pl.col("region_code") == "370100").iter_rows(
            named=True
        )
    }
    found = explain(con, system, registry, edition=2022, year=2021, region="370100")
    draft = explain(con, system, registry, year=2021, region="370100")
    assert found.year == 2021 and found.status == "published" and found.score != draft.score
    assert explain(con, system, registry, edition=2022, region="370100").year == 2022
    checks = printed_checks(found.text("en"))
    index = math.fsum(checks[found.index_name.en])
    assert math.isclose(index, stored[INDEX_CODE], rel_tol=0, abs_tol=1e-9)
    assert "As edition 2022 holds it (published, data years 2021–2022)" in found.text("en")
    assert f"原文“{original}”" in found.text("zh")
    assert f"原文“{int(original) * 2}”" in draft.text("zh")
    with pytest.raises(DataError, match="no city edition 2021: published 2022; draft 2023"):
        explain(con, system, registry, edition=2021, region="370100")


def test_a_published_edition_is_reproduced_from_its_inputs_only(
    published, system, registry
) -> None:
    data, out, con = published
    _run(con, data, out, system, registry, edition=2022)  # same inputs: reproduced bit for bit
    draft = warehouse.read(con, "scores", level="city")
    frozen = warehouse.read(con, "edition_scores", level="city", edition=2022).drop("edition")
    assert draft.equals(frozen)
    editing.set_cell(data / "city/2021.csv", "370200", "科学技术支出", "123456")
    with pytest.raises(DataError, match=r"city/2021\.csv"):
        _run(con, data, out, system, registry, edition=2022)


def test_an_edition_is_published_once_and_only_when_it_is_the_draft(
    published, system, registry
) -> None:
    _, out, con = published
    with pytest.raises(DataError, match="published already"):
        stages.publish_edition(con, system, "city", 2022, INDICATORS_FILE, out)
    with pytest.raises(DataError, match="not edition 2021"):
        stages.publish_edition(con, system, "city", 2021, INDICATORS_FILE, out)


def test_the_recorded_build_replays_to_the_published_scores(published, system) -> None:
    _, _, con = published
    build = warehouse.read(con, "builds", level="county").row(0, named=True)
    imeta = pd.DataFrame(json.loads(build["imeta"]))
    values = warehouse.read(con, "edition_indicator_values", level="county", edition=2022)
    # the unit types the county methodology imputes within, as the edition's rankings hold them
    ranked = warehouse.read(con, "edition_rankings", level="county", edition=2022)
    types = dict(ranked.select("region_code", "unit_type").unique().iter_rows())
    data = indicator_frame(values.drop("edition"), system.frameworks["county"], types)
    replay = run_build(data, Framework.from_imeta(imeta), json.loads(build["steps"]))
    assert replay.results is not None
    index = replay.results.scores.set_index(["uCode", "Time"])["Index"].sort_index()
    frozen = (
        warehouse.read(con, "edition_scores", level="county", edition=2022)
        .filter(pl.col("node") == "Index")
        .to_pandas()
        .set_index(["region_code", "year"])["score"]
        .sort_index()
    )
    assert (abs(index.to_numpy() - frozen.to_numpy()) < 1e-12).all()


def test_the_edition_record_names_what_it_rests_on(published) -> None:
    _, _, con = published
    record = warehouse.read(con, "editions", level="city").row(0, named=True)
    assert record["status"] == "published" and record["data_years"] == [2021, 2022]
    assert record["framework_sha256"] == FRAMEWORK_SHA
    inputs = json.loads(record["inputs"])
    assert "city/2021.csv" in inputs and all(len(h) == 64 for h in inputs.values())
    assert json.loads(record["reports"])  # the 2022 city report, kept read only
    for level, steps in (("city", {"normalise"}), ("county", {"treat", "normalise"})):
        build = warehouse.read(con, "builds", level=level).filter(pl.col("edition") == 2022)
        fitted = json.loads(build["fitted"][0])
        assert steps <= set(fitted), level
        assert {row["iCode"] for row in fitted["normalise"]} >= {"rd_intensity"}


def _frozen_system(tmp_path: Path) -> IndicatorSystem:
    """The shipped framework with frozen goalposts across editions at both levels."""
    from innovation_monitor.framework import load_indicator_system

    shipped = "editions: {goalposts: pooled}"
    text = INDICATORS_FILE.read_text("utf-8")
    assert text.count(shipped) == len(LEVELS)
    text = text.replace(shipped, "editions: {goalposts: frozen}")
    path = tmp_path / "indicators.yaml"
    path.write_text(text, "utf-8")
    system = load_indicator_system(path)
    assert all(system.frameworks[lv].methodology.edition_goalposts == "frozen" for lv in LEVELS)
    return system


def test_with_frozen_goalposts_a_new_edition_keeps_the_published_years(
    tmp_path: Path, registry: DivisionRegistry
) -> None:
    system = _frozen_system(tmp_path)
    data, out = cut_sample(tmp_path / "data", years=(2021, 2022)), tmp_path / "out"
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        _run(con, data, out, system, registry)
        for level in LEVELS:
            stages.publish_edition(con, system, level, 2022, INDICATORS_FILE, out)
        for level in LEVELS:
            for path in (SAMPLE_DIR / level).glob("2023.*"):
                shutil.copy(path, data / level / path.name)
        editing.set_cell(data / "city/2021.csv", "370200", "科学技术支出", "123456")  # a revision
        _run(con, data, out, system, registry)  # edition 2023, fitted on edition 2022's years
        draft = warehouse.read(con, "scores")
        published = warehouse.read(con, "edition_scores", edition=2022).drop("edition")
    assert draft["year"].max() == 2023
    assert draft.filter(pl.col("year") <= 2022).equals(published)


def test_edition_goalposts_are_pooled_or_frozen(tmp_path: Path) -> None:
    from innovation_monitor.errors import FrameworkError
    from innovation_monitor.framework import load_indicator_system

    path = tmp_path / "indicators.yaml"
    text = INDICATORS_FILE.read_text("utf-8")
    path.write_text(text.replace("{goalposts: pooled}", "{goalposts: sometimes}", 1), "utf-8")
    with pytest.raises(FrameworkError, match="sometimes"):
        load_indicator_system(path)


def test_publish_and_explain_from_the_command_line(
    tmp_path: Path, system, registry, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipelines.cli import main

    data, out = cut_sample(tmp_path / "data", years=(2021, 2022)), tmp_path / "out"
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        _run(con, data, out, system, registry)
    where = ["--warehouse", str(tmp_path / "w.duckdb"), "--out", str(out)]
    assert main(["publish", "--edition", "2022", "--level", "city", *where]) == 0
    assert "city edition 2022 published" in capsys.readouterr().out
    assert main(["publish", "--edition", "2022", "--level", "city", *where]) == 2
    assert "published already" in capsys.readouterr().err
    assert main(["publish", "--edition", "2021", "--level", "county", *where]) == 2
    assert "run --edition 2021" in capsys.readouterr().err
    args = ["explain", "--warehouse", str(tmp_path / "w.duckdb"), "--region", "济南市"]
    assert main([*args, "--year", "2022", "--lang", "en"]) == 0
    assert "370100" in capsys.readouterr().out
    assert main([*args, "--edition", "2022", "--lang", "en"]) == 0
    assert "As edition 2022 holds it (published, data years 2021–2022)" in capsys.readouterr().out
    assert main([*args, "--edition", "2020"]) == 2
    assert "no city edition 2020: published 2022" in capsys.readouterr().err


def test_report_of_a_published_edition_is_laid_out_from_its_frozen_rows(
    published, system, registry, tmp_path: Path
) -> None:
    """After a revised 2021 file and a 2023 draft, ``report --edition 2022`` gives the ranking
    the edition was published with, not the draft's re-scored 2022; an edition the warehouse
    does not hold is an error naming those it holds."""
    from innovation_monitor.publish import publish_reports

    data, out, con = published
    editing.set_cell(data / "city/2021.csv", "370200", "科学技术支出", "123456")
    for level in LEVELS:
        for path in (SAMPLE_DIR / level).glob("2023.*"):
            shutil.copy(path, data / level / path.name)
    _run(con, data, out, system, registry)
    con.close()
    again, draft = tmp_path / "again", tmp_path / "draft"
    written = publish_reports(
        tmp_path / "w.duckdb", again, edition=2022, langs=("zh",), formats=("html",)
    )
    publish_reports(tmp_path / "w.duckdb", draft, years=[2022], langs=("zh",), formats=("html",))
    rankings = sorted(p for p in written if p.suffix == ".csv" and "ranking" in p.name)
    assert rankings and all(p.parent == again / "2022" for p in rankings)
    for path in rankings:
        frozen = out / EDITIONS_DIR / "2022" / path.name
        assert path.read_bytes() == frozen.read_bytes(), path.name
    assert (draft / "2022" / "city_ranking.csv").read_bytes() != (
        again / "2022" / "city_ranking.csv"
    ).read_bytes()
    with pytest.raises(DataError, match=r"no city edition 2020: published 2022; draft 2023"):
        publish_reports(tmp_path / "w.duckdb", tmp_path / "x", edition=2020, formats=("html",))

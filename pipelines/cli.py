"""The ``innovation-monitor`` command.

It lives beside the Dagster definitions (not in ``innovation_monitor/``) because ``run`` and ``ui``
drive Dagster; the other subcommands call the domain library directly and import no Dagster.
Every error a user can act on ends as one line on stderr and exit status 2; only bugs keep their
traceback.
"""

import argparse
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from innovation_monitor.errors import InnovationMonitorError
from innovation_monitor.paths import (
    DEFAULT_OUTPUT_DIR,
    DEFAULT_WAREHOUSE,
    INDICATORS_FILE,
    PROJECT_ROOT,
    SAMPLE_DIR,
)
from innovation_monitor.years import parse_years

EXIT_USER_ERROR = 2
#: ``innovation_monitor.divisions.LEVELS``, not imported here: it loads polars on every command
LANES = ("city", "county")


def _options(parser: argparse.ArgumentParser, *names: str) -> None:
    """Add the named options, each with one meaning across subcommands."""
    options = {
        "data-dir": dict(type=Path, default=SAMPLE_DIR, help="raw statistics folder"),
        "warehouse": dict(type=Path, default=DEFAULT_WAREHOUSE, help="DuckDB file"),
        "out": dict(type=Path, default=DEFAULT_OUTPUT_DIR, help="report folder"),
        "years": dict(default="", help="e.g. 2019-2023 or 2021,2023 (default: all)"),
        "indicators": dict(type=Path, default=INDICATORS_FILE, help="framework YAML"),
        "format": dict(
            default="html,pdf,xlsx",
            help="report formats, comma-separated: html (with the CSV), pdf, xlsx",
        ),
    }
    for name in names:
        parser.add_argument(f"--{name}", **options[name])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="innovation-monitor",
        description="Shandong regional innovation capability monitoring (山东省区域创新能力监测).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="load, validate, score and report (the whole pipeline)")
    _options(run, "data-dir", "warehouse", "out", "years", "indicators", "format")
    run.add_argument(
        "--accept-quarantine",
        action="store_true",
        help="score although cells were quarantined as unusable (they are left out and imputed); "
        "every affected report says which cells were excluded",
    )
    run.add_argument(
        "--level",
        choices=LANES,
        default=None,
        help="run one level's lane only (its statistics, indicators, scores and reports), "
        "committed on its own: a problem in the other level's files does not hold it back",
    )
    run.add_argument(
        "--edition",
        type=int,
        default=None,
        help="the edition (data year) to score as the draft (default: the latest data year); "
        "a published edition is scored again only from its own inputs",
    )
    run.add_argument(
        "--registry",
        type=Path,
        default=None,
        help="the division registry CSV of another province or of the whole country (the "
        "columns of innovation_monitor/divisions/divisions.csv; default: Shandong's)",
    )

    publish = commands.add_parser(
        "publish", help="freeze the draft as a published edition, never to be overwritten"
    )
    _options(publish, "warehouse", "out", "indicators")
    publish.add_argument("--edition", type=int, required=True, help="the draft's edition year")
    publish.add_argument("--level", choices=LANES, default=None, help="default: both levels")

    explain = commands.add_parser(
        "explain", help="how a unit's index was produced, from the yearbook cells up"
    )
    _options(explain, "warehouse", "indicators")
    explain.add_argument(
        "--edition",
        type=int,
        default=None,
        help="the edition (published or the draft) whose stored figures are explained; "
        "default: the draft as the last run left it",
    )
    explain.add_argument(
        "--year", type=int, default=None, help="data year scored (default: the edition year)"
    )
    explain.add_argument("--region", required=True, help="unit code or name, e.g. 370100 or 济南市")
    explain.add_argument("--level", choices=LANES, default=None, help="default: the unit's level")
    explain.add_argument("--indicator", default=None, help="only this indicator (code or name)")
    explain.add_argument("--lang", choices=["zh", "en", "both"], default="zh")

    whatif = commands.add_parser(
        "whatif",
        help="the smallest change of one statistic that moves a unit up a rank or a tier",
    )
    _options(whatif, "warehouse", "indicators")
    whatif.add_argument("--region", required=True, help="unit code or name, e.g. 济宁市")
    whatif.add_argument("--indicator", required=True, help="indicator code or name")
    whatif.add_argument("--year", type=int, default=None, help="default: the latest scored year")
    whatif.add_argument("--level", choices=LANES, default=None, help="default: the unit's level")
    whatif.add_argument("--goal", choices=["rank", "tier"], default="rank")
    whatif.add_argument(
        "--variable", default=None, help="the statistic to change (default: the numerator)"
    )
    whatif.add_argument("--lang", choices=["zh", "en", "both"], default="zh")

    targets = commands.add_parser(
        "targets", help="progress towards the plan targets: latest value, gap, year reached"
    )
    _options(targets, "warehouse", "indicators")
    targets.add_argument("--lang", choices=["zh", "en", "both"], default="zh")

    validate = commands.add_parser(
        "validate", help="check raw statistics files without writing the warehouse"
    )
    _options(validate, "data-dir", "years", "indicators")

    report = commands.add_parser("report", help="write reports from the scores in the warehouse")
    _options(report, "warehouse", "out", "years", "indicators")
    report.add_argument("--lang", choices=["zh", "en", "both"], default="both")
    report.add_argument(
        "--edition",
        type=int,
        default=None,
        help="that edition's reports, from the rows it holds (a published edition's frozen "
        "copy, the draft's rows while it is the draft)",
    )
    _options(report, "format")

    ui = commands.add_parser("ui", help="start the Dagster UI on 127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)

    score = commands.add_parser(
        "score", help="build any composite indicator from COINr-style iData/iMeta CSV files"
    )
    score.add_argument("--data", type=Path, required=True, help="iData CSV (uCode, indicators…)")
    score.add_argument("--meta", type=Path, required=True, help="iMeta CSV (the framework)")
    score.add_argument("--build", type=Path, required=True, help="BUILD.yaml (list of steps)")
    score.add_argument("--out", type=Path, required=True, help="output folder")

    uncertainty = commands.add_parser(
        "uncertainty",
        help="Monte Carlo uncertainty and Sobol sensitivity of a build's ranks (COINr-style)",
    )
    uncertainty.add_argument("--data", type=Path, required=True, help="iData CSV")
    uncertainty.add_argument("--meta", type=Path, required=True, help="iMeta CSV")
    uncertainty.add_argument("--build", type=Path, required=True, help="BUILD.yaml")
    uncertainty.add_argument(
        "--spec", type=Path, required=True, help="UA.yaml (replications, seed, perturb)"
    )
    uncertainty.add_argument("--out", type=Path, required=True, help="output folder")
    uncertainty.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="a Dask scheduler (tcp://host:port) to run the replications on; the result is the "
        "same as in this process (default), to the bit",
    )

    template = commands.add_parser("template", help="write the Excel template for data providers")
    # None: _template fills in the template module's defaults (it loads openpyxl, so not here).
    template.add_argument("--year", type=int, default=None)
    template.add_argument("--out", type=Path, default=None)
    template.add_argument("--indicators", type=Path, default=INDICATORS_FILE)
    return parser


def _run(args: argparse.Namespace) -> int:
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home"))
    from pipelines.runner import run_pipeline

    return run_pipeline(
        data_dir=args.data_dir,
        warehouse=args.warehouse,
        output_dir=args.out,
        indicators_file=args.indicators,
        years=args.years,
        accept_quarantine=args.accept_quarantine,
        level=args.level,
        edition=args.edition,
        registry_file=args.registry,
        formats=_formats(args),
    )


def _formats(args: argparse.Namespace) -> list[str]:
    """The report formats ``--format`` asks for (checked where they are used)."""
    return [f.strip() for f in args.format.split(",") if f.strip()]


def _langs(args: argparse.Namespace) -> tuple[str, ...]:
    """The languages ``--lang`` asks for (``both``: Chinese, then English)."""
    return ("zh", "en") if args.lang == "both" else (args.lang,)


def _existing_warehouse(path: Path) -> None:
    if not path.is_file():
        raise InnovationMonitorError(f"--warehouse {path}: no such file; run first")


def _publish(args: argparse.Namespace) -> int:
    from innovation_monitor import stages, warehouse
    from innovation_monitor.framework import load_indicator_system
    from innovation_monitor.staging import acquire_lock

    _existing_warehouse(args.warehouse)
    system = load_indicator_system(args.indicators)
    with acquire_lock(args.warehouse), warehouse.connect(args.warehouse) as con:
        for level in (args.level,) if args.level else LANES:
            summary = stages.publish_edition(
                con, system, level, args.edition, args.indicators, args.out
            )
            print(summary.describe())
    return 0


def _explain(args: argparse.Namespace) -> int:
    from innovation_monitor.explain import explain_file

    explanation = explain_file(
        args.warehouse,
        indicators_file=args.indicators,
        level=args.level,
        year=args.year,
        edition=args.edition,
        region=args.region,
        indicator=args.indicator,
    )
    print("\n".join(explanation.text(lang) for lang in _langs(args)), end="")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from innovation_monitor.validation.data_dir import validate_data_dir

    outcome = validate_data_dir(
        args.data_dir,
        indicators_file=args.indicators,
        years=parse_years(args.years) if args.years else None,
    )
    print(outcome.summary())
    return 0 if outcome.success else 1


def _report(args: argparse.Namespace) -> int:
    from innovation_monitor.publish import publish_reports

    langs = _langs(args)
    years = parse_years(args.years) if args.years else None
    paths = publish_reports(
        args.warehouse,
        args.out,
        indicators_file=args.indicators,
        years=years,
        langs=langs,
        formats=_formats(args),
        edition=args.edition,
    )
    for path in paths:
        print(path)
    return 0


def _ui(args: argparse.Namespace) -> int:
    """Replace this process with ``dagster dev`` so Ctrl-C reaches it and leaves nothing behind."""
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home"))
    dagster = shutil.which("dagster", path=str(Path(sys.executable).parent)) or "dagster"
    argv = [dagster, "dev", "-h", "127.0.0.1", "-p", str(args.port)]
    argv += ["-w", str(PROJECT_ROOT / "workspace.yaml")]
    os.chdir(PROJECT_ROOT)
    os.execv(dagster, argv)
    return 0  # not reached


def _score(args: argparse.Namespace) -> int:
    from innovation_monitor.composite.build import run_build_files

    for path in run_build_files(args.data, args.meta, args.build, args.out):
        print(path)
    return 0


def _uncertainty(args: argparse.Namespace) -> int:
    from innovation_monitor.composite.uncertainty import run_uncertainty_files

    paths = run_uncertainty_files(
        args.data, args.meta, args.build, args.spec, args.out, scheduler=args.scheduler
    )
    for path in paths:
        print(path)
    return 0


def _template(args: argparse.Namespace) -> int:
    from innovation_monitor.divisions import DivisionRegistry
    from innovation_monitor.framework import load_indicator_system
    from innovation_monitor.template import (
        TEMPLATE_DIR,
        TEMPLATE_YEAR,
        template_path,
        write_template,
    )

    year = TEMPLATE_YEAR if args.year is None else args.year
    path = template_path(TEMPLATE_DIR if args.out is None else args.out, year)
    write_template(load_indicator_system(args.indicators), DivisionRegistry.load(), year, path)
    print(path)
    return 0


def _targets(args: argparse.Namespace) -> int:
    from innovation_monitor import warehouse
    from innovation_monitor.divisions import DivisionRegistry
    from innovation_monitor.framework import load_indicator_system
    from innovation_monitor.reports.target_text import progress_text
    from innovation_monitor.scoring.targets import warehouse_progress

    _existing_warehouse(args.warehouse)
    system = load_indicator_system(args.indicators)
    with warehouse.connect(args.warehouse, read_only=True) as con:
        progress = warehouse_progress(con, system, DivisionRegistry.load())
    print("\n".join(progress_text(progress, system, lang) for lang in _langs(args)), end="")
    return 0


def _whatif(args: argparse.Namespace) -> int:
    from innovation_monitor import warehouse
    from innovation_monitor.divisions import DivisionRegistry, find_unit
    from innovation_monitor.divisions.registry import statistics_levels
    from innovation_monitor.framework import load_indicator_system
    from innovation_monitor.reports.whatif_text import whatif_text
    from innovation_monitor.scoring.whatif import what_if

    _existing_warehouse(args.warehouse)
    system, registry = load_indicator_system(args.indicators), DivisionRegistry.load()
    with warehouse.connect(args.warehouse, read_only=True) as con:
        scored = warehouse.read(con, "scores")["year"].unique().to_list()
        if not scored:
            raise InnovationMonitorError(f"--warehouse {args.warehouse}: nothing scored; run first")
        year = max(scored) if args.year is None else args.year
        unit = find_unit(registry, args.region, year, args.level)
        statistics = warehouse.read(con, "statistics", level=statistics_levels(unit.level))
    framework = system.frameworks[unit.level]
    found = what_if(
        statistics,
        system,
        registry,
        framework,
        region_code=unit.code,
        year=year,
        indicator=framework.find_indicator(args.indicator).code,
        goal=args.goal,
        variable=args.variable,
    )
    print(
        "".join(whatif_text(found, system, registry, unit.level, lang) for lang in _langs(args)),
        end="",
    )
    return 0


_COMMANDS = {
    "run": _run,
    "whatif": _whatif,
    "targets": _targets,
    "publish": _publish,
    "explain": _explain,
    "validate": _validate,
    "report": _report,
    "ui": _ui,
    "score": _score,
    "uncertainty": _uncertainty,
    "template": _template,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except InnovationMonitorError as error:
        print(f"innovation-monitor {args.command}: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except (FileNotFoundError, PermissionError, IsADirectoryError) as error:
        print(f"innovation-monitor {args.command}: {error}", file=sys.stderr)
        return EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())

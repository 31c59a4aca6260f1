"""What the run reads and never writes: the raw files of each level and ``indicators.yaml``.

They are observable source assets whose data version is a hash of the files' contents, so the
UI can say *why* an asset is stale ("county_files has a new data version"). A run observes them
before it loads anything; the new-data sensor compares the same per-year digests to request
only the data years whose files changed.
"""

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg

from assets.resources import MonitorSettings, settings_from_env
from innovation_monitor.divisions import LEVELS
from innovation_monitor.ingest.fingerprint import (
    data_files,
    digests_version,
    file_sha256,
    level_digests,
)

SOURCES_GROUP = "sources"
FRAMEWORK = "indicators_yaml"


def files_asset(level: str) -> str:
    return f"{level}_files"


def _observable(observe: Callable[..., dg.ObserveResult], **kwargs: Any) -> dg.SourceAsset:
    """``dg.observable_source_asset``, without the warning that it is a beta API of Dagster
    1.13 (it would be printed on every command)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        return dg.observable_source_asset(**kwargs)(observe)


def _level_files(level: str) -> dg.SourceAsset:
    def level_files(settings: MonitorSettings) -> dg.ObserveResult:
        files = [f for f in data_files(settings.data_dir) if level in f.levels]
        digests = level_digests(files, level)
        listed = "\n".join(
            f"| {f.source_file} | {', '.join(map(str, sorted(f.years))) or 'any'} | "
            f"{f.sha256[:12]} |"
            for f in files
        )
        return dg.ObserveResult(
            data_version=dg.DataVersion(digests_version(digests)),
            metadata={
                "files": len(files),
                "folder": dg.MetadataValue.path(settings.data_dir),
                "listing": dg.MetadataValue.md(
                    "| file | data years | sha256 |\n|---|---|---|\n" + listed
                ),
            },
        )

    return _observable(
        level_files,
        name=files_asset(level),
        group_name=SOURCES_GROUP,
        description=f"The {level} statistics files of the data folder and its dataset.yaml "
        "(raw, never modified); data version: a hash of their contents.",
    )


def _observe_framework(settings: MonitorSettings) -> dg.ObserveResult:
    return dg.ObserveResult(
        data_version=dg.DataVersion(file_sha256(Path(settings.indicators_file))),
        metadata={"path": dg.MetadataValue.path(settings.indicators_file)},
    )


framework = _observable(
    _observe_framework,
    name=FRAMEWORK,
    group_name=SOURCES_GROUP,
    description="The monitoring framework (variables, formulas, methodology, targets); data "
    "version: a hash of its content, also the code version of the assets computed with it.",
)


level_files = {level: _level_files(level) for level in LEVELS}
source_assets = [framework, *level_files.values()]

#: ``code_version`` of the assets computed with the framework: the framework hash editions record,
#: of the file the definitions load with (``INNOVATION_MONITOR_INDICATORS`` or the shipped one);
#: a changed framework marks them stale ("code version changed") once the code is reloaded
FRAMEWORK_VERSION = file_sha256(Path(settings_from_env().indicators_file))

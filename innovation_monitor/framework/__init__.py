"""The monitoring framework defined by ``indicators.yaml``: what is measured, how it is scored.

``model`` holds the typed objects, ``load`` reads and checks the file, ``formulas`` the safe
formula language, ``engine`` the translation for the composite engine.
"""

from innovation_monitor.framework.engine import build_steps, imeta_table
from innovation_monitor.framework.formulas import Formula
from innovation_monitor.framework.load import build_indicator_system, load_indicator_system
from innovation_monitor.framework.model import (
    INDEX_CODE,
    Baseline,
    Indicator,
    IndicatorSystem,
    Methodology,
    MonitoringFramework,
    Pillar,
    PlanValue,
    Source,
    Target,
    Tier,
    Variable,
)

__all__ = [
    "INDEX_CODE",
    "Baseline",
    "Formula",
    "Indicator",
    "IndicatorSystem",
    "Methodology",
    "MonitoringFramework",
    "Pillar",
    "PlanValue",
    "Source",
    "Target",
    "Tier",
    "Variable",
    "build_indicator_system",
    "build_steps",
    "imeta_table",
    "load_indicator_system",
]

"""The cells of the sample set on purpose: real figures, yearbook placeholders, outliers.

Real figures come from the policy documents in ``../shared/seeds``; gaps and outliers are the
mess an ingest and a report must handle, listed so that tests and ``dataset.yaml`` name them.
"""

from __future__ import annotations

from dataclasses import dataclass

JIAOZHOU = "370281"
SEED_JIAOZHOU = "《胶州市“十四五”科技创新规划》(胶州市人民政府办公室, 2022-12-19)"
SEED_JINAN = "济南市企业科技创新三年行动计划（2023-2025年）（征求意见稿）, 主要目标 2"


@dataclass(frozen=True)
class RealValue:
    """A cell whose value is a real published figure (canonical unit)."""

    level: str
    region_code: str
    year: int
    variable: str
    value: float
    source: str
    note: str


@dataclass(frozen=True)
class RealShare:
    """A real ratio (in %) between two cells: ``numerator`` is set to share × ``denominator``."""

    level: str
    region_code: str
    year: int
    numerator: str
    denominator: str
    percent: float
    source: str
    note: str


REAL_VALUES: tuple[RealValue, ...] = (
    RealValue("county", JIAOZHOU, 2020, "hightech_enterprises", 494, SEED_JIAOZHOU,
              "截至2020年底有高新技术企业494家"),
    RealValue("county", JIAOZHOU, 2020, "specialised_smes", 723, SEED_JIAOZHOU,
              "“专精特新”企业723家"),
    RealValue("county", JIAOZHOU, 2020, "incubators", 12, SEED_JIAOZHOU,
              "截至2020年各级孵化器12家"),
    RealValue("county", JIAOZHOU, 2020, "invention_patents_valid", 1009, SEED_JIAOZHOU,
              "有效发明专利达到1009件"),
    RealValue("county", JIAOZHOU, 2020, "tech_contract_turnover", 390_000, SEED_JIAOZHOU,
              "技术合同成交额 39亿元 (2020 baseline of the plan's target table)"),
    RealValue("county", JIAOZHOU, 2020, "large_firms_rd_expenditure", 263_800, SEED_JIAOZHOU,
              "2020年规模以上企业研发经费支出26.38亿元"),
    RealValue("county", JIAOZHOU, 2020, "gdp", round(263_800 / 0.02152), SEED_JIAOZHOU,
              "derived: 26.38亿元 ÷ 2.152 % (规模以上企业R&D经费支出占生产总值比重)"),
)  # fmt: skip
REAL_SHARES: tuple[RealShare, ...] = (
    RealShare("county", JIAOZHOU, 2020, "hightech_output", "industrial_output", 56.28,
              SEED_JIAOZHOU, "高新技术产业产值占规模以上工业比重为56.28%"),
    RealShare("city", "370200", 2020, "hightech_output", "industrial_output", 61.77,
              SEED_JIAOZHOU, "青岛(61.77%), quoted for comparison in the Jiaozhou plan"),
    RealShare("city", "370100", 2022, "hightech_output", "industrial_output", 54.75,
              SEED_JINAN, "占比由54.75%达到60%以上 (baseline of a 2023–2025 plan: 2022)"),
)  # fmt: skip


@dataclass(frozen=True)
class Gap:
    """A deliberate yearbook placeholder: the cell holds ``placeholder``, not a number."""

    level: str
    region_code: str
    year: int
    variable: str
    placeholder: str


@dataclass(frozen=True)
class Outlier:
    """A deliberately extreme (but plausible) value: the modelled value times ``factor``."""

    level: str
    region_code: str
    year: int
    variable: str
    factor: float
    note: str


GAPS: tuple[Gap, ...] = (
    Gap("city", "371500", 2016, "tech_smes", "…"),
    Gap("county", "370634", 2017, "tech_contract_turnover", "—"),
    Gap("county", "370406", 2019, "hightech_exports", "…"),
    Gap("county", "370503", 2022, "new_product_revenue", "—"),
)
OUTLIERS: tuple[Outlier, ...] = (
    Outlier("city", "371100", 2020, "patent_applications", 2.5,
            "a subsidy-driven surge of utility-model filings"),
    Outlier("county", "370212", 2021, "tech_contract_turnover", 4.0,
            "one very large platform contract registered in Laoshan"),
    Outlier("county", "371482", 2022, "new_product_revenue", 3.0,
            "a single large product launch"),
)  # fmt: skip

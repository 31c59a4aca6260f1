"""Where things live, so that no module hard-codes a path."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
DEFAULT_WAREHOUSE = DATA_DIR / "warehouse.duckdb"
DEFAULT_OUTPUT_DIR = PROJECT_ROOT / "out"
INDICATORS_FILE = PROJECT_ROOT / "indicators.yaml"


def shared_reference_dir() -> Path:
    """The ``../shared/reference`` folder beside the project (read in place, never copied)."""
    override = os.environ.get("SHARED_REFERENCE_DIR")
    return Path(override) if override else PROJECT_ROOT.parent / "shared" / "reference"

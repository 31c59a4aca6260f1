"""The seeded generator of the bundled synthetic sample data (2016–2023).

The pipeline needs input that behaves like the real yearbooks it is written for: every city and
county-level unit of each data year (Laiwu to 2018, Penglai district from 2020, …), realistic
magnitudes, growth paths and correlations, and the mess of real files (GBK and BOM-marked UTF-8,
亿元 next to 万元, thousand separators, full-width digits, yearbook title and footnote rows,
placeholders for missing cells). Real city and county statistics cannot be bundled, so this
package makes them up in a way that stays as close to the real province as public figures allow:

* provincial totals of the headline variables are the published ones (``calibration``, read
  from ``published_figures.csv``), and city values are scaled so that they add up to them;
* city populations are the 2020 census figures moved along plausible growth paths;
* a few cells are real figures from the policy documents in ``../shared/seeds`` (``cells``);
* everything else is a seeded draw around each city's and county's economic profile
  (``profiles``, ``model``).

Counties share out their city's total minus a documented development-zone share (zones report
separately in Shandong's county statistics; ``counties``). ``sample`` rounds every value as its
file writes it, ``writers`` writes the files and ``readme`` the README. Run ``python -m
innovation_monitor.synthetic --out data/sample``; the same seed always gives byte-identical
files.
"""

from innovation_monitor.synthetic.calibration import YEARS
from innovation_monitor.synthetic.model import SEED
from innovation_monitor.synthetic.sample import Sample, build_sample
from innovation_monitor.synthetic.writers import write_sample

__all__ = ["SEED", "YEARS", "Sample", "build_sample", "write_sample"]

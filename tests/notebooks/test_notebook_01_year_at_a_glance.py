"""`notebooks/01_year_at_a_glance.ipynb` runs headless on the sample warehouse, with its own
parameters and with a second set (one file per notebook: the notebooks run on several test
workers)."""

from tests.notebooks.notebook_run import notebook_tests

NAME = "01_year_at_a_glance.ipynb"
test_runs_with_its_parameters, test_runs_with_other_parameters = notebook_tests(NAME)

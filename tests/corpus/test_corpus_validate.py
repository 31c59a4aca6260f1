"""Every corpus case through ``innovation-monitor validate``: the same verdict as ``run``."""

from pathlib import Path

import pytest

from pipelines.cli import main
from tests.corpus.cases import CASES, REFUSED, Case
from tests.corpus.conftest import cut_sample


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_validate_gives_the_documented_verdict(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = cut_sample(tmp_path / "data")
    case.edit(data)
    status = main(["validate", "--data-dir", str(data)])
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    if case.outcome == REFUSED:
        assert status != 0, output
    else:
        assert status == 0, output
    for text in case.says:
        assert text in output, f"{text!r} not in:\n{output[-3000:]}"

"""Typst in a child process (``innovation_monitor.typesetting``): the same PDF as in-process, a
Typst error raised in the parent with Typst's message, no partial file; and a report's PDF
written by the report writer through it."""

from pathlib import Path

import pytest
from report_frames import make_report
from test_outputs import _empty_tables

from innovation_monitor import fonts
from innovation_monitor.reports import pdf
from innovation_monitor.reports.outputs import ReportWriter
from innovation_monitor.typesetting import TypesettingError, compile_pdf, typeset

SOURCE = (
    "#set document(date: none)\n"  # as the report's template: no build time in the bytes
    '#set text(font: "Noto Sans CJK SC")\n'
    "#let data = json(bytes(sys.inputs.data))\n"
)


def _source(folder: Path, body: str) -> Path:
    path = folder / "doc.typ"
    path.write_text(SOURCE + body, "utf-8")
    return path


def test_the_child_process_writes_the_pdf_the_parent_would(tmp_path: Path) -> None:
    source = _source(tmp_path, "#data.title")
    data = '{"title": "创新能力监测"}'
    written = typeset(source, fonts.font_path().parent, data, tmp_path / "out.pdf")
    assert written.read_bytes() == compile_pdf(source, fonts.font_path().parent, data)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_typst_error_reaches_the_parent_with_its_message_and_writes_nothing(
    tmp_path: Path,
) -> None:
    source = _source(tmp_path, "#data.no_such_key")
    with pytest.raises(TypesettingError, match="no_such_key"):
        typeset(source, fonts.font_path().parent, "{}", tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()
    assert not list(tmp_path.glob(".*"))


def test_the_report_writer_raises_a_failed_pdf_and_keeps_the_earlier_file(
    registry, toy_system, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = make_report(registry, toy_system, "city")
    tables = _empty_tables()
    framework = toy_system.frameworks["city"]
    with ReportWriter(tmp_path, ("zh",), ("pdf",)) as writer:
        writer.write(report, framework=framework, tables=tables)
    path = tmp_path / str(report.year) / "city_report.zh.pdf"
    before = path.read_bytes()
    assert before.startswith(b"%PDF")

    def bad_prepare(source: Path, *args: object) -> str:
        source.write_text('#panic("template broken")', "utf-8")
        return "{}"

    monkeypatch.setattr(pdf, "_prepare", bad_prepare)
    with (
        pytest.raises(TypesettingError, match="template broken"),
        ReportWriter(tmp_path, ("zh",), ("pdf",)) as writer,
    ):
        writer.write(report, framework=framework, tables=tables)
    assert path.read_bytes() == before

"""A terse Dagster logger for command-line runs: one line per step, check and user message.

Dagster's console logger prints every engine event with a long prefix and full tracebacks; a
person running ``innovation-monitor run`` wants to see the pipeline advance and, on failure, one
clear message (the command line prints it from the run's failure events).
"""

import logging
import sys
import time

import dagster as dg

_SHOWN_EVENTS = {"STEP_START", "STEP_SUCCESS", "ASSET_CHECK_EVALUATION"}
# Dagster's note for each step skipped after a failure: the run's failure message says it once.
_SKIPPED = "Dependencies for step"


class _ProgressHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self._started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        step = meta.get("step_key") or ""
        if event is None:
            message = meta.get("orig_message", record.getMessage())
            if record.levelno >= logging.INFO and step and not message.startswith(_SKIPPED):
                print(f"    {message}", file=sys.stderr)
            return
        kind = event.event_type_value
        if kind not in _SHOWN_EVENTS:
            return
        if kind == "STEP_START":
            self._started[step] = time.perf_counter()
            print(f"▶ {step}", file=sys.stderr)
        elif kind == "STEP_SUCCESS":
            seconds = time.perf_counter() - self._started.get(step, time.perf_counter())
            print(f"✓ {step} ({seconds:.1f} s)", file=sys.stderr)
        else:
            evaluation = event.event_specific_data
            mark = "✓" if evaluation.passed else "✗"
            name = evaluation.asset_check_key.to_user_string()  # city_statistics:valid
            severity = "" if evaluation.passed else f" [{evaluation.severity.value}]"
            print(f"  {mark} check {name}{severity}", file=sys.stderr)


@dg.logger(description="One line per step, asset check and user message (command-line runs).")
def progress_logger(_init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("innovation_monitor.progress", level=logging.DEBUG)
    logger.addHandler(_ProgressHandler())
    return logger

"""Loaded into a test worker (through tests.worker_tasks). With SETTLEMENT_PAUSE_FILE set, the
first chunk the worker settles stops inside its transaction once every line is written, puts
the worker's process id in that file and waits there to be killed."""

import os
import time
from pathlib import Path

from contracts import statement_writer

PAUSE_FILE = os.environ.get("SETTLEMENT_PAUSE_FILE")

if PAUSE_FILE:
    write = statement_writer.write

    def _write_then_wait(*args, **kwargs):
        written = write(*args, **kwargs)
        pause = Path(PAUSE_FILE)
        if not pause.exists():
            pause.write_text(str(os.getpid()))
            time.sleep(300)
        return written

    statement_writer.write = _write_then_wait

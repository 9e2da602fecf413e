"""The benchmark's results: checked against their targets, printed, and kept as JSON.

`python -m tests.benchmarks.report bench/results/<file>.json` prints the Markdown table of a
kept result (the README's performance table is that table).
"""

import json
import os
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
INFORMATION = "(information)"  # the target of a physical-limit line: none


@dataclass(frozen=True)
class Check:
    """One figure against its floor (when it has one) and its target."""

    name: str
    figure: str
    floor: str
    ratio: float | None
    target: str
    ok: bool
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target == INFORMATION:
            return "—"
        return "met" if self.ok else "MISSED"


def machine(database_version: str) -> dict[str, object]:
    """What the figures were measured on."""
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = names[0] if names else ""
    memory_mb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total = meminfo.read_text().splitlines()[0].split()
        memory_mb = int(total[1]) // 1024
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": memory_mb,
        "load_average_at_start": load,
        "system": platform.platform(),
        "python": platform.python_version(),
        "database": database_version,
    }


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def save(result: dict[str, object]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{stamp}-scale-{result['scale']}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    return path


def as_dicts(checks: list[Check]) -> list[dict[str, object]]:
    return [{**asdict(check), "verdict": check.verdict} for check in checks]


def text_table(checks: list[dict[str, object]]) -> str:
    rows = [("", "what", "figure", "floor", "ratio", "target")]
    for check in checks:
        ratio = f"{check['ratio']:.2f}×" if check["ratio"] is not None else ""
        mark = "ok  " if check["ok"] else "MISS"
        rows.append((mark, check["name"], check["figure"], check["floor"], ratio, check["target"]))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def markdown_table(checks: list[dict[str, object]]) -> str:
    lines = [
        "| What | Figure | Floor | Ratio | Target | Verdict |",
        "|---|---|---|---|---|---|",
    ]
    for check in checks:
        ratio = f"{check['ratio']:.2f}×" if check["ratio"] is not None else ""
        lines.append(
            f"| {check['name']} | {check['figure']} | {check['floor']} | {ratio} "
            f"| {check['target']} | {'—' if check['target'] == INFORMATION else check['verdict']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    kept = json.loads(Path(sys.argv[1]).read_text())
    print(markdown_table(kept["checks"]))

"""Peak resident memory, per benchmark step and for the whole run, from the kernel's
high-water mark.

`ru_maxrss` does not serve: it never goes down within a process, so it cannot say which step
made the peak, and Linux carries a parent's peak over into a child's across fork and exec.
Instead each step resets the process's high-water mark (`VmHWM` in /proc/<pid>/status) by
writing 5 to /proc/self/clear_refs and reads it when the step ends; the peak of the run is the
largest mark read, between steps too. A child process (gunicorn's master and its workers) is
measured by its own VmHWM, read before it stops: after exec a process's mark counts only its
own pages (a forked worker's also counts the pages it still shares with its master).
"""

from pathlib import Path


def high_water_mb(pid: int | str = "self") -> float:
    """The process's peak resident memory since it started or since its mark was reset."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"/proc/{pid}/status has no VmHWM")


class Peaks:
    """This process's peak memory per step, and of everything measured since it was made."""

    def __init__(self) -> None:
        self.run = high_water_mb()

    def start_step(self) -> None:
        """Keep the peak so far, then measure the step from what the process holds now."""
        self.run = max(self.run, high_water_mb())
        Path("/proc/self/clear_refs").write_text("5")

    def step(self) -> float:
        """The peak since the step started."""
        peak = high_water_mb()
        self.run = max(self.run, peak)
        return peak

    def whole_run(self) -> float:
        return max(self.run, high_water_mb())


def children_mb(pid: int) -> dict[int, float]:
    """The peak memory of `pid` and of each of its child processes, by process id."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {int(p): high_water_mb(p) for p in (pid, *children)}

"""Best-effort CPU accounting for the load benchmark, read from ``/proc`` (Linux only).

The load client, the server and PostgreSQL share the machine's cores, so a throughput
figure alone does not say where the CPU went. This module snapshots, before and after the
timed phase, the CPU time of:

- the server: the processes holding the listening socket of the benchmarked port (or the
  pids given with ``--server-pid``) and all their descendants (the uvicorn workers);
- PostgreSQL backends serving the server: the ``postgres`` processes whose command line
  names a client port that one of the server's sockets uses (TCP connections only; a
  backend that closes during the run is lost, one that opens is counted from zero);
- the whole PostgreSQL cluster: every ``postgres`` process, including background writers,
  and other databases' or other servers' backends (so it overstates when others load it);
- the machine: busy time of all cores from ``/proc/stat``.

A process's CPU is utime + stime + cutime + cstime: the last two hold the CPU of children it
has reaped, so a worker or backend that exits during the run still counts at its parent.
Everything here degrades to "unknown" (``None``) rather than failing the benchmark.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")
TICK = float(os.sysconf("SC_CLK_TCK")) if hasattr(os, "sysconf") else 100.0
LISTEN = "0A"
CLIENT_PORT = re.compile(r"\((\d+)\)")


@dataclass(frozen=True)
class ProcInfo:
    """What ``/proc/<pid>/stat`` tells about one process."""

    pid: int
    ppid: int
    comm: str
    cpu_s: float  # utime + stime + cutime + cstime


@dataclass
class Snapshot:
    """CPU seconds of each group at one instant."""

    server: dict[int, float] = field(default_factory=dict)
    pg_backends: dict[int, float] = field(default_factory=dict)
    pg_cluster: dict[int, float] = field(default_factory=dict)
    machine_busy_s: float | None = None


def read_proc(pid: int) -> ProcInfo | None:
    """One process's stat line, or None if it is gone or unreadable."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    head, _, rest = text.rpartition(")")
    fields = rest.split()
    ticks = sum(int(v) for v in fields[11:15])
    return ProcInfo(pid, int(fields[1]), head.partition("(")[2], ticks / TICK)


def all_procs() -> dict[int, ProcInfo]:
    """Every process visible now, by pid."""
    found: dict[int, ProcInfo] = {}
    for entry in PROC.iterdir() if PROC.is_dir() else ():
        if entry.name.isdigit() and (info := read_proc(int(entry.name))) is not None:
            found[info.pid] = info
    return found


def descendants(roots: set[int], procs: dict[int, ProcInfo]) -> set[int]:
    """The roots and every process below them."""
    children: dict[int, list[int]] = {}
    for info in procs.values():
        children.setdefault(info.ppid, []).append(info.pid)
    seen, todo = set(), [r for r in roots if r in procs]
    while todo:
        pid = todo.pop()
        if pid not in seen:
            seen.add(pid)
            todo.extend(children.get(pid, ()))
    return seen


def socket_inodes(pid: int) -> set[int]:
    """Inodes of the sockets a process holds open."""
    inodes: set[int] = set()
    try:
        names = os.listdir(PROC / str(pid) / "fd")
    except OSError:
        return inodes
    for name in names:
        try:
            target = os.readlink(PROC / str(pid) / "fd" / name)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def tcp_sockets() -> list[tuple[int, str, int]]:
    """(local port, state, inode) of every TCP socket in this network namespace."""
    rows: list[tuple[int, str, int]] = []
    for name in ("tcp", "tcp6"):
        try:
            lines = (PROC / "net" / name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            rows.append((int(parts[1].rsplit(":", 1)[1], 16), parts[3], int(parts[9])))
    return rows


def listening_pids(port: int, procs: dict[int, ProcInfo]) -> set[int]:
    """Processes holding the listening socket of ``port`` (the server and its workers)."""
    wanted = {inode for p, state, inode in tcp_sockets() if p == port and state == LISTEN}
    if not wanted:
        return set()
    return {pid for pid in procs if socket_inodes(pid) & wanted}


def server_client_ports(server: set[int]) -> set[int]:
    """Local ports of the server's outgoing (non-listening) TCP connections."""
    inodes: set[int] = set()
    for pid in server:
        inodes |= socket_inodes(pid)
    return {p for p, state, inode in tcp_sockets() if inode in inodes and state != LISTEN}


def read_cmdline(pid: int) -> str:
    """A process's command line as one string ('' if gone)."""
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def machine_busy_s() -> float | None:
    """Busy CPU seconds of all cores since boot (everything but idle and iowait)."""
    try:
        first = (PROC / "stat").read_text().splitlines()[0].split()
    except OSError:
        return None
    values = [int(v) for v in first[1:9]]  # user nice system idle iowait irq softirq steal
    return (sum(values) - values[3] - values[4]) / TICK


@dataclass
class CpuProbe:
    """Finds the processes once, then takes snapshots of their CPU time."""

    port: int
    server_roots: set[int]

    def snapshot(self) -> Snapshot:
        """CPU seconds of the server tree, its PostgreSQL backends, the cluster, the machine."""
        procs = all_procs()
        roots = self.server_roots or listening_pids(self.port, procs)
        server = descendants(roots, procs)
        postgres = {pid for pid, info in procs.items() if info.comm == "postgres"}
        ports = server_client_ports(server) - {self.port} if postgres else set()
        backends = {
            pid
            for pid in postgres
            if (m := CLIENT_PORT.search(read_cmdline(pid))) and int(m.group(1)) in ports
        }
        return Snapshot(
            server={pid: procs[pid].cpu_s for pid in server},
            pg_backends={pid: procs[pid].cpu_s for pid in backends},
            pg_cluster={pid: procs[pid].cpu_s for pid in postgres},
            machine_busy_s=machine_busy_s(),
        )


def spent(before: dict[int, float], after: dict[int, float]) -> float | None:
    """CPU seconds a group used between two snapshots (None if the group was never seen).

    A pid seen only afterwards started during the run and counts from zero; one seen only
    before ended and is lost unless its parent (in the group) reaped it.
    """
    if not before and not after:
        return None
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def per_decision_ms(
    before: Snapshot, after: Snapshot, client_cpu_s: tuple[float, float], decisions: int
) -> dict[str, float | None]:
    """Milliseconds of CPU per answered request for each group (None where unknown).

    ``client_cpu_s`` is the client's (user, system) CPU over the same interval.
    """
    machine = (
        after.machine_busy_s - before.machine_busy_s
        if after.machine_busy_s is not None and before.machine_busy_s is not None
        else None
    )
    groups: dict[str, float | None] = {
        "client": sum(client_cpu_s),
        "client_user": client_cpu_s[0],
        "client_system": client_cpu_s[1],
        "server": spent(before.server, after.server),
        "postgres_backends": spent(before.pg_backends, after.pg_backends),
        # Only where the server talks to PostgreSQL: otherwise it is someone else's load.
        "postgres_cluster": spent(before.pg_cluster, after.pg_cluster)
        if before.pg_backends or after.pg_backends
        else None,
        "machine": machine,
    }
    n = max(1, decisions)
    return {k: None if v is None else round(1000 * v / n, 3) for k, v in groups.items()}

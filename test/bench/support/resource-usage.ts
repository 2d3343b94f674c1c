import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU accounting from /proc (Linux only; figures are NaN elsewhere), to say where the
 * time of an order goes: the Tower process, PostgreSQL backends serving the bench
 * database, or the load generator itself.
 */
const TICKS_PER_SECOND = 100;

/** User and kernel CPU ms of one process so far. */
function processCpu(pid: number): { user: number; system: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: (Number(fields[11]) * 1000) / TICKS_PER_SECOND, system: (Number(fields[12]) * 1000) / TICKS_PER_SECOND };
  } catch {
    return { user: Number.NaN, system: Number.NaN };
  }
}

/** CPU ms of this process's children that have ended and been waited for (pgbench, here). */
function endedChildrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

function processCpuMs(pid: number): number {
  const { user, system } = processCpu(pid);
  return user + system;
}

/**
 * CPU ms of every PostgreSQL backend whose process title names `database`, by pid (a pid
 * reused by an unrelated process during one window would be misread; rare enough here).
 */
function backendCpuMs(database: string): Map<number, number> {
  const byPid = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return byPid;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (title.startsWith('postgres:') && title.includes(` ${database} `)) byPid.set(Number(entry), processCpuMs(Number(entry)));
    } catch {
      // the process ended while we looked
    }
  }
  return byPid;
}

function machineTicks(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((sum, v) => sum + v, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

export interface CpuWindow {
  /** CPU ms used since the window opened by the Tower process, its database backends and this process. */
  serverMs: number;
  /** The part of serverMs spent in the kernel (sockets, mostly). */
  serverKernelMs: number;
  postgresMs: number;
  loadGeneratorMs: number;
  /** Child processes of the bench that ended inside the window (a pgbench run). */
  endedChildrenMs: number;
  /** Share of all cores busy over the window, 0..100 (includes processes outside the bench). */
  machineBusyPct: number;
}

/** Opens a measurement window; call the result to close it. */
export function openCpuWindow(serverPid: number, database: string): () => CpuWindow {
  const server = processCpu(serverPid);
  const backends = backendCpuMs(database);
  // Backends that end inside the window (pgbench's) take their CPU figures with them: keep
  // the last reading of each, sampled a few times a second.
  const lastSeen = new Map(backends);
  const sample = () => {
    for (const [pid, ms] of backendCpuMs(database)) lastSeen.set(pid, ms);
  };
  const sampler = setInterval(sample, 200);
  sampler.unref();
  const self = process.cpuUsage();
  const children = endedChildrenCpuMs();
  const machine = machineTicks();
  return () => {
    clearInterval(sampler);
    sample();
    let postgresMs = 0;
    for (const [pid, ms] of lastSeen) postgresMs += ms - (backends.get(pid) ?? 0);
    const used = process.cpuUsage(self);
    const machineNow = machineTicks();
    const serverNow = processCpu(serverPid);
    return {
      serverMs: serverNow.user + serverNow.system - server.user - server.system,
      serverKernelMs: serverNow.system - server.system,
      postgresMs,
      loadGeneratorMs: (used.user + used.system) / 1000,
      endedChildrenMs: endedChildrenCpuMs() - children,
      machineBusyPct: (100 * (machineNow.busy - machine.busy)) / (machineNow.total - machine.total),
    };
  };
}

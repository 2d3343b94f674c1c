import { appendFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { TowerProcess } from '#test/support/tower-process.ts';

/**
 * `node [nodeArgs] --import tsx server/main.ts` as a child process, like the integration
 * tests' spawnTower but able to pass V8 flags (e.g. --cpu-prof, which NODE_OPTIONS refuses).
 * Keeps only the last 64 kB of output: a long run must not grow the bench's memory. With
 * BENCH_TOWER_LOG set, all of it also goes to that file (to read an error a long run logged).
 */
export function spawnTowerServer(env: Record<string, string>, nodeArgs: readonly string[] = []): TowerProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const logFile = process.env.BENCH_TOWER_LOG;
  const keep = (chunk: unknown) => {
    output = (output + String(chunk)).slice(-65_536);
    if (logFile) appendFileSync(logFile, String(chunk));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, url: `http://127.0.0.1:${env.PORT}`, output: () => output, exited };
}

/** Extra environment for the Tower process from BENCH_SERVER_ENV ("NAME=value NAME=value"), e.g. to compare settings. */
export function benchServerEnv(): Record<string, string> {
  const pairs = process.env.BENCH_SERVER_ENV?.split(' ').filter(Boolean) ?? [];
  return Object.fromEntries(pairs.map((pair) => pair.split('=', 2) as [string, string]));
}

/** Stops the server the way an orchestrator would (SIGTERM), and kills it if it hangs. */
export async function stopTowerServer(server: TowerProcess, graceMs = 15_000): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const killer = setTimeout(() => server.child.kill('SIGKILL'), graceMs);
  await server.exited;
  clearTimeout(killer);
}

/**
 * The end of every bench: stops its Tower, removes its DATA_DIR, drops its database — each if
 * there is one, each failure said on stderr, none stopping the rest.
 */
export async function releaseBenchServer(
  parts: { tower?: TowerProcess | undefined; dataDir?: string | undefined; database?: { name: string; drop(): Promise<void> } | undefined },
  progress: (message: string) => void,
): Promise<void> {
  const { tower, dataDir, database } = parts;
  if (tower) await stopTowerServer(tower).catch((error: unknown) => progress(`could not stop Tower: ${String(error)}`));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (database) {
    await database.drop().then(
      () => progress(`dropped ${database.name}`),
      (error: unknown) => progress(`could not drop ${database.name}: ${String(error)}`),
    );
  }
}

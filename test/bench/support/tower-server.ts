import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { TowerProcess } from '#test/support/tower-process.ts';

/**
 * `node [nodeArgs] --import tsx server/main.ts` as a child process, like the integration
 * tests' spawnTower but able to pass V8 flags (e.g. --cpu-prof, which NODE_OPTIONS refuses).
 * Keeps only the last 64 kB of output: a long run must not grow the bench's memory.
 */
export function spawnTowerServer(env: Record<string, string>, nodeArgs: readonly string[] = []): TowerProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: unknown) => {
    output = (output + String(chunk)).slice(-65_536);
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

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface TowerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** Runs `server/main.ts` as its own process, the way `npm start` does. */
export function spawnTower(env: Record<string, string>): TowerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, url: `http://127.0.0.1:${env.PORT}`, output: () => output, exited };
}

export async function waitForHealthy(tower: TowerProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (tower.child.exitCode !== null) throw new Error(`Tower exited early:\n${tower.output()}`);
    try {
      const response = await fetch(`${tower.url}/api/health`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Tower did not become healthy in ${timeoutMs} ms:\n${tower.output()}`);
}

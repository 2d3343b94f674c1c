/**
 * `npm run bench [name]`: runs every test/bench/*.bench.ts (or those whose name contains
 * `name`) one after another, each in its own `tsx` process so that no bench warms up or
 * slows down the next. A bench prints exactly one JSON line on stdout; its progress on stderr
 * passes straight through. Exit code: 0 all ran and passed their targets, 1 a bench failed to
 * run (crash, no or bad JSON), 2 every bench ran but at least one missed its targets.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(benchDir, '../..');
const filter = process.argv[2];

const benches = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => !filter || file.includes(filter))
  .sort();

if (benches.length === 0) {
  console.error(filter ? `No bench in test/bench matches "${filter}".` : 'No test/bench/*.bench.ts files.');
  process.exit(1);
}

let current: ReturnType<typeof spawn> | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // The bench cleans up after itself (server, database) on a signal; wait for it to do so.
  process.on(signal, () => current?.kill(signal));
}

interface Outcome {
  bench: string;
  ran: boolean;
  pass?: boolean;
  problem?: string;
}

function runBench(file: string): Promise<Outcome> {
  const bench = file.replace(/\.bench\.ts$/, '');
  console.error(`── ${bench}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, file)], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    current = child;
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.on('error', (error) => resolve({ bench, ran: false, problem: error.message }));
    child.on('close', (code, signal) => {
      current = undefined;
      const lines = stdout.split('\n').filter((line) => line.trim() !== '');
      if (code !== 0) return resolve({ bench, ran: false, problem: `exited with ${signal ?? code}` });
      if (lines.length !== 1) return resolve({ bench, ran: false, problem: `printed ${lines.length} lines on stdout instead of one JSON line` });
      try {
        const result = JSON.parse(lines[0]!) as { pass?: unknown };
        console.log(lines[0]);
        resolve({ bench, ran: true, pass: result.pass !== false });
      } catch {
        resolve({ bench, ran: false, problem: `printed something that is not JSON: ${lines[0]!.slice(0, 200)}` });
      }
    });
  });
}

const outcomes: Outcome[] = [];
for (const file of benches) outcomes.push(await runBench(file));

for (const o of outcomes) {
  console.error(`${o.bench}: ${!o.ran ? `FAILED (${o.problem})` : o.pass ? 'pass' : 'ran, missed its targets'}`);
}
process.exit(outcomes.some((o) => !o.ran) ? 1 : outcomes.some((o) => !o.pass) ? 2 : 0);

/**
 * `npm run forecast:run [-- --url URL --token T]`: starts a forecast run on a running Tower (as
 * the nightly schedule does) and follows it to the end with a progress bar, then prints its
 * accuracy summary. Exit codes: 0 succeeded, 1 failed or refused (e.g. a run is already going),
 * 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '#server/config.ts';
import { seriesProgress } from './series-progress.ts';
import { towerTarget } from './tower-target.ts';

const HELP = `Usage: npm run forecast:run -- [--url URL] [--token T]

  --url URL     Tower's address (TOWER_URL, else http://HOST:PORT)
  --token T     an API token allowed forecasts:run (admin, manager, planner)
                (TOWER_TOKEN, else DATA_DIR/simulator-token)
`;

const POLL_MS = 500;

interface Run {
  id: string;
  number: number;
  status: 'running' | 'succeeded' | 'failed';
  seriesDone: number;
  seriesTotal: number;
  proposalsCreated: number;
  error: string | null;
  summary: unknown;
}

async function call<T>(baseUrl: string, token: string, method: string, path: string): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json().catch(() => null)) as (T & { detail?: string }) | null;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${body?.detail ?? ''}`.trim());
  return body as T;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { url: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const { baseUrl, token } = towerTarget(loadConfig(), values);
  if (!token) {
    process.stderr.write('forecast:run: no API token: pass --token or TOWER_TOKEN (a planner, manager or admin token)\n');
    return 2;
  }
  let run = await call<Run>(baseUrl, token, 'POST', '/api/forecasts/runs');
  process.stderr.write(`forecast run #${run.number} started\n`);
  const progress = seriesProgress(process.stderr, `run #${run.number}`);
  let stage = 'reading demand';
  while (run.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    run = await call<Run>(baseUrl, token, 'GET', `/api/forecasts/runs/${run.id}`);
    if (run.seriesTotal > 0) stage = run.seriesDone < run.seriesTotal ? 'forecasting' : 'proposing and saving';
    progress.update(run.seriesDone, run.seriesTotal, stage);
  }
  progress.end(run.seriesDone, run.seriesTotal, run.status);
  if (run.status === 'failed') {
    process.stderr.write(`forecast run #${run.number} failed: ${run.error ?? 'no reason given'}\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify({ run: run.number, series: run.seriesTotal, proposals: run.proposalsCreated, summary: run.summary }, null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`forecast:run: ${error instanceof Error ? error.message : String(error)}\n${usage ? 'Run with --help for usage.\n' : ''}`);
    process.exit(usage ? 2 : 1);
  },
);

/**
 * `npm run simulate -- --days 90 --rate 30/min --seed 42`: seeds the simulated business into a
 * running Tower (once), backfills the history through its public API, then goes on live until
 * Ctrl-C. Progress on stderr, the summary on stdout. Exit codes: 0 done, 1 failed, 2 usage error.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '#server/config.ts';
import { readGeneratedCarrierSecret } from '#server/demo/demo-setup.ts';
import type { FloorUser } from '#server/simulator/driver/floor-session.ts';
import { ProgressPrinter } from '#server/simulator/driver/progress.ts';
import { parseRate } from '#server/simulator/driver/rate.ts';
import { runSimulation, type SimulationSummary } from '#server/simulator/driver/simulation.ts';
import { readOptional, towerTarget } from './tower-target.ts';

const HELP = `Usage: npm run simulate -- [options]

  --days N              days of history to backfill before now (default 90)
  --rate R              live orders per minute: 30/min, 2/s, 500/h (default 30/min)
  --seed S              the business and its history come from this seed (default 42)
  --orders-per-day N    the backfill's orders a day (default 400, before season and trend)
  --no-live             stop once the history is written
  --full-path-hours N   the last N hours of history go step by step through every order's
                        calls; the history before them is imported whole (default 24)
  --concurrency N       requests in flight (default 16)
  --url URL             Tower's address (TOWER_URL, else http://HOST:PORT)
  --token T             an API token with roles manager,simulator (TOWER_TOKEN, else DATA_DIR/simulator-token)

The floor work (pick claims are a person's) signs in as TOWER_FLOOR_EMAIL / TOWER_FLOOR_PASSWORD,
else as the user in DATA_DIR/simulator-floor-user (email and password on two lines), else as a
floor worker the token creates if it may manage users (an admin token).
Carrier webhooks are signed with CARRIER_WEBHOOK_SECRET, the key Tower checks them with (else the
key Tower made for its demo, DATA_DIR/carrier-webhook-secret).
`;

const HOW_TO_GET_A_TOKEN =
  'no API token: pass --token or TOWER_TOKEN, or start Tower once so it writes DATA_DIR/simulator-token; an admin (npm run users -- create --email you@example.com --roles admin) can create one with POST /api/tokens {"name":"simulator","roles":["manager","simulator"]}';

class UsageError extends Error {}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, not "${value}"`);
  return n;
}

function summaryLines(s: SimulationSummary): string {
  return [
    `history from ${s.from} to ${s.reached}`,
    `orders placed ${s.ordersPlaced} (imported whole ${s.stats.ordersImported}, already there ${s.ordersExisting}), declined ${s.ordersDeclined}, out of stock ${s.ordersOutOfStock}, refused ${s.ordersRejected}, cancelled ${s.ordersCancelled}`,
    `shipments shipped ${s.shipmentsShipped}, deliveries ${s.deliveries}, returns ${s.returns} (refunded ${s.refunds})`,
    `${s.requestsSent} requests in ${(s.elapsedMs / 1000).toFixed(1)} s: ${s.ordersPerSecond.toFixed(1)} orders/s, ${s.requestsPerSecond.toFixed(1)} requests/s`,
    ...(s.floorSkipped ? [`no floor work: ${s.floorSkipped}`] : []),
    ...(s.errors > 0 ? [`${s.errors} errors, e.g. ${s.errorSamples.slice(0, 3).join(' | ')}`] : []),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      days: { type: 'string' },
      rate: { type: 'string' },
      seed: { type: 'string' },
      'orders-per-day': { type: 'string' },
      live: { type: 'boolean', default: true },
      'no-live': { type: 'boolean' },
      'full-path-hours': { type: 'string' },
      concurrency: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const config = loadConfig();
  // The CLI is a client of Tower: its address, token and floor user are its own settings, not Tower's configuration.
  // eslint-disable-next-line no-restricted-properties
  const env = process.env;
  const dataDir = config.DATA_DIR;
  const { baseUrl, token } = towerTarget(config, values);
  if (!token) {
    process.stderr.write(`${HOW_TO_GET_A_TOKEN}\n`);
    return 1;
  }
  // The key Tower checks scans with: configured, or the one it made for its own demo.
  const carrierSecret = config.CARRIER_WEBHOOK_SECRET ?? readGeneratedCarrierSecret(dataDir);
  if (!carrierSecret) {
    process.stderr.write('no CARRIER_WEBHOOK_SECRET: set it to the key Tower checks carrier webhooks with (16+ characters), or parcels are never delivered\n');
    return 1;
  }
  const floorFile = readOptional(path.join(dataDir, 'simulator-floor-user'))?.split('\n');
  const floorUser: FloorUser | undefined =
    env.TOWER_FLOOR_EMAIL && env.TOWER_FLOOR_PASSWORD
      ? { email: env.TOWER_FLOOR_EMAIL, password: env.TOWER_FLOOR_PASSWORD }
      : floorFile?.[0] && floorFile[1]
        ? { email: floorFile[0].trim(), password: floorFile[1].trim() }
        : undefined;
  let ordersPerMinute: number;
  try {
    ordersPerMinute = parseRate(values.rate ?? '30/min');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const live = values.live && !values['no-live'];
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping (Ctrl-C again to quit at once)…\n');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const printer = new ProgressPrinter(process.stderr);
  const summary = await runSimulation({
    baseUrl,
    token,
    carrierSecret,
    seed: positiveInt('seed', values.seed, 42),
    days: positiveInt('days', values.days, 90),
    ordersPerDay: values['orders-per-day'] === undefined ? undefined : positiveInt('orders-per-day', values['orders-per-day'], 400),
    live: live ? { ordersPerMinute } : false,
    fullPathHours: values['full-path-hours'] === undefined ? undefined : positiveInt('full-path-hours', values['full-path-hours'], 24),
    concurrency: Math.max(1, positiveInt('concurrency', values.concurrency, 16)),
    signal: controller.signal,
    floorUser,
    onProgress: (p) => (p.phase === 'done' ? printer.finish(p) : printer.update(p)),
  });
  process.stdout.write(`${summaryLines(summary)}\n`);
  return 0;
}

let exitCode: number;
try {
  exitCode = await main(process.argv.slice(2));
} catch (error) {
  const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  exitCode = usage ? 2 : 1;
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message.split('\n')[0]}${usage ? '; see --help' : ''}\n`);
}
process.exit(exitCode);

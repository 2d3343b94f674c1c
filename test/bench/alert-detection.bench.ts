/**
 * Alert detection in simulated time (issue 9): with the simulator's disruptions on, does each
 * raise the right alert within 60 simulated seconds of becoming detectable, and how many alerts
 * open that no disruption explains? Tower runs in process on a scratch database with a clock the
 * harness moves; the simulator drives it through the public API (history dated with
 * x-tower-as-of), its scheduler stepping BENCH_DETECTION_STEP_SECONDS (30) of simulated time at a
 * time, and after each step the alert engine runs a round as of that moment
 * (test/bench/support/detection-harness.ts). Two runs: one with a disruption of each kind, one
 * quiet. Prints ONE JSON line on stdout; progress on stderr.
 *
 * Settings: DATABASE_URL (a server to create scratch databases on), BENCH_DETECTION_END (2026-12-05:
 * the simulated day both runs end on, at 23:59 UTC), BENCH_DETECTION_DAYS (9: the disrupted run's
 * days before that day), BENCH_DETECTION_QUIET_DAYS (4),
 * BENCH_DETECTION_ORDERS_PER_DAY (200 at the model's anchor: about 320 in December),
 * BENCH_DETECTION_STEP_SECONDS (30), BENCH_DETECTION_COARSE_SECONDS (600: alert rounds outside
 * measured parts; 30 runs the engine at every step), BENCH_DETECTION_SEED (42), BENCH_KEEP_DATABASE (1:
 * leave both runs' scratch databases behind, named in the output, to query their records).
 */
import { loadavg } from 'node:os';
import { allRules } from '#server/alerts/rules/all-rules.ts';
import { DEFAULT_SERVER_URL } from './support/bench-database.ts';
import { runBenchMain } from './support/bench-main.ts';
import { runDetection, type DetectionRun } from './support/detection-harness.ts';
import { stuckPickStandIn } from './support/detection-expectations.ts';
import { TARGET_DELAY_SECONDS } from './support/detection-report.ts';
import { oneOfEach } from './support/detection-scenario.ts';

const days = Number(process.env.BENCH_DETECTION_DAYS ?? 9);
const quietDays = Number(process.env.BENCH_DETECTION_QUIET_DAYS ?? 4);
const ordersPerDay = Number(process.env.BENCH_DETECTION_ORDERS_PER_DAY ?? 200);
const stepSeconds = Number(process.env.BENCH_DETECTION_STEP_SECONDS ?? 30);
const seed = Number(process.env.BENCH_DETECTION_SEED ?? 42);
const coarseSeconds = Number(process.env.BENCH_DETECTION_COARSE_SECONDS ?? 600);
if (![days, quietDays, ordersPerDay, seed].every((n) => Number.isInteger(n) && n >= 1) || !(stepSeconds > 0 && stepSeconds <= 30)) {
  throw new Error('BENCH_DETECTION_DAYS, _ORDERS_PER_DAY and _SEED must be whole numbers ≥ 1; _STEP_SECONDS in (0, 30]');
}
// A fixed window: demand, weekends and holidays under each disruption are the scenario, so the
// same code measures the same thing any day it runs (a window ending yesterday moved Black Friday,
// Cyber Monday and a weekend under different disruptions each day, and the result with them).
// 2026-12-05: 11-26 → 12-05, the window of the last runs, in which every disruption falls inside.
const end = process.env.BENCH_DETECTION_END ?? '2026-12-05';
if (!/^\d{4}-\d{2}-\d{2}$/.test(end) || Number.isNaN(Date.parse(`${end}T00:00:00Z`))) throw new Error('BENCH_DETECTION_END must be a date, YYYY-MM-DD');
const endAt = new Date(Date.parse(`${end}T23:59:00Z`));
const serverUrl = process.env.DATABASE_URL || DEFAULT_SERVER_URL;
const keepDatabase = process.env.BENCH_KEEP_DATABASE === '1';
const progress = (message: string) => process.stderr.write(`[alert-detection] ${message}\n`);

function brief(run: DetectionRun) {
  const { detections: _d, rules: _r, ...rest } = run;
  return rest;
}

async function measure() {
  const loadBefore = loadavg().map((n) => Math.round(n * 100) / 100);
  const started = Date.now();
  const common = { serverUrl, seed, days, ordersPerDay, stepMs: stepSeconds * 1000, coarseMs: coarseSeconds * 1000, standIns: [stuckPickStandIn()], keepDatabase, endAt };
  progress(`disrupted run: ${days} days to ${end} of ${ordersPerDay} orders a day, a round every ${stepSeconds} simulated s; rules ${allRules.map((r) => r.key).join(', ')}`);
  const disrupted = await runDetection({ ...common, disruptions: oneOfEach(seed), progress: (m) => progress(`disrupted: ${m}`) });
  progress(`disrupted run done in ${disrupted.wallSeconds} s; quiet run`);
  const quiet = await runDetection({ ...common, days: quietDays, disruptions: () => [], progress: (m) => progress(`quiet: ${m}`) });
  const expected = disrupted.detections.filter((d) => !d.standIn);
  const measured = expected.filter((d) => d.ruleExists && d.detectableAt !== null);
  const missed = measured.filter((d) => d.delaySeconds === null || d.delaySeconds > TARGET_DELAY_SECONDS);
  // An expected rule whose disruption never became detectable in the run measured nothing: the
  // scenario did not test it (a slowdown whose parcels fall due after the run), which is no pass.
  const unmeasured = expected.filter((d) => d.ruleExists && d.detectableAt === null).map((d) => `${d.id}→${d.expectedRule}`);
  return {
    bench: 'alert-detection',
    date: new Date().toISOString(),
    settings: { end, days, quietDays, ordersPerDay, stepSeconds, coarseSeconds, seed, rules: disrupted.rules },
    detections: disrupted.detections.map(({ definition: _definition, ...row }) => row),
    definitions: Object.fromEntries(disrupted.detections.map((d) => [`${d.id}→${d.expectedRule}`, d.definition])),
    delaySeconds: disrupted.delaySeconds,
    detectedShare: disrupted.detectedShare,
    withinTargetShare: disrupted.withinTargetShare,
    unmeasured,
    // After each run's first simulated day (a fresh Tower has no throughput or demand to go by yet).
    falseAlertsPerDay: { disrupted: disrupted.falseAlertsPerDay, quiet: quiet.falseAlertsPerDay },
    warmUpFalseAlerts: { disrupted: disrupted.warmUpFalseAlerts, quiet: quiet.warmUpFalseAlerts },
    falseByRule: { disrupted: disrupted.falseByRule, quiet: quiet.falseByRule },
    simulatedDays: disrupted.simulatedDays + quiet.simulatedDays,
    wallSeconds: Math.round((Date.now() - started) / 100) / 10,
    runs: { disrupted: brief(disrupted), quiet: brief(quiet) },
    loadAverage: { before: loadBefore, after: loadavg().map((n) => Math.round(n * 100) / 100) },
    target: { delaySeconds: TARGET_DELAY_SECONDS },
    // Every expected rule that exists was measured and alerted within the target (none existing yet is no failure of the harness).
    pass: missed.length === 0 && unmeasured.length === 0,
  };
}

await runBenchMain({ measure, cleanUp: async () => undefined, progress, serverOutput: () => undefined });

import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { createAlertEngine, type RuleRoundOutcome } from '#server/alerts/alert-engine.ts';
import type { AlertRule } from '#server/alerts/alert-rule.ts';
import { allRules } from '#server/alerts/rules/all-rules.ts';
import { createApiToken } from '#server/auth/api-tokens.ts';
import { createUser } from '#server/auth/users.ts';
import { requestScopedClock } from '#server/core/as-of.ts';
import type { Clock } from '#server/core/clock.ts';
import { createLogger } from '#server/logger.ts';
import { addDays, dayToMs, msToDay, type Day } from '#server/simulator/calendar.ts';
import type { Disruption } from '#server/simulator/disruptions.ts';
import { runSimulation, type SimulationSummary } from '#server/simulator/driver/simulation.ts';
import { createScratchDatabase } from '#test/support/scratch-database.ts';
import { startTestServer } from '#test/support/test-server.ts';
import { defaultDetectability, detectabilityChecks, type DetectabilityCheck, type DetectabilitySettings } from './detectability.ts';
import { EXPECTED_RULES, LINGER_MS, subjectMatches, type StandInExpectation } from './detection-expectations.ts';
import { detectionReport, type AlertOpening, type DetectionReport, type MeasuredPair } from './detection-report.ts';

const DAY_MS = 86_400_000;
const CARRIER_SECRET = 'detection-harness-carrier-secret';
const FLOOR_USER = { email: 'floor.detection@example.com', password: 'floor-password-0123' };

export interface DetectionRunOptions {
  /** A PostgreSQL server: the run gets a scratch database of its own there, dropped afterwards. */
  serverUrl: string;
  seed: number;
  /** Whole simulated days before `endAt`'s day (that day up to `endAt` runs too). */
  days: number;
  ordersPerDay: number;
  /** The disruptions to play, given the first simulated day; none: a quiet run. */
  disruptions: (from: Day) => Disruption[];
  /**
   * Simulated ms between steps (≤ 30 s): the simulator's scheduler goes no further before the
   * detectability checks run, and the alert engine runs a round, as of that moment.
   */
  stepMs: number;
  /**
   * Simulated ms between alert rounds while no disruption is within its measured part (default
   * `stepMs`: every step). A measured part starts when a disruption becomes detectable and lasts
   * until every rule expected of it has alerted or `measureForMs` has passed: there the engine
   * runs every step, so a delay up to `measureForMs` is measured to `stepMs`.
   */
  coarseMs?: number;
  /** Default 1 h: a delay longer than this is far beyond the target, and measured to `coarseMs`. */
  measureForMs?: number;
  /** The first simulated day (default): a fresh Tower with no history; its false alerts are counted apart. */
  warmUpMs?: number;
  rules?: readonly AlertRule[];
  standIns?: readonly StandInExpectation[];
  detectability?: DetectabilitySettings;
  /** Where the simulated history ends (default: just before today, UTC). */
  endAt?: Date;
  concurrency?: number;
  /** Leave the scratch database behind (its name is reported) to query the run's records afterwards. */
  keepDatabase?: boolean;
  progress?: (message: string) => void;
}

export interface DetectionRun extends DetectionReport {
  from: Day;
  /** The scratch database, when kept (`keepDatabase`). */
  database?: string;
  simulatedDays: number;
  wallSeconds: number;
  rounds: number;
  /** Wall time spent in alert rounds and in detectability checks (the rest is the simulation and Tower). */
  engineSeconds: number;
  checkSeconds: number;
  /** Rule rounds that threw, by rule (a rule failing in simulated time is a finding too). */
  ruleFailures: Record<string, { count: number; sample: string }>;
  rules: string[];
  simulation: Pick<SimulationSummary, 'ordersPlaced' | 'ordersOutOfStock' | 'shipmentsShipped' | 'deliveries' | 'requestsSent' | 'errors' | 'errorSamples'>;
}

/** A clock the harness moves: Tower's undated requests and the alert engine read it. */
function manualClock(startMs: number): Clock & { set(ms: number): void } {
  let current = startMs;
  return { now: () => new Date(current), set: (ms) => (current = ms) };
}

/**
 * Tower in process on a scratch database, driven by the simulator through its public API over
 * `days` simulated days (history dated with x-tower-as-of, as the backfill does), the scheduler
 * stepping `stepMs` at a time; after each step, with every action before that moment done, the
 * alert engine runs one round as of it and each disruption's detectability is checked. At the
 * end the alerts opened are matched to the disruptions (./detection-report.ts).
 */
export async function runDetection(options: DetectionRunOptions): Promise<DetectionRun> {
  if (options.stepMs <= 0 || options.stepMs > 30_000) throw new Error('stepMs must be in (0, 30 000]');
  const progress = options.progress ?? (() => undefined);
  const endAt = options.endAt ?? new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 60_000);
  const from = addDays(msToDay(endAt.getTime()), -options.days);
  const fromMs = dayToMs(from);
  const disruptions = options.disruptions(from);
  const rules = options.rules ?? allRules;
  const scratch = await createScratchDatabase(options.serverUrl, 'tower_detection');
  const clock = manualClock(fromMs);
  const server = await startTestServer({ databaseUrl: scratch.url, clock: requestScopedClock(clock), carrierWebhooks: { shared: CARRIER_SECRET }, poolSize: 12 });
  const startedAt = Date.now();
  try {
    const { token } = await createApiToken(server.db, { name: 'detection simulator', roles: ['manager', 'simulator'], channels: null }, null);
    await createUser(server.db, { ...FLOOR_USER, name: 'Simulated floor staff', roles: ['staff', 'simulator'], locationIds: null });
    const engine = createAlertEngine({ db: server.db, clock, logger: createLogger('silent'), publish: () => undefined, rules, intervalMs: options.stepMs });

    let checks: { pair: MeasuredPair; check: DetectabilityCheck }[] | null = null;
    const locationIdByCode = new Map<string, string>();
    const ruleKeys = new Set(rules.map((r) => r.key));
    const ruleFailures: DetectionRun['ruleFailures'] = {};
    let rounds = 0;
    let engineMs = 0;
    let checkMs = 0;
    let lastRoundMs = -Infinity;
    const coarseMs = options.coarseMs ?? options.stepMs;
    const measureForMs = options.measureForMs ?? 3_600_000;
    /** A pair is measured from its detectable moment until its rule alerted or measureForMs passed. */
    const measuring = (atMs: number) =>
      checks!.some(({ pair }) => pair.ruleExists && pair.detectableAt !== null && pair.openedAt === null && atMs - pair.detectableAt.getTime() <= measureForMs);
    let lastReport = Date.now();

    const prepareChecks = async () => {
      const { rows } = await server.db.execute<{ id: string; code: string }>(sql`select id, code from locations`);
      for (const r of rows) locationIdByCode.set(r.code, r.id);
      const byKind = detectabilityChecks(disruptions, locationIdByCode, fromMs, options.detectability ?? defaultDetectability);
      checks = disruptions.flatMap((d, i) => [
        ...EXPECTED_RULES[d.kind].map((rule) => ({ pair: newPair(d, rule, byKind[i]!.definition, ruleKeys.has(rule), false), check: byKind[i]! })),
        ...(options.standIns ?? [])
          .filter((s) => s.kind === d.kind)
          .map((s) => {
            const check = s.check(d, locationIdByCode);
            return { pair: newPair(d, s.rule, check.definition, ruleKeys.has(s.rule), true), check };
          }),
      ]);
    };

    const step = async (atMs: number) => {
      clock.set(atMs);
      if (!checks) await prepareChecks();
      const checkStarted = Date.now();
      for (const { pair, check } of checks!) {
        const d = pair.disruption;
        if (pair.detectableAt !== null || atMs <= dayToMs(d.start) || atMs > dayToMs(d.end) + LINGER_MS[d.kind]) continue;
        const at = await check.check(server.db, atMs, options.stepMs);
        if (at) pair.detectableAt = at;
      }
      checkMs += Date.now() - checkStarted;
      if (atMs - lastRoundMs >= coarseMs || measuring(atMs)) {
        const roundStarted = Date.now();
        record(await engine.runRound(), ruleFailures);
        engineMs += Date.now() - roundStarted;
        lastRoundMs = atMs;
        rounds++;
        await noteOpenings(server.db, checks!, locationIdByCode, atMs);
      }
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        progress(`simulated ${new Date(atMs).toISOString()}, ${rounds} rounds, ${Math.round((Date.now() - startedAt) / 1000)} s`);
      }
    };

    const summary = await runSimulation({
      baseUrl: server.url,
      token,
      carrierSecret: CARRIER_SECRET,
      seed: options.seed,
      days: options.days,
      ordersPerDay: options.ordersPerDay,
      live: false,
      floorUser: FLOOR_USER,
      now: () => endAt,
      scenario: 'quiet',
      disruptions,
      concurrency: options.concurrency ?? 8,
      step: { everyMs: options.stepMs, run: step },
    });
    const openings = await alertOpenings(server.db);
    const report = detectionReport({
      pairs: checks!.map((c) => c.pair),
      openings,
      disruptions,
      locationIdByCode,
      simulatedMs: endAt.getTime() - fromMs,
      fromMs,
      warmUpMs: Math.min(options.warmUpMs ?? DAY_MS, (endAt.getTime() - fromMs) / 2),
    });
    return {
      ...report,
      from,
      ...(options.keepDatabase ? { database: scratch.name } : {}),
      simulatedDays: round3((endAt.getTime() - fromMs) / DAY_MS),
      wallSeconds: round3((Date.now() - startedAt) / 1000),
      rounds,
      engineSeconds: round3(engineMs / 1000),
      checkSeconds: round3(checkMs / 1000),
      ruleFailures,
      rules: [...ruleKeys],
      simulation: {
        ordersPlaced: summary.ordersPlaced,
        ordersOutOfStock: summary.ordersOutOfStock,
        shipmentsShipped: summary.shipmentsShipped,
        deliveries: summary.deliveries,
        requestsSent: summary.requestsSent,
        errors: summary.errors,
        errorSamples: summary.errorSamples,
      },
    };
  } finally {
    await server.close();
    if (options.keepDatabase) progress(`kept database ${scratch.name}`);
    else await scratch.drop();
  }
}

function newPair(disruption: Disruption, rule: string, definition: string, ruleExists: boolean, standIn: boolean): MeasuredPair {
  return { disruption, rule, definition, ruleExists, standIn, detectableAt: null, openedAt: null };
}

/** After a round: which measured pairs have their alert now (ends their measured part). */
async function noteOpenings(db: Executor, checks: readonly { pair: MeasuredPair }[], locationIdByCode: ReadonlyMap<string, string>, atMs: number): Promise<void> {
  const waiting = checks.filter(({ pair }) => pair.ruleExists && pair.detectableAt !== null && pair.openedAt === null);
  if (waiting.length === 0) return;
  const { rows } = await db.execute<{ rule: string; subject: string }>(sql`select rule, subject from alerts where last_seen_at = ${new Date(atMs)}`);
  for (const { pair } of waiting) {
    if (rows.some((r) => r.rule === pair.rule && subjectMatches(pair.disruption, r.subject, locationIdByCode))) pair.openedAt = new Date(atMs);
  }
}

function record(outcomes: RuleRoundOutcome[], failures: DetectionRun['ruleFailures']): void {
  for (const o of outcomes) {
    if (o.status !== 'failed') continue;
    const entry = (failures[o.rule] ??= { count: 0, sample: o.error });
    entry.count++;
  }
}

/** Every time an alert was raised: its opening, and each reopening (it came back to people). */
async function alertOpenings(db: Executor): Promise<AlertOpening[]> {
  const { rows } = await db.execute<{ id: string; rule: string; subject: string; at: string; kind: string }>(sql`
    select a.id, a.rule, a.subject, h.at, h.kind from alert_history h join alerts a on a.id = h.alert_id
    where h.kind in ('opened', 'reopened') order by h.at, a.id`);
  return rows.map((r) => ({ alertId: r.id, rule: r.rule, subject: r.subject, at: new Date(r.at), reopened: r.kind === 'reopened' }));
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

import { inject } from 'vitest';
import { z } from 'zod';
import { createAlertEngine, type AlertEngine, type AlertEngineDeps } from '#server/alerts/alert-engine.ts';
import { realtimeAlertPublisher } from '#server/alerts/alert-publisher.ts';
import { commonThresholds, defineRule, type AlertRule, type Finding } from '#server/alerts/alert-rule.ts';
import type { Clock } from '#server/core/clock.ts';
import { createLogger } from '#server/logger.ts';
import { createScratchDatabase, type ScratchDatabase } from '#test/support/scratch-database.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';

export interface PinnedClock extends Clock {
  set(at: Date): void;
  advance(ms: number): void;
}

export function pinnedClock(start: Date): PinnedClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (at) => (current = at.getTime()),
    advance: (ms) => (current += ms),
  };
}

export interface AlertHarness {
  server: TestServer;
  clock: PinnedClock;
  /** What pipelineLagMs() answers in this harness (ms; null: no relay). */
  lag: { ms: number | null };
  /** An engine over the harness's database, clock and socket.io hub (every rule unless told). */
  engine(options?: { rules?: readonly AlertRule[]; intervalMs?: number }): AlertEngine;
  /** One engine round with the clock moved on by `ms` first (5 s: the default interval). */
  round(engine: AlertEngine, ms?: number): ReturnType<AlertEngine['runRound']>;
  close(): Promise<void>;
}

/**
 * A Tower on a scratch database of the file's own (rules scan every row), its clock pinned at
 * `start`, and alert engines evaluating on demand. The API's commands share the pinned clock,
 * so orders, releases and picks are dated by it.
 */
export async function startAlertHarness(prefix: string, start = new Date('2026-03-02T08:00:00.000Z')): Promise<AlertHarness> {
  const scratch: ScratchDatabase = await createScratchDatabase(inject('databaseUrl'), prefix);
  const clock = pinnedClock(start);
  const server = await startTestServer({ databaseUrl: scratch.url, clock, poolSize: 10 });
  const lag = { ms: null as number | null };
  const engines: AlertEngine[] = [];
  return {
    server,
    clock,
    lag,
    engine(options = {}) {
      const deps: AlertEngineDeps = {
        db: server.db,
        clock,
        logger: createLogger('silent'),
        publish: realtimeAlertPublisher(server.realtime),
        relayLagMs: () => lag.ms,
        registry: server.metrics.registry,
        intervalMs: options.intervalMs ?? 5_000,
        ...(options.rules ? { rules: options.rules } : {}),
      };
      const engine = createAlertEngine(deps);
      engines.push(engine);
      return engine;
    },
    round(engine, ms = 5_000) {
      clock.advance(ms);
      return engine.runRound();
    },
    async close() {
      for (const engine of engines) await engine.stop();
      await server.close();
      await scratch.drop();
    },
  };
}

/** A rule that finds what the test puts in `found`, throws while `broken` is set, and runs `meanwhile` as it measures. */
export function scriptedRule(key: string) {
  const state = { found: [] as Finding[], broken: false, calls: 0, meanwhile: null as (() => Promise<void>) | null };
  const rule = defineRule({
    key,
    description: 'scripted by the test',
    defaultSeverity: 'warning',
    thresholds: z.strictObject({ ...commonThresholds }),
    async evaluate() {
      state.calls += 1;
      if (state.broken) throw new Error('the rule broke');
      await state.meanwhile?.();
      return state.found;
    },
  });
  return { rule, state };
}

export function finding(subject: string, overrides: Partial<Finding> = {}): Finding {
  return { subject, severity: 'warning', title: `about ${subject}`, detail: 'scripted', locationId: null, affected: { orders: [] }, measured: {}, ...overrides };
}


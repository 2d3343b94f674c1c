import { eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import type { Database } from '#db/client.ts';
import { alertRules, alerts } from '#db/schema/alerts.ts';
import type { Clock } from '#server/core/clock.ts';
import { alertMetrics, type AlertMetrics } from './alert-metrics.ts';
import type { AlertPublisher } from './alert-publisher.ts';
import type { AlertRule } from './alert-rule.ts';
import { seedAlertRules } from './alert-rule-settings.ts';
import { enqueueDeliveries, type AlertDeliveryChannel } from './enqueue-deliveries.ts';
import { recordFindings, resolveAllOfRule, type RoundChanges } from './record-findings.ts';
import { allRules } from './rules/all-rules.ts';
import type { Registry } from 'prom-client';

/** Class of the engine's advisory locks (two-int form, with hashtext(rule)); see analytics/relay/progress.ts for 7410002. */
const ENGINE_LOCK_CLASS = 7_410_004;
/** A rule's round never holds its lock (and a connection) longer than this. */
const STATEMENT_TIMEOUT_MS = 30_000;
/** A condition back within this long after its alert resolved reopens the same alert. */
export const REOPEN_WITHIN_MS = 10 * 60_000;

export interface AlertEngineDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  publish: AlertPublisher;
  clickhouse?: ClickHouseClient | undefined;
  /** The relay's lag in this process (pipelineLagMs); without it pipeline_lag measures nothing here. */
  relayLagMs?: () => number | null;
  /** For alerts_opened_total and the time-to-resolve histogram. */
  registry?: Registry;
  /** The rules to evaluate (every rule by default). */
  rules?: readonly AlertRule[];
  /** ALERT_EVALUATE_INTERVAL_MS: a rule runs at most every half of it, whichever instance runs it. */
  intervalMs: number;
  /**
   * Critical alerts that open, reopen or escalate are queued for these channels in the round's
   * transaction; `wake` (the delivery sender's) is called after commit. None by default.
   */
  deliveries?: { channels: readonly AlertDeliveryChannel[]; wake?: () => void } | undefined;
  /** How long a trigger waits for more events before its round (500 ms by default). */
  triggerDebounceMs?: number;
}

export type RuleRoundOutcome =
  | { rule: string; status: 'evaluated'; findings: number; opened: number; resolved: number }
  | { rule: string; status: 'skipped'; reason: 'locked' | 'not_due' | 'disabled' | 'unmeasured' }
  | { rule: string; status: 'failed'; error: string };

export interface AlertEngine {
  /** One round of every rule now (`force`: even those evaluated less than their interval ago). */
  runRound(options?: { force?: boolean }): Promise<RuleRoundOutcome[]>;
  /**
   * Evaluates these rules soon (after `triggerDebounceMs`, gathering the triggers meanwhile),
   * besides the interval: still one instance per rule at a time (the lock) and no more often
   * than the rule's spacing. Only once started; unknown keys are ignored.
   */
  trigger(ruleKeys: Iterable<string>): void;
  /** Evaluates every `intervalMs` until stopped. */
  start(): void;
  /** Stops the timer and waits for a round in progress. */
  stop(): Promise<void>;
}

/**
 * Evaluates every enabled rule each round and turns findings into alert lifecycles
 * (./record-findings.ts). Several instances run this safely: a rule's round runs in one
 * transaction holding a per-rule advisory lock (another instance skips that rule meanwhile),
 * and `alert_rules.last_evaluated_at` spaces rounds, so clear rounds count the same with one
 * instance or ten. A rule that throws is logged and recorded; the others go on.
 */
export function createAlertEngine(deps: AlertEngineDeps): AlertEngine {
  const rules = deps.rules ?? allRules;
  const logger = deps.logger.child({ component: 'alerts' });
  const metrics: AlertMetrics | null = deps.registry ? alertMetrics(deps.registry) : null;
  let seeded = false;
  let running: Promise<RuleRoundOutcome[]> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const triggered = new Set<string>();
  let triggerTimer: NodeJS.Timeout | null = null;
  const triggerDebounceMs = deps.triggerDebounceMs ?? 500;

  async function evaluateRule(rule: AlertRule, force: boolean): Promise<RuleRoundOutcome> {
    const now = deps.clock.now();
    const done = await deps.db.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local statement_timeout = ${STATEMENT_TIMEOUT_MS}`));
      const lock = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(${ENGINE_LOCK_CLASS}, hashtext(${rule.key})) as locked`);
      if (!lock.rows[0]?.locked) return { outcome: { rule: rule.key, status: 'skipped', reason: 'locked' } as const };
      const [settings] = await tx.select().from(alertRules).where(eq(alertRules.rule, rule.key));
      if (!settings) return { outcome: { rule: rule.key, status: 'skipped', reason: 'not_due' } as const };
      if (!settings.enabled) {
        const changes = await resolveAllOfRule(tx, rule.key, now, 'rule_disabled');
        return { outcome: { rule: rule.key, status: 'skipped', reason: 'disabled' } as const, changes };
      }
      const parsed = rule.thresholds.safeParse(settings.thresholds);
      if (!parsed.success) throw new Error(`stored thresholds are not valid: ${parsed.error.message}`);
      const thresholds = parsed.data as { clearRounds: number; everySeconds: number };
      if (!force && !isDue(settings.lastEvaluatedAt, now, Math.max(thresholds.everySeconds * 1000, deps.intervalMs / 2))) {
        return { outcome: { rule: rule.key, status: 'skipped', reason: 'not_due' } as const };
      }
      const live = await tx
        .select({ subject: alerts.subject })
        .from(alerts)
        .where(sql`${alerts.rule} = ${rule.key} and ${alerts.state} <> 'resolved'`);
      const findings = await rule.evaluate({
        db: tx,
        clickhouse: deps.clickhouse,
        now,
        thresholds: parsed.data,
        severity: settings.severity,
        live: new Set(live.map((l) => l.subject)),
        relayLagMs: deps.relayLagMs ?? (() => null),
      });
      await tx.update(alertRules).set({ lastEvaluatedAt: now, lastError: null }).where(eq(alertRules.rule, rule.key));
      if (findings === null) return { outcome: { rule: rule.key, status: 'skipped', reason: 'unmeasured' } as const };
      const changes = await recordFindings(tx, findings, { rule: rule.key, now, clearRounds: thresholds.clearRounds, reopenWithinMs: REOPEN_WITHIN_MS });
      changes.queued = await enqueueDeliveries(tx, deps.deliveries?.channels ?? [], changes.changed, changes.changeOf, now);
      return { outcome: { rule: rule.key, status: 'evaluated', findings: findings.length, opened: changes.opened, resolved: changes.resolved } as const, changes };
    });
    if ('changes' in done && done.changes) announce(done.changes);
    return done.outcome;
  }

  /** After commit: socket.io and metrics. */
  function announce(changes: RoundChanges) {
    if ((changes.queued ?? 0) > 0) deps.deliveries?.wake?.();
    for (const alert of changes.changed) {
      deps.publish(alert, changes.changeOf.get(alert.id) ?? 'updated');
      if (alert.state !== 'resolved' && alert.seenCount === 1) metrics?.opened.inc({ rule: alert.rule, severity: alert.severity });
    }
    for (const row of changes.resolvedRows) {
      metrics?.timeToResolve.observe({ rule: row.rule, by: 'auto' }, Math.max(0, (row.resolvedAt!.getTime() - row.openedAt.getTime()) / 1000));
    }
    if (changes.opened + changes.resolved > 0) logger.info({ opened: changes.opened, resolved: changes.resolved }, 'alerts changed');
  }

  async function round(force: boolean, only?: ReadonlySet<string>): Promise<RuleRoundOutcome[]> {
    if (!seeded) {
      await seedAlertRules(deps.db, rules);
      seeded = true;
    }
    const outcomes: RuleRoundOutcome[] = [];
    for (const rule of rules) {
      if (only && !only.has(rule.key)) continue;
      try {
        outcomes.push(await evaluateRule(rule, force));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        logger.warn({ err: error, rule: rule.key }, 'alert rule failed; skipped this round');
        outcomes.push({ rule: rule.key, status: 'failed', error: message });
        await deps.db
          .update(alertRules)
          .set({ lastError: message.slice(0, 1_000) })
          .where(eq(alertRules.rule, rule.key))
          .catch((e: unknown) => logger.warn({ err: e, rule: rule.key }, 'could not record the failure of an alert rule'));
      }
    }
    return outcomes;
  }

  function launch(force: boolean, only?: ReadonlySet<string>): Promise<RuleRoundOutcome[]> {
    const current: Promise<RuleRoundOutcome[]> = round(force, only).finally(() => {
      if (running === current) running = null;
    });
    running = current;
    return current;
  }

  /** Runs the triggered rules once no round is running (a round in progress is waited for). */
  function runTriggered(): void {
    triggerTimer = null;
    if (stopped || triggered.size === 0) return;
    if (running) {
      triggerTimer = setTimeout(runTriggered, triggerDebounceMs);
      triggerTimer.unref();
      return;
    }
    const only = new Set(triggered);
    triggered.clear();
    launch(false, only).catch((error: unknown) => logger.warn({ err: error }, 'triggered alert round failed'));
  }

  return {
    async runRound(options = {}) {
      // A round already going is awaited first: callers get the results of a round of their own.
      while (running) await running.catch(() => undefined);
      return launch(options.force ?? false);
    },
    trigger(ruleKeys) {
      if (!timer || stopped) return;
      for (const key of ruleKeys) if (rules.some((r) => r.key === key)) triggered.add(key);
      if (triggered.size === 0 || triggerTimer) return;
      triggerTimer = setTimeout(runTriggered, triggerDebounceMs);
      triggerTimer.unref();
    },
    start() {
      if (timer || stopped) return;
      timer = setInterval(() => {
        if (running || stopped) return;
        launch(false).catch((error: unknown) => logger.warn({ err: error }, 'alert round failed; retrying on the next tick'));
      }, deps.intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (triggerTimer) clearTimeout(triggerTimer);
      await running?.catch(() => undefined);
    },
  };
}

/** Due when never evaluated, when `spacingMs` passed, or when the clock went back (a pinned or dated clock). */
function isDue(last: Date | null, now: Date, spacingMs: number): boolean {
  if (last === null) return true;
  const elapsed = now.getTime() - last.getTime();
  return elapsed < 0 || elapsed >= spacingMs;
}

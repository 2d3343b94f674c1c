import { z } from 'zod';
import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import type { Executor } from '#db/client.ts';
import { alertSeverities } from '#db/schema/alerts.ts';

export type AlertSeverity = (typeof alertSeverities)[number];

/** Most order ids, SKUs, … one alert lists; the totals beside them say how many there are. */
export const AFFECTED_CAP = 50;

/** What a rule found about one subject this round. */
export interface Finding {
  /** `location:<id>`, `sku:<sku>@<locationId>`, `carrier:<name>`, `network`. */
  subject: string;
  severity: AlertSeverity;
  title: string;
  detail: string;
  /** The location the alert concerns (its staff see it, its room hears of it); null for network-wide ones. */
  locationId: string | null;
  /** `{orders:[…], skus:[…], locationId, …}`, capped at AFFECTED_CAP per list. */
  affected: Record<string, unknown>;
  measured: Record<string, unknown>;
}

export interface RuleContext<T> {
  db: Executor;
  /** Absent when Tower runs without ClickHouse; rules that need it answer null (not measured). */
  clickhouse: ClickHouseClient | undefined;
  /** The moment of this round (the engine's clock). */
  now: Date;
  thresholds: T;
  /** The rule's configured severity: what its findings get unless they escalate. */
  severity: AlertSeverity;
  /**
   * Subjects with a live alert of this rule: a rule with separate raise and clear thresholds
   * keeps finding these until the value falls below the clear one.
   */
  live: ReadonlySet<string>;
  /** The outbox relay's lag as this process sees it (ms), null when no relay runs here. */
  relayLagMs: () => number | null;
}

/** Every rule's thresholds include these. */
export const commonThresholds = {
  /** Consecutive rounds without the condition before its alert resolves itself (hysteresis). */
  clearRounds: z.number().int().min(1).max(1_000).default(3),
  /** Least seconds between two rounds of this rule (0: every engine round). */
  everySeconds: z.number().int().min(0).max(86_400).default(0),
};

/**
 * One alert rule: a module in ./rules exporting one of these. `evaluate` answers the findings of
 * this round, or null when it could not measure (then live alerts stay as they are, neither
 * seen nor clearing). Adding a rule is adding a module and listing it in ./rules/all-rules.ts.
 */
export interface AlertRule<S extends z.ZodObject = z.ZodObject> {
  key: string;
  /** One line for the rules screen. */
  description: string;
  defaultSeverity: AlertSeverity;
  /** Strict, with a default for every field: `thresholds.parse({})` is the rule's defaults. */
  thresholds: S;
  evaluate(ctx: RuleContext<z.infer<S>>): Promise<Finding[] | null>;
}

export function defineRule<S extends z.ZodObject>(rule: AlertRule<S>): AlertRule<S> {
  return rule;
}

const rank: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

export function moreSevere(a: AlertSeverity, b: AlertSeverity): AlertSeverity {
  return rank[a] >= rank[b] ? a : b;
}

export function isMoreSevere(a: AlertSeverity, than: AlertSeverity): boolean {
  return rank[a] > rank[than];
}

import { dayToMs } from '#server/simulator/calendar.ts';
import type { Disruption } from '#server/simulator/disruptions.ts';
import { CONSEQUENCE_RULES, EXPECTED_RULES, LINGER_MS, subjectMatches } from './detection-expectations.ts';

/** The detection target of issue 9. */
export const TARGET_DELAY_SECONDS = 60;

const DAY_MS = 86_400_000;

/** One disruption and one rule that should report it, as the run measured them. */
export interface MeasuredPair {
  disruption: Disruption;
  rule: string;
  definition: string;
  /** Whether the engine had this rule (the expected rules land one by one). */
  ruleExists: boolean;
  /** Measured with a rule that stands in for the expected one (harness checks). */
  standIn: boolean;
  detectableAt: Date | null;
  /** While running: when its rule was first seen alerting after it became detectable (ends its measured part). */
  openedAt: Date | null;
}

export interface AlertOpening {
  alertId: string;
  rule: string;
  subject: string;
  at: Date;
  reopened: boolean;
}

export interface DetectionRow {
  kind: Disruption['kind'];
  id: string;
  expectedRule: string;
  ruleExists: boolean;
  standIn: boolean;
  definition: string;
  detectableAt: string | null;
  openedAt: string | null;
  /** The alert was raised before the disruption began (for another reason) and was live when it became detectable: openedAt is the first round that saw it then. */
  alreadyLive: boolean;
  /** openedAt − detectableAt; negative when the rule saw it coming before it was observable. */
  delaySeconds: number | null;
}

export interface DetectionReport {
  detections: DetectionRow[];
  delaySeconds: { max: number | null; median: number | null };
  /** Of the expected pairs whose rule exists and whose disruption became detectable: alerted at all, and within the target. */
  detectedShare: number | null;
  withinTargetShare: number | null;
  openings: number;
  /** Every raising by rule, warm-up included. */
  openingsByRule: Record<string, number>;
  /** After the warm-up: a fresh Tower's first hours (no throughput or demand measured yet) alert on their own. */
  falseAlerts: number;
  falseAlertsPerDay: number;
  /** During the warm-up, for the record. */
  warmUpFalseAlerts: number;
  /** The false ones by rule, with a few subjects each. */
  falseByRule: Record<string, { count: number; subjects: string[] }>;
}

export interface ReportInput {
  pairs: readonly MeasuredPair[];
  openings: readonly AlertOpening[];
  disruptions: readonly Disruption[];
  locationIdByCode: ReadonlyMap<string, string>;
  simulatedMs: number;
  /** The run's first moment and how long its warm-up lasts (false alerts in it are counted apart). */
  fromMs: number;
  warmUpMs: number;
}

const windowOf = (d: Disruption) => ({ fromMs: dayToMs(d.start), toMs: dayToMs(d.end) + LINGER_MS[d.kind] });

/**
 * Delays and false alerts. A pair's alert is the first raising (opened or reopened) of its rule
 * on a matching subject while the disruption lasts (or lingers). An alert is false when no
 * disruption explains it: neither its expected rule nor a consequence rule (stuck orders where
 * capacity was lost, stock-out risk of the same SKU elsewhere) on its subject, in its window.
 */
export function detectionReport(input: ReportInput): DetectionReport {
  const { pairs, openings, disruptions, locationIdByCode } = input;
  const detections: DetectionRow[] = pairs.map((p) => {
    const w = windowOf(p.disruption);
    const alert = openings.find((o) => o.rule === p.rule && o.at.getTime() >= w.fromMs && o.at.getTime() <= w.toMs && subjectMatches(p.disruption, o.subject, locationIdByCode));
    // No raising while it lasted, but the harness saw the alert live after detectability: it was already open.
    const at = alert?.at ?? p.openedAt;
    const delay = at && p.detectableAt ? Math.round((at.getTime() - p.detectableAt.getTime()) / 10) / 100 : null;
    return {
      kind: p.disruption.kind,
      id: p.disruption.id,
      expectedRule: p.rule,
      ruleExists: p.ruleExists,
      standIn: p.standIn,
      definition: p.definition,
      detectableAt: p.detectableAt?.toISOString() ?? null,
      openedAt: at?.toISOString() ?? null,
      alreadyLive: !alert && at !== null,
      delaySeconds: delay,
    };
  });

  const explained = (o: AlertOpening) =>
    disruptions.some((d) => {
      const w = windowOf(d);
      if (o.at.getTime() < w.fromMs || o.at.getTime() > w.toMs) return false;
      if (EXPECTED_RULES[d.kind].includes(o.rule) && subjectMatches(d, o.subject, locationIdByCode)) return true;
      if (pairs.some((p) => p.disruption === d && p.rule === o.rule) && subjectMatches(d, o.subject, locationIdByCode)) return true;
      return CONSEQUENCE_RULES[d.kind].includes(o.rule) && subjectMatches(d, o.subject, locationIdByCode, true);
    });
  const unexplained = openings.filter((o) => !explained(o));
  const warmUpEndMs = input.fromMs + input.warmUpMs;
  const falseOnes = unexplained.filter((o) => o.at.getTime() >= warmUpEndMs);
  const falseByRule: DetectionReport['falseByRule'] = {};
  for (const o of falseOnes) {
    const entry = (falseByRule[o.rule] ??= { count: 0, subjects: [] });
    entry.count++;
    if (entry.subjects.length < 5 && !entry.subjects.includes(o.subject)) entry.subjects.push(o.subject);
  }

  // Stand-ins check the harness; the figures are the expected rules'.
  const measurable = detections.filter((d) => d.ruleExists && !d.standIn && d.detectableAt !== null);
  const delays = measurable.flatMap((d) => (d.delaySeconds === null ? [] : [d.delaySeconds])).sort((a, b) => a - b);
  return {
    detections,
    delaySeconds: { max: delays.at(-1) ?? null, median: median(delays) },
    detectedShare: measurable.length === 0 ? null : round3(delays.length / measurable.length),
    withinTargetShare: measurable.length === 0 ? null : round3(delays.filter((s) => s <= TARGET_DELAY_SECONDS).length / measurable.length),
    openings: openings.length,
    openingsByRule: Object.fromEntries([...new Set(openings.map((o) => o.rule))].sort().map((rule) => [rule, openings.filter((o) => o.rule === rule).length])),
    falseAlerts: falseOnes.length,
    falseAlertsPerDay: round3(falseOnes.length / ((input.simulatedMs - input.warmUpMs) / DAY_MS)),
    warmUpFalseAlerts: unexplained.length - falseOnes.length,
    falseByRule,
  };
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

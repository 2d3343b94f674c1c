import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Executor } from '#db/client.ts';
import { alertRules } from '#db/schema/alerts.ts';
import type { Actor } from '#server/auth/actor.ts';
import type { Clock } from '#server/core/clock.ts';
import { NotFoundError, ValidationError, type FieldError } from '#server/core/errors.ts';
import type { AlertRule, AlertSeverity } from './alert-rule.ts';
import type { AlertRulePatch } from './alerts.schemas.ts';

export type AlertRuleSettings = typeof alertRules.$inferSelect;

/** Gives every rule its row, with the rule's default thresholds and severity; existing rows are kept. */
export async function seedAlertRules(db: Executor, rules: readonly AlertRule[]): Promise<void> {
  if (rules.length === 0) return;
  await db
    .insert(alertRules)
    .values(rules.map((rule) => ({ rule: rule.key, thresholds: rule.thresholds.parse({}), severity: rule.defaultSeverity })))
    .onConflictDoNothing();
}

export function ruleSettingsView(rule: AlertRule, row: AlertRuleSettings | undefined) {
  return {
    rule: rule.key,
    description: rule.description,
    enabled: row?.enabled ?? true,
    severity: row?.severity ?? rule.defaultSeverity,
    // Stored thresholds read through the schema: fields added to a rule since show their defaults.
    thresholds: (row ? rule.thresholds.safeParse(row.thresholds).data : undefined) ?? rule.thresholds.parse({}),
    defaults: rule.thresholds.parse({}) as Record<string, unknown>,
    updatedBy: row?.updatedBy ?? null,
    updatedAt: row?.updatedAt.toISOString() ?? null,
    lastEvaluatedAt: row?.lastEvaluatedAt?.toISOString() ?? null,
    lastError: row?.lastError ?? null,
  };
}

export async function listAlertRules(db: Executor, rules: readonly AlertRule[]) {
  const rows = await db.select().from(alertRules);
  const byKey = new Map(rows.map((r) => [r.rule, r]));
  return rules.map((rule) => ruleSettingsView(rule, byKey.get(rule.key)));
}

/** `thresholds` field errors under `thresholds.`, as the request named them. */
function thresholdErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const path = ['thresholds', ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: 'is not a threshold of this rule' }));
    return [{ path: path.join('.'), message: issue.message }];
  });
}

/**
 * Turns a rule on or off, sets its severity, or changes some of its thresholds (merged into the
 * current ones, then validated whole by the rule's schema: errors name `thresholds.<field>`).
 */
export async function updateAlertRule(
  ctx: { db: Executor; clock: Clock },
  actor: Actor | null,
  rule: AlertRule,
  patch: AlertRulePatch,
) {
  return ctx.db.transaction(async (tx) => {
    await seedAlertRules(tx, [rule]);
    const [current] = await tx.select().from(alertRules).where(eq(alertRules.rule, rule.key)).for('update');
    if (!current) throw new NotFoundError(`Alert rule ${rule.key}`);
    let thresholds = current.thresholds as Record<string, unknown>;
    if (patch.thresholds !== undefined) {
      const merged = { ...(rule.thresholds.safeParse(current.thresholds).data ?? rule.thresholds.parse({})), ...patch.thresholds };
      const parsed = rule.thresholds.safeParse(merged);
      if (!parsed.success) throw new ValidationError(thresholdErrors(parsed.error));
      thresholds = parsed.data as Record<string, unknown>;
    }
    const [row] = await tx
      .update(alertRules)
      .set({
        enabled: patch.enabled ?? current.enabled,
        severity: (patch.severity ?? current.severity) as AlertSeverity,
        thresholds,
        updatedBy: actor?.id ?? null,
        updatedAt: ctx.clock.now(),
        // A changed rule is evaluated at the next round, whatever its interval.
        lastEvaluatedAt: sql`null`,
      })
      .where(eq(alertRules.rule, rule.key))
      .returning();
    return ruleSettingsView(rule, row);
  });
}

import { ApiError, errorMessage } from '../api/client.ts';
import type { AlertRule, AlertSeverity } from '../api/types.ts';

/** One threshold as the form edits it: numbers and booleans as inputs, anything else as JSON. */
export type ThresholdField =
  | { name: string; kind: 'number'; text: string; default: unknown }
  | { name: string; kind: 'boolean'; checked: boolean; default: unknown }
  | { name: string; kind: 'json'; text: string; default: unknown };

export interface RuleDraft {
  enabled: boolean;
  severity: AlertSeverity;
  fields: ThresholdField[];
}

/** The form of a rule, generated from its current thresholds (and their defaults as hints). */
export function ruleDraft(rule: Pick<AlertRule, 'enabled' | 'severity' | 'thresholds' | 'defaults'>): RuleDraft {
  const fields = Object.entries(rule.thresholds).map(([name, value]): ThresholdField => {
    const fallback = rule.defaults[name];
    if (typeof value === 'number') return { name, kind: 'number', text: String(value), default: fallback };
    if (typeof value === 'boolean') return { name, kind: 'boolean', checked: value, default: fallback };
    return { name, kind: 'json', text: JSON.stringify(value ?? null, null, 2), default: fallback };
  });
  return { enabled: rule.enabled, severity: rule.severity, fields };
}

export interface RulePatch {
  enabled?: boolean;
  severity?: AlertSeverity;
  thresholds?: Record<string, unknown>;
}

/**
 * The PATCH body of what the form changed (thresholds merge server-side, so only changed ones
 * are sent), or the fields that cannot be sent as typed, by `thresholds.<field>` like the API's.
 */
export function rulePatch(rule: Pick<AlertRule, 'enabled' | 'severity' | 'thresholds'>, draft: RuleDraft): { patch: RulePatch; errors: Record<string, string> } {
  const patch: RulePatch = {};
  const errors: Record<string, string> = {};
  if (draft.enabled !== rule.enabled) patch.enabled = draft.enabled;
  if (draft.severity !== rule.severity) patch.severity = draft.severity;
  const thresholds: Record<string, unknown> = {};
  for (const field of draft.fields) {
    let value: unknown;
    if (field.kind === 'boolean') value = field.checked;
    else if (field.kind === 'number') {
      value = field.text.trim() === '' ? NaN : Number(field.text);
      if (!Number.isFinite(value)) {
        errors[`thresholds.${field.name}`] = 'must be a number';
        continue;
      }
    } else {
      try {
        value = JSON.parse(field.text);
      } catch {
        errors[`thresholds.${field.name}`] = 'must be valid JSON';
        continue;
      }
    }
    if (JSON.stringify(value) !== JSON.stringify(rule.thresholds[field.name])) thresholds[field.name] = value;
  }
  if (Object.keys(thresholds).length > 0) patch.thresholds = thresholds;
  return { patch, errors };
}

/**
 * A refused save as the form shows it: each error beside the field its path names
 * (`thresholds.pickHours`, `thresholds.perLocation.<id>.pickHours` → `thresholds.perLocation`),
 * and what names no field of the form as one message.
 */
export function ruleErrors(error: unknown, fieldNames: readonly string[]): { message: string; fields: Record<string, string> } {
  if (!(error instanceof ApiError)) return { message: errorMessage(error), fields: {} };
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const problem of error.errors) {
    const [head, name] = problem.path.split('.');
    const key = head === 'thresholds' && name && fieldNames.includes(name) ? `thresholds.${name}` : head === 'severity' || head === 'enabled' ? head : null;
    if (key) fields[key] = fields[key] ? `${fields[key]}; ${problem.message}` : problem.message;
    else rest.push(`${problem.path}: ${problem.message}`);
  }
  if (rest.length > 0) return { message: `${error.detail} (${rest.join('; ')})`, fields };
  return { message: Object.keys(fields).length > 0 ? 'Not saved: see the fields marked.' : error.detail, fields };
}

import { api, errorMessage } from '../api/client.ts';
import type { AlertRule } from '../api/types.ts';
import { ruleDraft, ruleErrors, rulePatch, type RuleDraft } from './rule-form.ts';

/** The alert rules with a form each; a save sends what changed and shows refusals by field. */
export class RuleSettings {
  rules = $state<AlertRule[]>([]);
  drafts = $state<Record<string, RuleDraft>>({});
  loading = $state(true);
  error = $state<string | null>(null);
  busy = $state<Record<string, boolean>>({});
  /** Per rule: errors by field (`thresholds.<name>`, `severity`, `enabled`) and a message. */
  fieldErrors = $state<Record<string, Record<string, string>>>({});
  messages = $state<Record<string, { text: string; ok: boolean }>>({});

  async load(): Promise<void> {
    this.error = null;
    try {
      const { items } = await api<{ items: AlertRule[] }>('/api/alert-rules');
      this.rules = items;
      this.drafts = Object.fromEntries(items.map((rule) => [rule.rule, ruleDraft(rule)]));
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  reset(rule: AlertRule): void {
    this.drafts[rule.rule] = ruleDraft(rule);
    delete this.fieldErrors[rule.rule];
    delete this.messages[rule.rule];
  }

  async save(rule: AlertRule): Promise<void> {
    const draft = this.drafts[rule.rule];
    if (!draft) return;
    const { patch, errors } = rulePatch(rule, $state.snapshot(draft));
    delete this.messages[rule.rule];
    if (Object.keys(errors).length > 0) {
      this.fieldErrors[rule.rule] = errors;
      return;
    }
    delete this.fieldErrors[rule.rule];
    if (Object.keys(patch).length === 0) {
      this.messages[rule.rule] = { text: 'Nothing changed.', ok: true };
      return;
    }
    this.busy[rule.rule] = true;
    try {
      const saved = await api<AlertRule>(`/api/alert-rules/${encodeURIComponent(rule.rule)}`, { method: 'PATCH', body: patch });
      this.rules = this.rules.map((item) => (item.rule === saved.rule ? saved : item));
      this.drafts[rule.rule] = ruleDraft(saved);
      this.messages[rule.rule] = { text: 'Saved.', ok: true };
    } catch (error) {
      const shown = ruleErrors(error, draft.fields.map((field) => field.name));
      this.fieldErrors[rule.rule] = shown.fields;
      this.messages[rule.rule] = { text: shown.message, ok: false };
    } finally {
      delete this.busy[rule.rule];
    }
  }
}

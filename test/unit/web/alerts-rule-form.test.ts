import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/lib/api/client.ts';
import { ruleDraft, ruleErrors, rulePatch } from '../../../web/lib/alerts/rule-form.ts';

const rule = {
  enabled: true,
  severity: 'warning' as const,
  thresholds: { releaseMinutes: 30, pickHours: 4, checkLedger: true, perLocation: {}, clearRounds: 3 },
  defaults: { releaseMinutes: 30, pickHours: 4, checkLedger: true, perLocation: {}, clearRounds: 3 },
};

describe('alert rule form', () => {
  it('is generated from the rule’s thresholds: numbers and booleans as inputs, objects as JSON', () => {
    const draft = ruleDraft(rule);
    expect(draft.fields.map((f) => [f.name, f.kind])).toEqual([
      ['releaseMinutes', 'number'],
      ['pickHours', 'number'],
      ['checkLedger', 'boolean'],
      ['perLocation', 'json'],
      ['clearRounds', 'number'],
    ]);
  });

  it('sends only what changed', () => {
    const draft = ruleDraft(rule);
    expect(rulePatch(rule, draft)).toEqual({ patch: {}, errors: {} });
    draft.enabled = false;
    draft.severity = 'critical';
    const pick = draft.fields.find((f) => f.name === 'pickHours')!;
    if (pick.kind === 'number') pick.text = '0.5';
    const ledger = draft.fields.find((f) => f.name === 'checkLedger')!;
    if (ledger.kind === 'boolean') ledger.checked = false;
    const per = draft.fields.find((f) => f.name === 'perLocation')!;
    if (per.kind === 'json') per.text = '{"l1": {"pickHours": 1}}';
    expect(rulePatch(rule, draft)).toEqual({
      patch: { enabled: false, severity: 'critical', thresholds: { pickHours: 0.5, checkLedger: false, perLocation: { l1: { pickHours: 1 } } } },
      errors: {},
    });
  });

  it('refuses to send a number or JSON that does not parse, naming the field as the API does', () => {
    const draft = ruleDraft(rule);
    const pick = draft.fields.find((f) => f.name === 'pickHours')!;
    if (pick.kind === 'number') pick.text = 'four';
    const per = draft.fields.find((f) => f.name === 'perLocation')!;
    if (per.kind === 'json') per.text = '{';
    expect(rulePatch(rule, draft).errors).toEqual({ 'thresholds.pickHours': 'must be a number', 'thresholds.perLocation': 'must be valid JSON' });
  });

  it('a 422 puts each error beside its field; nested paths go to their top field, the rest to the message', () => {
    const error = new ApiError(422, 'validation', 'The request is not valid', [
      { path: 'thresholds.pickHours', message: 'Too small: expected number to be >0' },
      { path: 'thresholds.perLocation.abc.pickHours', message: 'Invalid input' },
      { path: 'thresholds.bogus', message: 'is not a threshold of this rule' },
    ]);
    expect(ruleErrors(error, ['pickHours', 'perLocation'])).toEqual({
      message: 'The request is not valid (thresholds.bogus: is not a threshold of this rule)',
      fields: { 'thresholds.pickHours': 'Too small: expected number to be >0', 'thresholds.perLocation': 'Invalid input' },
    });
  });

  it('a 422 whose errors all sit beside their fields says so in one line', () => {
    const error = new ApiError(422, 'validation', 'thresholds.pickHours: Too small', [{ path: 'thresholds.pickHours', message: 'Too small' }]);
    expect(ruleErrors(error, ['pickHours'])).toEqual({ message: 'Not saved: see the fields marked.', fields: { 'thresholds.pickHours': 'Too small' } });
  });
});

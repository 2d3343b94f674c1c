import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSourcingPolicy } from '#server/sourcing/default-policy.ts';
import { loadSourcingPolicy } from '#server/sourcing/load-policy-file.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'tower-policy-'));
function file(name: string, content: string): string {
  const at = path.join(dir, name);
  writeFileSync(at, content);
  return at;
}

describe('SOURCING_POLICY_FILE', () => {
  it('without a file, the defaults', () => {
    expect(loadSourcingPolicy(undefined)).toBe(defaultSourcingPolicy);
  });

  it("an operator's file replaces the defaults", () => {
    const own = { ...defaultSourcingPolicy, splitPenaltyCents: 1234 };
    expect(loadSourcingPolicy(file('own.json', JSON.stringify(own))).splitPenaltyCents).toBe(1234);
  });

  it('a file that is not there, or not JSON, is one line naming the variable and the file', () => {
    expect(() => loadSourcingPolicy(path.join(dir, 'missing.json'))).toThrow(/^SOURCING_POLICY_FILE .*missing\.json: ENOENT/);
    expect(() => loadSourcingPolicy(file('broken.json', '{"rates": ['))).toThrow(/^SOURCING_POLICY_FILE .*broken\.json: /);
  });

  it('an invalid policy names its first bad field', () => {
    const bad = { ...defaultSourcingPolicy, splitPenaltyCents: -5 };
    expect(() => loadSourcingPolicy(file('bad.json', JSON.stringify(bad)))).toThrow(/is not a valid sourcing policy: splitPenaltyCents /);
  });
});

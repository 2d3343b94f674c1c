import { describe, expect, it } from 'vitest';
import { requestHash } from '#server/core/request-hash.ts';

describe('requestHash', () => {
  it('is the same whatever order the keys come in, at every depth', () => {
    const a = { channel: 'web', customer: { email: 'a@example.com', name: 'Ada' }, lines: [{ sku: 'TEE', quantity: 2 }] };
    const b = { lines: [{ quantity: 2, sku: 'TEE' }], customer: { name: 'Ada', email: 'a@example.com' }, channel: 'web' };
    expect(requestHash(a)).toBe(requestHash(b));
  });

  it('ignores fields that are undefined', () => {
    expect(requestHash({ sku: 'TEE', externalRef: undefined })).toBe(requestHash({ sku: 'TEE' }));
    expect(requestHash({ customer: { name: 'Ada', phone: undefined } })).toBe(requestHash({ customer: { name: 'Ada' } }));
  });

  it('does not ignore null, which is a value', () => {
    expect(requestHash({ sku: 'TEE', externalRef: null })).not.toBe(requestHash({ sku: 'TEE' }));
  });

  it('differs when any value differs', () => {
    const base = requestHash({ sku: 'TEE', quantity: 2 });
    expect(requestHash({ sku: 'TEE', quantity: 3 })).not.toBe(base);
    expect(requestHash({ sku: 'MUG', quantity: 2 })).not.toBe(base);
    expect(requestHash({ sku: 'TEE', quantity: '2' })).not.toBe(base);
    expect(requestHash({ sku: 'TEE', qty: 2 })).not.toBe(base);
  });

  it('keeps array order significant', () => {
    const lines = [
      { sku: 'TEE', quantity: 1 },
      { sku: 'MUG', quantity: 1 },
    ];
    expect(requestHash({ lines })).not.toBe(requestHash({ lines: [...lines].reverse() }));
    expect(requestHash([1, 2])).not.toBe(requestHash([2, 1]));
  });

  it('does not confuse a string with the structure it spells', () => {
    expect(requestHash({ a: '{"b":1}' })).not.toBe(requestHash({ a: { b: 1 } }));
    expect(requestHash(['a,b'])).not.toBe(requestHash(['a', 'b']));
  });

  it('is a stable base64url sha-256 digest', () => {
    expect(requestHash({ b: 1, a: 2 })).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(requestHash({ b: 1, a: 2 })).toBe(requestHash({ a: 2, b: 1 }));
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PaymentDeclinedError, PaymentUnavailableError } from '#server/core/errors.ts';
import type { AuthorizationRequest } from '#server/payments/payment-provider.ts';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { withProviderTimeout } from '#server/payments/with-timeout.ts';

function authorizationRequest(overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest {
  return { amountCents: 5000, currency: 'USD', token: 'tok_visa', idempotencyKey: randomUUID(), ...overrides };
}

async function declineReason(provider: SandboxPaymentProvider, token: string): Promise<string> {
  const error = await provider.authorize(authorizationRequest({ token })).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, token).toBeInstanceOf(PaymentDeclinedError);
  return (error as PaymentDeclinedError).errors[0]!.message;
}

describe('SandboxPaymentProvider.authorize', () => {
  it('authorizes tok_visa for the amount and currency asked', async () => {
    const authorization = await new SandboxPaymentProvider().authorize(authorizationRequest({ amountCents: 1234, currency: 'EUR' }));

    expect(authorization).toMatchObject({ amountCents: 1234, currency: 'EUR' });
    expect(authorization.authorizationId).toMatch(/^auth_[0-9a-f]{24}_1234$/);
  });

  it('authorizes the other approved test cards', async () => {
    const provider = new SandboxPaymentProvider();
    for (const token of ['tok_mastercard', 'tok_amex']) await expect(provider.authorize(authorizationRequest({ token })), token).resolves.toBeDefined();
  });

  it('returns the same authorization for a retried idempotency key', async () => {
    const provider = new SandboxPaymentProvider();
    const request = authorizationRequest();

    const first = await provider.authorize(request);
    const retried = await provider.authorize({ ...request });

    expect(retried.authorizationId).toBe(first.authorizationId);
  });

  it('gives different idempotency keys different authorizations', async () => {
    const provider = new SandboxPaymentProvider();
    const a = await provider.authorize(authorizationRequest());
    const b = await provider.authorize(authorizationRequest());
    expect(a.authorizationId).not.toBe(b.authorizationId);
  });

  it('declines tok_declined as card_declined', async () => {
    expect(await declineReason(new SandboxPaymentProvider(), 'tok_declined')).toBe('card_declined');
  });

  it('declines the other declining test cards with their reasons', async () => {
    const provider = new SandboxPaymentProvider();
    expect(await declineReason(provider, 'tok_insufficient_funds')).toBe('insufficient_funds');
    expect(await declineReason(provider, 'tok_expired')).toBe('expired_card');
  });

  it('declines a token it does not know as invalid_token', async () => {
    expect(await declineReason(new SandboxPaymentProvider(), 'tok_made_up')).toBe('invalid_token');
  });

  it('declines tokens that happen to name Object.prototype members as invalid_token too', async () => {
    const provider = new SandboxPaymentProvider();
    for (const token of ['constructor', 'toString', '__proto__']) expect(await declineReason(provider, token), token).toBe('invalid_token');
  });

  it('never answers tok_timeout, so withProviderTimeout turns it into payment_unavailable quickly', async () => {
    const provider = new SandboxPaymentProvider();
    const startedAt = performance.now();

    const outcome = withProviderTimeout(50, (signal) => provider.authorize(authorizationRequest({ token: 'tok_timeout', signal })));

    await expect(outcome).rejects.toBeInstanceOf(PaymentUnavailableError);
    await expect(outcome).rejects.toMatchObject({ type: 'payment_unavailable' });
    expect(performance.now() - startedAt).toBeLessThan(1_000);
  });
});

describe('withProviderTimeout', () => {
  it('returns the call’s answer when it comes in time', async () => {
    await expect(withProviderTimeout(1_000, async () => 'ok')).resolves.toBe('ok');
  });

  it('passes the call’s own failure through', async () => {
    await expect(withProviderTimeout(1_000, async () => Promise.reject(new PaymentDeclinedError('card_declined')))).rejects.toBeInstanceOf(PaymentDeclinedError);
  });

  it('aborts the signal it gave the call when the deadline passes', async () => {
    let seen: AbortSignal | undefined;
    await expect(
      withProviderTimeout(20, (signal) => {
        seen = signal;
        return new Promise<never>(() => {});
      }),
    ).rejects.toThrow('did not answer within 20 ms');
    expect(seen?.aborted).toBe(true);
  });
});

describe('SandboxPaymentProvider.capture and void', () => {
  it('captures up to the authorized amount, in parts', async () => {
    const provider = new SandboxPaymentProvider();
    const { authorizationId } = await provider.authorize(authorizationRequest({ amountCents: 5000 }));

    await expect(provider.capture(authorizationId, 3000, 'c1')).resolves.toBeUndefined();
    await expect(provider.capture(authorizationId, 2000, 'c2')).resolves.toBeUndefined();
    await expect(provider.capture(authorizationId, 1, 'c3')).rejects.toThrow('capture exceeds authorization');
  });

  it('refuses to capture more than was authorized', async () => {
    const provider = new SandboxPaymentProvider();
    const { authorizationId } = await provider.authorize(authorizationRequest({ amountCents: 5000 }));

    await expect(provider.capture(authorizationId, 5001, 'c4')).rejects.toThrow('capture exceeds authorization');
  });

  it('refuses to capture an unknown or voided authorization', async () => {
    const provider = new SandboxPaymentProvider();
    const { authorizationId } = await provider.authorize(authorizationRequest());
    await provider.void(authorizationId);

    await expect(provider.capture(authorizationId, 1, 'c5')).rejects.toThrow('cannot capture');
    await expect(provider.capture('auth_unknown', 1, 'c6')).rejects.toThrow('cannot capture');
  });

  it('refuses to void an authorization once it has been captured', async () => {
    const provider = new SandboxPaymentProvider();
    const { authorizationId } = await provider.authorize(authorizationRequest());
    await provider.capture(authorizationId, 100, 'c7');

    await expect(provider.void(authorizationId)).rejects.toThrow('cannot void a captured authorization');
  });

  it('accepts voiding an authorization it does not know, as after a restart', async () => {
    await expect(new SandboxPaymentProvider().void('auth_unknown')).resolves.toBeUndefined();
  });

  it('refunds up to what was captured', async () => {
    const provider = new SandboxPaymentProvider();
    const { authorizationId } = await provider.authorize(authorizationRequest({ amountCents: 5000 }));
    await provider.capture(authorizationId, 4000, 'c8');

    await expect(provider.refund(authorizationId, 4000, 'r9')).resolves.toBeUndefined();
    await expect(provider.refund(authorizationId, 1, 'r10')).rejects.toThrow('refund exceeds capture');
  });

  it('answers a repeated capture or refund key without moving money twice', async () => {
    const provider = new SandboxPaymentProvider();
    const { authorizationId } = await provider.authorize(authorizationRequest({ amountCents: 5000 }));
    await provider.capture(authorizationId, 3000, 'shipment-1');
    await provider.capture(authorizationId, 3000, 'shipment-1');
    await expect(provider.capture(authorizationId, 2000, 'shipment-2')).resolves.toBeUndefined();
    await provider.refund(authorizationId, 5000, 'refund-1');
    await expect(provider.refund(authorizationId, 5000, 'refund-1')).resolves.toBeUndefined();
    await expect(provider.refund(authorizationId, 1, 'refund-2')).rejects.toThrow('refund exceeds capture');
  });

  it('captures, after a restart, an authorization made before it, up to its amount', async () => {
    const { authorizationId } = await new SandboxPaymentProvider().authorize(authorizationRequest({ amountCents: 5000 }));
    const restarted = new SandboxPaymentProvider();
    await expect(restarted.capture(authorizationId, 5000, 'after-restart')).resolves.toBeUndefined();
    await expect(restarted.capture(authorizationId, 1, 'too-much')).rejects.toThrow('capture exceeds authorization');
  });
});

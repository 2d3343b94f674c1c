import { createHash } from 'node:crypto';
import { PaymentDeclinedError, PaymentUnavailableError } from '#server/core/errors.ts';
import type { Authorization, AuthorizationRequest, PaymentProvider } from './payment-provider.ts';

/** Tokens the sandbox understands, as a real provider's test mode would. */
export const sandboxTokens = {
  approved: ['tok_visa', 'tok_mastercard', 'tok_amex'],
  declined: { tok_declined: 'card_declined', tok_insufficient_funds: 'insufficient_funds', tok_expired: 'expired_card' },
  /** Never answers: exercises Tower's provider timeout. */
  timeout: 'tok_timeout',
} as const;

interface SandboxAuthorization extends Authorization {
  state: 'authorized' | 'captured' | 'voided';
  capturedCents: number;
  refundedCents: number;
}

/**
 * An in-process card processor with the semantics of a real one: idempotent, stateful, strict.
 * Its ledger lives in memory, yet a real provider outlives Tower's restarts: an authorization
 * id carries its amount, so after a restart the sandbox knows what it had authorized (as
 * uncaptured) and orders placed before it can still be shipped and captured.
 */
export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';
  private readonly authorizations = new Map<string, SandboxAuthorization>();
  /** Captures and refunds already done, by idempotency key. */
  private readonly done = new Set<string>();

  async authorize(request: AuthorizationRequest): Promise<Authorization> {
    const declinedTokens: Record<string, string> = sandboxTokens.declined;
    const declined = Object.hasOwn(declinedTokens, request.token) ? declinedTokens[request.token] : undefined;
    if (declined) throw new PaymentDeclinedError(declined);
    if (request.token === sandboxTokens.timeout) {
      await new Promise<never>((_, reject) => {
        const fail = () => reject(new PaymentUnavailableError('The payment provider did not answer'));
        if (request.signal?.aborted) fail();
        request.signal?.addEventListener('abort', fail, { once: true });
      });
    }
    if (!(sandboxTokens.approved as readonly string[]).includes(request.token)) {
      throw new PaymentDeclinedError('invalid_token');
    }
    const authorizationId = `auth_${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 24)}_${request.amountCents}`;
    const existing = this.authorizations.get(authorizationId);
    if (existing && existing.state !== 'voided') return existing;
    const authorization: SandboxAuthorization = {
      authorizationId,
      amountCents: request.amountCents,
      currency: request.currency,
      state: 'authorized',
      capturedCents: 0,
      refundedCents: 0,
    };
    this.authorizations.set(authorizationId, authorization);
    return authorization;
  }

  async capture(authorizationId: string, amountCents: number, idempotencyKey: string): Promise<void> {
    if (this.done.has(`capture:${idempotencyKey}`)) return;
    const auth = this.find(authorizationId);
    if (!auth || auth.state === 'voided') throw new Error(`sandbox: cannot capture ${authorizationId}`);
    if (auth.capturedCents + amountCents > auth.amountCents) throw new Error('sandbox: capture exceeds authorization');
    auth.capturedCents += amountCents;
    auth.state = 'captured';
    this.done.add(`capture:${idempotencyKey}`);
  }

  async void(authorizationId: string): Promise<void> {
    const auth = this.find(authorizationId);
    // Voiding what the sandbox no longer knows (after a restart) is accepted, as providers do.
    if (!auth) return;
    if (auth.capturedCents > 0) throw new Error('sandbox: cannot void a captured authorization');
    auth.state = 'voided';
  }

  async refund(authorizationId: string, amountCents: number, idempotencyKey: string): Promise<void> {
    if (this.done.has(`refund:${idempotencyKey}`)) return;
    const auth = this.authorizations.get(authorizationId);
    // A capture from before a restart is unknown here: the provider would have it; accept.
    if (!auth) return;
    if (auth.refundedCents + amountCents > auth.capturedCents) throw new Error('sandbox: refund exceeds capture');
    auth.refundedCents += amountCents;
    this.done.add(`refund:${idempotencyKey}`);
  }

  /** An authorization this instance made, or one made before a restart, rebuilt from its id. */
  private find(authorizationId: string): SandboxAuthorization | undefined {
    const known = this.authorizations.get(authorizationId);
    if (known) return known;
    const match = /^auth_[0-9a-f]{24}_(\d+)$/.exec(authorizationId);
    if (!match) return undefined;
    const rebuilt: SandboxAuthorization = {
      authorizationId,
      amountCents: Number(match[1]),
      currency: '',
      state: 'authorized',
      capturedCents: 0,
      refundedCents: 0,
    };
    this.authorizations.set(authorizationId, rebuilt);
    return rebuilt;
  }
}

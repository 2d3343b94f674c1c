/** What Tower needs from a card processor. Amounts are minor units. */
export interface PaymentProvider {
  readonly name: string;
  /**
   * Reserves funds. The idempotency key makes a retried authorization return the same
   * authorization instead of holding the money twice.
   * Throws PaymentDeclinedError, or PaymentUnavailableError when the provider does not answer.
   */
  authorize(request: AuthorizationRequest): Promise<Authorization>;
  /**
   * Takes part or all of an authorization. The idempotency key names this one capture: a
   * retry after an unknown outcome (a timeout, a commit that failed afterwards) is answered
   * without taking the money twice.
   */
  capture(authorizationId: string, amountCents: number, idempotencyKey: string): Promise<void>;
  void(authorizationId: string): Promise<void>;
  /** Pays back part of what was captured; idempotent by key like capture. */
  refund(authorizationId: string, amountCents: number, idempotencyKey: string): Promise<void>;
}

export interface AuthorizationRequest {
  amountCents: number;
  currency: string;
  token: string;
  idempotencyKey: string;
  signal?: AbortSignal;
}

export interface Authorization {
  authorizationId: string;
  amountCents: number;
  currency: string;
}

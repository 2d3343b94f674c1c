/** What Tower needs from a card processor. Amounts are minor units. */
export interface PaymentProvider {
  readonly name: string;
  /**
   * Reserves funds. The idempotency key makes a retried authorization return the same
   * authorization instead of holding the money twice.
   * Throws PaymentDeclinedError, or PaymentUnavailableError when the provider does not answer.
   */
  authorize(request: AuthorizationRequest): Promise<Authorization>;
  capture(authorizationId: string, amountCents: number): Promise<void>;
  void(authorizationId: string): Promise<void>;
  refund(authorizationId: string, amountCents: number): Promise<void>;
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

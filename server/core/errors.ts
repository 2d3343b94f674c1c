/** A field-level complaint; `path` is dotted (`lines.0.quantity`). */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * Errors of the domain. `type` is the public slug of the contract; the HTTP layer alone
 * decides which status each type gets.
 */
export abstract class DomainError extends Error {
  abstract readonly type: string;
  readonly errors: FieldError[];
  /** Extra machine-readable facts for the client (e.g. the short SKUs). */
  readonly details: Record<string, unknown>;

  constructor(detail: string, errors: FieldError[] = [], details: Record<string, unknown> = {}) {
    super(detail);
    this.errors = errors;
    this.details = details;
  }
}

export class ValidationError extends DomainError {
  readonly type = 'validation';
  constructor(errors: FieldError[], detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ')) {
    super(detail, errors);
  }
  static field(path: string, message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

export class NotFoundError extends DomainError {
  readonly type = 'not_found';
  constructor(what: string) {
    super(`${what} was not found`);
  }
}

export class ConflictError extends DomainError {
  readonly type = 'conflict';
  constructor(detail: string, errors: FieldError[] = []) {
    super(detail, errors);
  }
}

export interface Shortage {
  sku: string;
  requested: number;
  available: number;
}

export class OutOfStockError extends DomainError {
  readonly type = 'out_of_stock';
  constructor(readonly shortages: Shortage[], paths: string[] = []) {
    super(
      `Not enough stock for ${shortages.map((s) => `${s.sku} (requested ${s.requested}, available ${s.available})`).join(', ')}`,
      shortages.map((s, i) => ({ path: paths[i] ?? 'lines', message: `only ${s.available} of ${s.sku} available` })),
      { shortages },
    );
  }
}

export class PaymentDeclinedError extends DomainError {
  readonly type = 'payment_declined';
  constructor(reason: string) {
    super(`The payment was declined: ${reason}`, [{ path: 'payment.token', message: reason }]);
  }
}

/** The payment provider did not answer in time; nothing was placed and the attempt was voided. */
export class PaymentUnavailableError extends DomainError {
  readonly type = 'payment_unavailable';
  constructor(detail: string) {
    super(detail);
  }
}

export class InvalidTransitionError extends DomainError {
  readonly type = 'invalid_transition';
  constructor(from: string, to: string, entity = 'order') {
    super(`${/^[aeiou]/.test(entity) ? 'An' : 'A'} ${entity} in status '${from}' cannot become '${to}'`, [], { from, to });
  }
}

export class IdempotencyConflictError extends DomainError {
  readonly type = 'idempotency_conflict';
  constructor(detail: string) {
    super(detail, [{ path: 'Idempotency-Key', message: 'already used for a different request' }]);
  }
}

/** A request Tower cannot take as sent, before its body is read: a malformed or impossible header. */
export class BadRequestError extends DomainError {
  readonly type = 'bad_request';
  constructor(detail: string, errors: FieldError[] = []) {
    super(detail, errors);
  }
}

/** No valid credentials: none sent, or an expired session, a revoked token, a wrong password. */
export class UnauthorizedError extends DomainError {
  readonly type = 'unauthorized';
  constructor(detail = 'Sign in or send an API token') {
    super(detail);
  }
}

/** Valid credentials that do not allow this action (or this channel, or this location). */
export class ForbiddenError extends DomainError {
  readonly type = 'forbidden';
  constructor(detail: string, errors: FieldError[] = []) {
    super(detail, errors);
  }
}

export class RateLimitedError extends DomainError {
  readonly type = 'rate_limited';
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(detail, [], { retryAfterSeconds });
  }
}

/** A dependency this command needs is not there (e.g. no ClickHouse to read demand from). */
export class UnavailableError extends DomainError {
  readonly type = 'unavailable';
}

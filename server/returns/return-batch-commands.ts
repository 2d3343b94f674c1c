import { mayUseLocation } from '#server/auth/actor.ts';
import { ForbiddenError } from '#server/core/errors.ts';
import { requestHash } from '#server/core/request-hash.ts';
import { lockOrdersOf, type LockedOrder } from '#server/orders/lock-order.ts';
import { prepareAuthorize, authorizeReturn } from './authorize-return.ts';
import { exchangeReturn } from './exchange-return.ts';
import { lockReturnsOf } from './lock-return.ts';
import { prepareReceive, receiveReturn, RECEIVE_SCOPE } from './receive-return.ts';
import { prepareRequest, requestReturn, REQUEST_SCOPE } from './request-return.ts';
import { prepareResolve, resolveReturn, RESOLVE_SCOPE } from './resolve-return.ts';
import type { LockedTarget } from './return-step.ts';
import type { ReturnBatchCommand } from './run-return-batch.ts';
import { ReceiveReturnInput, RequestReturnInput, ResolveReturnInput, ReturnReasonInput } from './returns.schemas.ts';

/** What a step addressed by RMA shares: the RMA named by `returnId`, locked with its order. */
const byReturn = {
  target: (_body: unknown, returnId: string | undefined) => returnId,
  lock: lockReturnsOf,
  orderOf: (target: LockedTarget) => target.order,
  status: 200 as const,
  independent: true,
};

/** Staff open RMAs (POST /api/returns), each idempotent by its key as the single request is. */
export const requestBatch: ReturnBatchCommand<RequestReturnInput, LockedOrder> = {
  step: 'request',
  body: RequestReturnInput,
  target: (body) => body.order,
  idempotency: { scope: REQUEST_SCOPE, hash: (_order, body) => requestHash({ ...body, requestedBy: 'staff' }), remember: (done) => done.returnId },
  status: 201,
  independent: false,
  together: () => true,
  lock: lockOrdersOf,
  orderOf: (order) => order,
  prepare: (work, order, body) => prepareRequest(work, order, { ...body, requestedBy: 'staff' }),
  single: (ctx, _actor, _order, body, idempotencyKey) => requestReturn(ctx, { ...body, requestedBy: 'staff' }, { idempotencyKey }),
};

/** POST /api/returns/{id}/authorize; it takes no key (authorizing twice is refused, 409). */
export const authorizeBatch: ReturnBatchCommand<ReturnReasonInput, LockedTarget> = {
  step: 'authorize',
  body: ReturnReasonInput,
  ...byReturn,
  idempotency: null,
  together: () => true,
  prepare: (work, target) => prepareAuthorize(work, target),
  single: (ctx, _actor, id) => authorizeReturn(ctx, id),
};

/** POST /api/returns/{id}/receive, at the staff's own locations only. */
export const receiveBatch: ReturnBatchCommand<ReceiveReturnInput, LockedTarget> = {
  step: 'receive',
  body: ReceiveReturnInput,
  ...byReturn,
  idempotency: { scope: RECEIVE_SCOPE, hash: (id, input) => requestHash({ idOrNumber: id, input }), remember: (done) => ({ id: done.returnId, restocked: done.restocked }) },
  together: () => true,
  prepare: async (work, target, body, actor) => {
    if (!mayUseLocation(actor, body.locationId)) {
      throw new ForbiddenError('You may only receive returns at your own locations', [{ path: 'locationId', message: 'is not one of your locations' }]);
    }
    return prepareReceive(work, target, body);
  },
  single: (ctx, actor, id, body, idempotencyKey) => receiveReturn(ctx, id, body, { idempotencyKey, actor }),
};

/** POST /api/returns/{id}/resolve; an exchange places an order of its own, so it runs alone. */
export const resolveBatch: ReturnBatchCommand<ResolveReturnInput, LockedTarget> = {
  step: 'resolve',
  body: ResolveReturnInput,
  ...byReturn,
  idempotency: { scope: RESOLVE_SCOPE, hash: (id, input) => requestHash({ idOrNumber: id, input }), remember: (done) => done.returnId },
  together: (body) => body.kind !== 'exchange',
  prepare: (work, target, body) => prepareResolve(work, target, body),
  single: (ctx, _actor, id, body, idempotencyKey) =>
    body.kind === 'exchange' ? exchangeReturn(ctx, id, body, { idempotencyKey }) : resolveReturn(ctx, id, body, { idempotencyKey }),
};

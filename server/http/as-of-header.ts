import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { can } from '#server/auth/actor.ts';
import { runAsOf } from '#server/core/as-of.ts';
import type { Clock } from '#server/core/clock.ts';
import { BadRequestError, ForbiddenError, UnauthorizedError } from '#server/core/errors.ts';
import type { AppEnv } from './router.ts';

export const AS_OF_HEADER = 'x-tower-as-of';
export const AS_OF_PERMISSION = 'history:write';
/** Clocks drift and requests travel; more than this ahead is a mistake, not history. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

const Moment = z.iso.datetime({ offset: true });

/** How the OpenAPI document declares the header, once for every operation (components.parameters.AsOf). */
export const asOfParameter = {
  name: AS_OF_HEADER,
  in: 'header' as const,
  required: false,
  description:
    `Dates the request to a past moment (ISO 8601 with offset, at most 5 minutes ahead): everything it writes carries that time. ` +
    `Any /api operation accepts it from actors allowed ${AS_OF_PERMISSION} (the simulator role); others get 403, a malformed or future value 400.`,
  schema: { type: 'string' as const, format: 'date-time' },
};

/**
 * Dates a request to a moment in the past (`x-tower-as-of: 2026-10-01T14:03:00.000Z`): the
 * history backfill writes months of orders through the public API, each at its own moment.
 * Everything the request does reads that moment from the clock (see requestScopedClock).
 * Only actors with history:write may send it; without the header nothing changes.
 */
export function asOfHeader(clock: Clock): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const sent = c.req.header(AS_OF_HEADER);
    if (sent === undefined) return next();
    const actor = c.var.actor;
    if (!actor) throw new UnauthorizedError(c.var.authProblem ?? `${AS_OF_HEADER} needs credentials allowed ${AS_OF_PERMISSION}`);
    if (!can(actor, AS_OF_PERMISSION)) {
      throw new ForbiddenError(`${AS_OF_HEADER} is not allowed for the roles ${actor.roles.join(', ')}`, [
        { path: AS_OF_HEADER, message: `needs ${AS_OF_PERMISSION}` },
      ]);
    }
    if (!Moment.safeParse(sent).success) {
      throw new BadRequestError(`${AS_OF_HEADER} must be an ISO 8601 timestamp with an offset`, [
        { path: AS_OF_HEADER, message: 'is not an ISO 8601 timestamp with an offset (2026-10-01T14:03:00.000Z)' },
      ]);
    }
    const moment = new Date(sent);
    if (moment.getTime() > clock.now().getTime() + FUTURE_TOLERANCE_MS) {
      throw new BadRequestError(`${AS_OF_HEADER} dates history; ${sent} is in the future`, [{ path: AS_OF_HEADER, message: 'is more than 5 minutes in the future' }]);
    }
    c.set('asOf', moment);
    return runAsOf(moment, next);
  };
}

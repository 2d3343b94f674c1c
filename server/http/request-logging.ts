import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { requestContext } from './request-context.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Gives each request an id (or keeps a sane one the caller sent) and logs one line when it ends. */
export function requestLogging(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const sent = c.req.header('x-request-id');
    const requestId = sent && REQUEST_ID.test(sent) ? sent : randomUUID();
    c.header('x-request-id', requestId);
    const started = performance.now();
    await requestContext.run({ requestId }, async () => {
      await next();
      const status = c.res.status;
      const line = { method: c.req.method, path: c.req.path, status, ms: Math.round((performance.now() - started) * 10) / 10 };
      if (status >= 500) logger.error(line, 'request failed');
      else logger.info(line, 'request');
    });
  };
}

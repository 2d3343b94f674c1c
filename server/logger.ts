import pino, { type Logger } from 'pino';
import { currentRequestId } from './http/request-context.ts';

/** Up to the first stack frame (or the end): the `params: …` part of a failed query's message. */
const QUERY_PARAMS = /\nparams: [\s\S]*?(?=\n\s+at |$)/;

/**
 * A failed query's parameters are whatever the request carried (password hashes, session
 * hashes, CSRF tokens, …), and PostgreSQL's "Failing row contains (…)" quotes a whole row:
 * the log keeps the SQL and PostgreSQL's complaint, never the values.
 */
function withoutQueryValues(serialized: unknown): unknown {
  if (typeof serialized !== 'object' || serialized === null) return serialized;
  const scrubbed: Record<string, unknown> = { ...serialized };
  if ('params' in scrubbed) scrubbed['params'] = '[redacted]';
  for (const key of ['message', 'stack']) {
    const text = scrubbed[key];
    if (typeof text === 'string') scrubbed[key] = text.replace(QUERY_PARAMS, '\nparams: [redacted]');
  }
  if (typeof scrubbed['detail'] === 'string' && scrubbed['detail'].startsWith('Failing row contains')) scrubbed['detail'] = 'Failing row contains [redacted]';
  if (scrubbed['cause'] !== undefined) scrubbed['cause'] = withoutQueryValues(scrubbed['cause']);
  return scrubbed;
}

/**
 * JSON lines on stdout. Anything that could carry a secret is redacted by path, and the id of
 * the request being served is added to every line.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'tower' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // drizzle wraps the driver's error; its cause holds PostgreSQL's own message and code.
      serializers: { err: (error: Error) => withoutQueryValues(pino.stdSerializers.errWithCause(error)) },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'payment.token',
          '*.payment.token',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'headers.cookie',
          'databaseUrl',
          '*.databaseUrl',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

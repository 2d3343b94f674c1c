import pino, { type Logger } from 'pino';
import { currentRequestId } from './http/request-context.ts';

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
      serializers: { err: pino.stdSerializers.errWithCause },
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

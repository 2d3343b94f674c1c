import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

/** The environment Tower understands. Everything else receives the parsed `Config`. */
export const configSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' })
    .optional(),
  /** Port of the embedded PostgreSQL; only used when DATABASE_URL is not set. */
  EMBEDDED_PG_PORT: port.default(5433),
  PG_POOL_SIZE: positiveInt.max(500).default(20),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: positiveInt.default(1_000_000),
  IMPORT_LIMIT_BYTES: positiveInt.default(20_000_000),
  PAYMENT_TIMEOUT_MS: positiveInt.default(5_000),
  /** A JSON sourcing policy (carrier rates, split penalty, …; see server/sourcing/README.md); the defaults otherwise. */
  SOURCING_POLICY_FILE: z.string().min(1).optional(),
  /** Most new orders one statement reads the context of, or writes (group commit; test/bench/RESULTS.md). */
  ORDER_WRITE_BATCH: positiveInt.max(1_000).default(32),
  /** Order capture's statements running at once, of each kind; orders arriving meanwhile join the next one. */
  ORDER_WRITE_CONCURRENCY: positiveInt.max(100).default(1),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  IDEMPOTENCY_RETENTION_HOURS: positiveInt.default(72),
  /** On a database Tower seeded itself (or an empty one): demo users, a simulated business, its history and live traffic. */
  SIMULATE: z.enum(['on', 'off']).default('on'),
  /** Days of history the first start backfills. */
  SIMULATE_DAYS: z.coerce.number().int().min(0).max(730).default(60),
  /** The simulated business's orders a day (at today's level; the demand model adds trend and seasons). */
  SIMULATE_ORDERS_PER_DAY: positiveInt.max(100_000).default(30),
  /** Live traffic after the backfill, in orders a minute. */
  SIMULATE_ORDERS_PER_MINUTE: z.coerce.number().min(0).max(10_000).default(6),
  SIMULATE_SEED: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(42),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  SESSION_TTL_HOURS: positiveInt.max(24 * 90).default(12),
  /** Send the session cookie only over HTTPS; turn on wherever Tower is served over TLS. */
  COOKIE_SECURE: z.enum(['on', 'off']).default('off'),
  RATE_LIMIT_PUBLIC_PER_MINUTE: positiveInt.default(300),
  RATE_LIMIT_LOGIN_PER_MINUTE: positiveInt.default(20),
  /** A ClickHouse server; without it the embedded engine (chdb) keeps its data in DATA_DIR/clickhouse. */
  CLICKHOUSE_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  CLICKHOUSE_USER: z.string().min(1).optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier (letters, digits, _)')
    .default('tower'),
  /** Run the outbox relay inside this process (`npm run relay` runs it alone). */
  RELAY: z.enum(['on', 'off']).default('on'),
  /** Most events per ClickHouse insert (a backlog drains in full batches; 10,000 measured faster than 5,000: test/bench/RESULTS.md). */
  RELAY_BATCH_SIZE: positiveInt.max(100_000).default(10_000),
  /** How long a woken relay lets events accumulate before it reads a partial batch. */
  RELAY_LINGER_MS: z.coerce.number().int().min(0).max(60_000).default(50),
  /** How often allocated orders are released to the floor as shipments; 0 turns the loop off (POST /api/fulfillment/release still works). */
  FULFILLMENT_RELEASE_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  /** Most orders one release transaction takes; a backlog is released batch after batch. */
  FULFILLMENT_RELEASE_BATCH: positiveInt.max(10_000).default(100),
  /** HMAC-SHA256 key of every carrier's tracking webhooks; without it (and without a per-carrier one) they are refused with 503. */
  CARRIER_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Per-carrier keys, `carrier=secret` separated by commas; they win over CARRIER_WEBHOOK_SECRET. */
  CARRIER_WEBHOOK_SECRETS: z
    .string()
    .transform((value, ctx) => {
      const secrets: Record<string, string> = {};
      for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
        const match = /^([a-z0-9][a-z0-9_-]{0,31})=(.{16,})$/.exec(entry);
        if (!match) {
          ctx.addIssue({ code: 'custom', message: 'must be carrier=secret pairs separated by commas (carrier in lower case, secret of 16+ characters)' });
          return z.NEVER;
        }
        secrets[match[1]!] = match[2]!;
      }
      return secrets;
    })
    .optional(),
  /** Customer emails go through this SMTP server (`smtp://user:pass@host:587`, `smtps://…:465`); without it they are written as .eml files to DATA_DIR/mail. */
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  /** The From of customer emails. */
  MAIL_FROM: z.string().min(3).default('Tower <orders@tower.local>'),
  /** Where customers reach Tower: links in emails (`PUBLIC_URL/track/<order number>`). */
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default('http://127.0.0.1:3000')
    .transform((url) => url.replace(/\/+$/, '')),
  /** Sends of one customer email before it is marked failed (retried with exponential backoff). */
  MAIL_MAX_ATTEMPTS: positiveInt.max(100).default(10),
  /** Send the queued customer emails from this process (`off`: other instances send them; they stay queued meanwhile). */
  MAIL_SENDER: z.enum(['on', 'off']).default('on'),
  /** The nightly forecast run's hour (UTC, 0–23), or `off` (runs on demand still work). */
  FORECAST_SCHEDULE_HOUR_UTC: z.union([z.literal('off'), z.coerce.number().int().min(0).max(23)]).default(2),
  /** Days ahead each series is forecast. */
  FORECAST_HORIZON_DAYS: positiveInt.max(365).default(28),
  /** Days of demand history a run reads. */
  FORECAST_HISTORY_DAYS: positiveInt.min(14).max(1_095).default(365),
  /** Worker threads a run forecasts on; by default all cores but one, so order capture keeps one. */
  FORECAST_WORKERS: positiveInt.max(64).optional(),
  /** Cycle service level of restock proposals without a planner's own (0.5–0.999). */
  REPLENISHMENT_SERVICE_LEVEL: z.coerce.number().gt(0.5).lt(1).default(0.95),
  /** Days between reviews of a SKU's stock (the R of the (R, s, S) policy), without a planner's own. */
  REPLENISHMENT_REVIEW_DAYS: positiveInt.max(90).default(7),
  /** How often alert rules are evaluated (each rule may ask for less often); 0 turns the alert engine off in this process. */
  ALERT_EVALUATE_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  /** Critical alerts (opened, reopened, escalated) are emailed to these addresses, separated by commas, through the customer emails' transport (SMTP_URL); off without it. */
  ALERT_EMAIL_TO: z
    .string()
    .transform((value) => value.split(',').map((a) => a.trim()).filter(Boolean))
    .pipe(z.array(z.email('must be email addresses separated by commas')).min(1))
    .optional(),
  /** Critical alerts are POSTed here as JSON, signed with ALERT_WEBHOOK_SECRET; off without it. */
  ALERT_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  /** HMAC-SHA256 key of the alert webhook's x-tower-signature (over `<x-tower-timestamp>.<body>`). */
  ALERT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Sends of one alert email or webhook before it is marked failed (retried with exponential backoff). */
  ALERT_DELIVERY_MAX_ATTEMPTS: positiveInt.max(100).default(8),
}).superRefine((config, ctx) => {
  if (config.ALERT_WEBHOOK_URL && !config.ALERT_WEBHOOK_SECRET) ctx.addIssue({ code: 'custom', path: ['ALERT_WEBHOOK_SECRET'], message: 'is required with ALERT_WEBHOOK_URL' });
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment once; the error names every bad variable on one line. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(configSchema.shape)
      .filter((key) => env[key] !== undefined && env[key].trim() !== '')
      .map((key) => [key, env[key]]),
  );
  const parsed = configSchema.safeParse(relevant);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '#server/config.ts';

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('fills every setting with its default when the environment is empty', () => {
    expect(loadConfig({})).toEqual({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATA_DIR: '.data',
      EMBEDDED_PG_PORT: 5433,
      PG_POOL_SIZE: 20,
      LOG_LEVEL: 'info',
      BODY_LIMIT_BYTES: 1_000_000,
      IMPORT_LIMIT_BYTES: 20_000_000,
      PAYMENT_TIMEOUT_MS: 5_000,
      ORDER_WRITE_BATCH: 32,
      ORDER_WRITE_CONCURRENCY: 1,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      IDEMPOTENCY_RETENTION_HOURS: 72,
      SIMULATE: 'on',
      SIMULATE_DAYS: 60,
      SIMULATE_ORDERS_PER_DAY: 30,
      SIMULATE_ORDERS_PER_MINUTE: 6,
      SIMULATE_SEED: 42,
      SESSION_TTL_HOURS: 12,
      COOKIE_SECURE: 'off',
      RATE_LIMIT_PUBLIC_PER_MINUTE: 300,
      RATE_LIMIT_LOGIN_PER_MINUTE: 20,
      CLICKHOUSE_DATABASE: 'tower',
      RELAY: 'on',
      RELAY_BATCH_SIZE: 10_000,
      RELAY_LINGER_MS: 50,
      FULFILLMENT_RELEASE_INTERVAL_MS: 5_000,
      FULFILLMENT_RELEASE_BATCH: 100,
      MAIL_FROM: 'Tower <orders@tower.local>',
      PUBLIC_URL: 'http://127.0.0.1:3000',
      MAIL_MAX_ATTEMPTS: 10,
      MAIL_SENDER: 'on',
      FORECAST_SCHEDULE_HOUR_UTC: 2,
      FORECAST_HORIZON_DAYS: 28,
      FORECAST_HISTORY_DAYS: 365,
      REPLENISHMENT_SERVICE_LEVEL: 0.95,
      REPLENISHMENT_REVIEW_DAYS: 7,
      ALERT_EVALUATE_INTERVAL_MS: 5000,
      ALERT_DELIVERY_MAX_ATTEMPTS: 8,
    });
  });

  it('reads numbers from their string form', () => {
    expect(loadConfig({ PORT: '8080', PG_POOL_SIZE: '5', PAYMENT_TIMEOUT_MS: '250' })).toMatchObject({ PORT: 8080, PG_POOL_SIZE: 5, PAYMENT_TIMEOUT_MS: 250 });
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ HOME: '/root', PATH: '/bin' })).not.toHaveProperty('HOME');
  });

  it('rejects a PORT that is not a port, naming PORT', () => {
    for (const port of ['abc', '70000', '-1', '80.5']) {
      const error = configError({ PORT: port });
      expect(error.message, port).toMatch(/\bPORT\b/);
      expect(error.message, port).not.toMatch(/DATABASE_URL/);
    }
  });

  it('rejects a DATABASE_URL that is not a postgres URL, naming DATABASE_URL', () => {
    for (const url of ['mysql://localhost/tower', 'not a url', 'http://localhost:5432/tower']) {
      expect(configError({ DATABASE_URL: url }).message, url).toMatch(/\bDATABASE_URL\b/);
    }
  });

  it('accepts postgres:// and postgresql:// URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://tower:secret@db:5432/tower' }).DATABASE_URL).toBe('postgres://tower:secret@db:5432/tower');
    expect(loadConfig({ DATABASE_URL: 'postgresql://localhost/tower' }).DATABASE_URL).toBe('postgresql://localhost/tower');
  });

  it('names every bad variable in one message', () => {
    const message = configError({ PORT: 'abc', DATABASE_URL: 'mysql://x/y', LOG_LEVEL: 'loud' }).message;
    expect(message).toMatch(/\bPORT\b/);
    expect(message).toMatch(/\bDATABASE_URL\b/);
    expect(message).toMatch(/\bLOG_LEVEL\b/);
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '', LOG_LEVEL: '', ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    expect(config.PORT).toBe(3000);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.ADMIN_EMAIL).toBeUndefined();
    expect(config.ADMIN_PASSWORD).toBeUndefined();
  });

  it('never reads a PORT of only spaces as port 0 (a random port): it is either unset or rejected', () => {
    let port: number;
    try {
      port = loadConfig({ PORT: '  ' }).PORT;
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return;
    }
    expect(port).toBe(3000);
  });

  it('rejects a zero pool size and an admin password shorter than 10 characters', () => {
    expect(configError({ PG_POOL_SIZE: '0' }).message).toMatch(/\bPG_POOL_SIZE\b/);
    expect(configError({ ADMIN_PASSWORD: 'too short' }).message).toMatch(/\bADMIN_PASSWORD\b/);
  });

  it('takes a ClickHouse server as an http(s) URL and a plain database name, naming the variable otherwise', () => {
    expect(loadConfig({ CLICKHOUSE_URL: 'https://ch.example.com:8443', CLICKHOUSE_DATABASE: 'tower_prod' })).toMatchObject({
      CLICKHOUSE_URL: 'https://ch.example.com:8443',
      CLICKHOUSE_DATABASE: 'tower_prod',
    });
    expect(configError({ CLICKHOUSE_URL: 'clickhouse://ch:9000' }).message).toMatch(/\bCLICKHOUSE_URL\b/);
    expect(configError({ CLICKHOUSE_DATABASE: 'tower; drop' }).message).toMatch(/\bCLICKHOUSE_DATABASE\b/);
  });

  it('reads the relay settings: off, a linger of 0, and no batch of 0', () => {
    expect(loadConfig({ RELAY: 'off', RELAY_LINGER_MS: '0', RELAY_BATCH_SIZE: '100' })).toMatchObject({ RELAY: 'off', RELAY_LINGER_MS: 0, RELAY_BATCH_SIZE: 100 });
    expect(configError({ RELAY_BATCH_SIZE: '0' }).message).toMatch(/\bRELAY_BATCH_SIZE\b/);
    expect(configError({ RELAY: 'maybe' }).message).toMatch(/\bRELAY\b/);
  });
});

describe('forecast and replenishment settings', () => {
  it('takes an hour or off for the nightly run, and refuses a service level that is not a probability above one half', () => {
    expect(loadConfig({ FORECAST_SCHEDULE_HOUR_UTC: 'off' }).FORECAST_SCHEDULE_HOUR_UTC).toBe('off');
    expect(loadConfig({ FORECAST_SCHEDULE_HOUR_UTC: '23', FORECAST_WORKERS: '3' })).toMatchObject({ FORECAST_SCHEDULE_HOUR_UTC: 23, FORECAST_WORKERS: 3 });
    expect(() => loadConfig({ FORECAST_SCHEDULE_HOUR_UTC: '24' })).toThrow(/FORECAST_SCHEDULE_HOUR_UTC/);
    expect(() => loadConfig({ REPLENISHMENT_SERVICE_LEVEL: '1' })).toThrow(/REPLENISHMENT_SERVICE_LEVEL/);
    expect(() => loadConfig({ REPLENISHMENT_SERVICE_LEVEL: '0.4' })).toThrow(/REPLENISHMENT_SERVICE_LEVEL/);
  });
});

describe('critical alert delivery settings', () => {
  it('is off by default, reads the email list, and wants a secret of 16+ characters with the webhook URL', () => {
    const defaults = loadConfig({});
    expect(defaults.ALERT_EMAIL_TO).toBeUndefined();
    expect(defaults.ALERT_WEBHOOK_URL).toBeUndefined();
    expect(defaults.ALERT_DELIVERY_MAX_ATTEMPTS).toBe(8);
    expect(loadConfig({ ALERT_EMAIL_TO: 'ops@example.com, oncall@example.com' }).ALERT_EMAIL_TO).toEqual(['ops@example.com', 'oncall@example.com']);
    expect(configError({ ALERT_EMAIL_TO: 'ops@example.com, nobody' }).message).toMatch(/ALERT_EMAIL_TO/);
    expect(configError({ ALERT_WEBHOOK_URL: 'https://hooks.example.com/tower' }).message).toMatch(/ALERT_WEBHOOK_SECRET is required with ALERT_WEBHOOK_URL/);
    expect(configError({ ALERT_WEBHOOK_URL: 'https://hooks.example.com/tower', ALERT_WEBHOOK_SECRET: 'short' }).message).toMatch(/ALERT_WEBHOOK_SECRET must be at least 16/);
    expect(configError({ ALERT_WEBHOOK_URL: 'ftp://hooks.example.com' }).message).toMatch(/ALERT_WEBHOOK_URL/);
    expect(loadConfig({ ALERT_WEBHOOK_URL: 'https://hooks.example.com/tower', ALERT_WEBHOOK_SECRET: 'a-secret-of-16-chars' })).toMatchObject({ ALERT_WEBHOOK_URL: 'https://hooks.example.com/tower' });
  });
});

import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, timestamptz, updatedAt } from './columns.ts';
import { locations } from './locations.ts';
import { channel } from './orders.ts';

export const roles = ['admin', 'manager', 'planner', 'staff', 'service', 'simulator'] as const;
export const role = pgEnum('user_role', roles);

/** People who sign in. `email` is stored lower-cased; the unique index makes it the login name. */
export const users = pgTable(
  'users',
  {
    id: id(),
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    roles: role('roles').array().notNull(),
    active: boolean('active').notNull().default(true),
    passwordChangedAt: timestamptz('password_changed_at').notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('users_email_lower', sql`${t.email} = lower(${t.email})`),
    check('users_has_a_role', sql`cardinality(${t.roles}) > 0`),
  ],
);

/** Staff limited to some locations have rows here; a user without rows may act on every location. */
export const userLocations = pgTable(
  'user_locations',
  {
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    locationId: uuid('location_id').notNull().references(() => locations.id),
  },
  (t) => [primaryKey({ columns: [t.userId, t.locationId] })],
);

/**
 * Signed-in browser sessions. The cookie carries a random secret; only its SHA-256 is stored,
 * so a leaked table lets nobody in. The CSRF token is returned to the page at login.
 */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamptz('expires_at').notNull(),
    revokedAt: timestamptz('revoked_at'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

/** Consecutive failed logins per email (known or not), for backoff that survives restarts. */
export const loginThrottle = pgTable('login_throttle', {
  email: text('email').primaryKey(),
  failures: integer('failures').notNull(),
  lastFailureAt: timestamptz('last_failure_at').notNull(),
  lockedUntil: timestamptz('locked_until'),
});

/**
 * Bearer tokens for integrations. Shown once at creation; stored as a SHA-256 (the secret is
 * 256 random bits, so a slow hash adds nothing). `channels`, when set, are the only sales
 * channels the token may create orders for.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: id(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    prefix: text('prefix').notNull(),
    roles: role('roles').array().notNull(),
    channels: channel('channels').array(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
    expiresAt: timestamptz('expires_at'),
    revokedAt: timestamptz('revoked_at'),
    lastUsedAt: timestamptz('last_used_at'),
  },
  (t) => [check('api_tokens_has_a_role', sql`cardinality(${t.roles}) > 0`)],
);

export const auditOutcomes = ['ok', 'denied', 'failed', 'error'] as const;
export const auditOutcome = pgEnum('audit_outcome', auditOutcomes);

/** Who did what to which target, when, and how it ended: one row per mutating request. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    occurredAt: timestamptz('occurred_at').notNull().defaultNow(),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id'),
    actorLabel: text('actor_label'),
    action: text('action').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    status: integer('status').notNull(),
    outcome: auditOutcome('outcome').notNull(),
    requestId: text('request_id'),
    ip: text('ip'),
    detail: jsonb('detail'),
  },
  (t) => [
    index('audit_log_occurred_idx').on(t.occurredAt, t.id),
    index('audit_log_actor_idx').on(t.actorId, t.occurredAt),
    index('audit_log_target_idx').on(t.targetId),
  ],
);

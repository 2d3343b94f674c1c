import { z } from '@hono/zod-openapi';
import { channels } from '#db/schema/orders.ts';
import { roles } from './permissions.ts';

const Email = z.string().trim().toLowerCase().pipe(z.email('must be an email address')).openapi({ example: 'ada@example.com' });
const Password = z.string().min(1, 'is required').max(1000, 'must be at most 1000 characters');
const Roles = z.array(z.enum(roles)).min(1, 'must name at least one role').openapi({ example: ['staff'] });

export const LoginInput = z.strictObject({ email: Email, password: Password }).openapi('LoginInput');

export const SignedInUser = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    roles: z.array(z.enum(roles)),
    locationIds: z.array(z.string()).nullable().openapi({ description: 'the only locations this user may act on; null: every location' }),
  })
  .openapi('SignedInUser');

export const SessionView = z
  .object({
    user: SignedInUser,
    csrfToken: z.string().openapi({ description: 'send it as the x-csrf-token header with every change made with this session' }),
    expiresAt: z.string(),
  })
  .openapi('Session');

export const PasswordChangeInput = z.strictObject({ currentPassword: Password, newPassword: Password }).openapi('PasswordChangeInput');
export const PasswordResetInput = z.strictObject({ password: Password }).openapi('PasswordResetInput');

export const User = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    roles: z.array(z.enum(roles)),
    locationIds: z.array(z.string()).nullable(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('User');

// An empty list would limit to nothing yet be stored as "no limit": refuse it (null lifts the limit).
const LocationIds = z.array(z.uuid('must be a location id')).min(1, 'must name at least one location; null for every location').max(1000).nullable().openapi({
  description: 'limit the user to these locations (staff); null or absent: every location',
});

export const NewUserInput = z
  .strictObject({
    email: Email,
    name: z.string().trim().min(1, 'must not be empty').max(200),
    password: Password,
    roles: Roles,
    locationIds: LocationIds.optional(),
  })
  .openapi('NewUser');

export const UserChangesInput = z
  .strictObject({
    name: z.string().trim().min(1, 'must not be empty').max(200).optional(),
    roles: Roles.optional(),
    locationIds: LocationIds.optional(),
    active: z.boolean().optional(),
  })
  .openapi('UserChanges');

export const ApiToken = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    roles: z.array(z.enum(roles)),
    channels: z.array(z.enum(channels)).nullable(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi('ApiToken');

export const CreatedApiToken = ApiToken.extend({
  token: z.string().openapi({ description: 'the secret: shown this once, stored only as a hash' }),
}).openapi('CreatedApiToken');

export const NewApiTokenInput = z
  .strictObject({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    roles: Roles,
    channels: z.array(z.enum(channels)).min(1, 'must name at least one channel; null for every channel').max(channels.length).nullable().optional().openapi({
      description: 'the only sales channels this token may create orders for; null or absent: any',
    }),
    expiresAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).nullable().optional(),
  })
  .openapi('NewApiToken');

export const IdParam = z.object({ id: z.uuid('must be an id') });

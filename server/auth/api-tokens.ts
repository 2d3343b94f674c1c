import { sql } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import { NotFoundError } from '#server/core/errors.ts';
import type { Role, SalesChannel } from './permissions.ts';
import { hashSecret, newSecret } from './secrets.ts';

export interface ApiToken {
  id: string;
  name: string;
  /** The first characters of the secret, to tell tokens apart; never enough to use one. */
  prefix: string;
  roles: Role[];
  channels: SalesChannel[] | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface NewApiToken {
  name: string;
  roles: Role[];
  channels?: SalesChannel[] | null | undefined;
  expiresAt?: Date | null | undefined;
}

const TOKEN_PREFIX = 'tower_';

type TokenRow = {
  id: string;
  name: string;
  prefix: string;
  roles: Role[];
  channels: SalesChannel[] | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
};

const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

function toToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    roles: row.roles,
    channels: row.channels,
    createdAt: iso(row.created_at)!,
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
    lastUsedAt: iso(row.last_used_at),
  };
}

const columns = sql`id, name, prefix, roles::text[] as roles, channels::text[] as channels, created_at, expires_at, revoked_at, last_used_at`;

/** Creates a token; the secret is in the result and nowhere else, ever. */
export async function createApiToken(db: Database, input: NewApiToken, createdBy: string | null): Promise<ApiToken & { token: string }> {
  const token = newSecret(TOKEN_PREFIX);
  const channels = input.channels && input.channels.length > 0 ? [...new Set(input.channels)] : null;
  const { rows } = await db.execute<TokenRow>(sql`
    insert into api_tokens (name, token_hash, prefix, roles, channels, created_by, expires_at)
    values (${input.name}, ${hashSecret(token)}, ${token.slice(0, TOKEN_PREFIX.length + 6)}, ${sql.param(input.roles)}::user_role[],
      ${channels ? sql`${sql.param(channels)}::sales_channel[]` : sql`null`}, ${createdBy}, ${input.expiresAt ?? null})
    returning ${columns}`);
  return { ...toToken(rows[0]!), token };
}

export async function listApiTokens(db: Database): Promise<ApiToken[]> {
  const { rows } = await db.execute<TokenRow>(sql`select ${columns} from api_tokens order by created_at desc, id`);
  return rows.map(toToken);
}

export async function revokeApiToken(db: Database, id: string, now: Date): Promise<ApiToken> {
  const { rows } = await db.execute<TokenRow>(sql`
    update api_tokens set revoked_at = coalesce(revoked_at, ${now}) where id = ${id} returning ${columns}`);
  if (!rows[0]) throw new NotFoundError(`API token ${id}`);
  return toToken(rows[0]);
}

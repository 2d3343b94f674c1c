/**
 * `npm run users -- <command>`: creates users, resets passwords and lists users, straight in
 * the database Tower uses (DATABASE_URL, or the embedded cluster in DATA_DIR; when a Tower
 * server runs that cluster, the CLI connects to it). Passwords are never arguments: they come
 * from the first line of stdin, or from a prompt without echo on a terminal.
 * Exit codes: 0 done, 1 failed, 2 usage error. One line on stdout says what was done.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { EMBEDDED_DATABASE, openDatabase, type DatabaseHandle } from '#db/client.ts';
import { runningEmbeddedPostgresUrl } from '#db/embedded-postgres.ts';
import { ConfigError, loadConfig } from '#server/config.ts';
import { DomainError } from '#server/core/errors.ts';
import { roles, type Role } from '#server/auth/permissions.ts';
import { createUser, findUserByEmail, listUsers, setPassword } from '#server/auth/users.ts';

const HELP = `Usage: npm run users -- <command> [options]

Commands:
  create --email E [--name N] --roles R[,R…] [--locations ID[,ID…]]
                           add a user; --name defaults to the part of the email before @,
                           --locations limits the user to those location ids
  reset-password --email E set a new password and end the user's sessions
  list                     every user: email, roles, whether active

Roles: ${roles.join(', ')}

The password is read from the first line of stdin when stdin is not a terminal
(e.g. \`printf '%s\\n' "$PW" | npm run users -- create …\`), else asked for twice.
It is never a command-line argument.

Uses the server's configuration: DATABASE_URL, or the embedded PostgreSQL in DATA_DIR
(the running server's, if one is running).
Exit codes: 0 done, 1 failed, 2 usage error.
`;

/** A mistake on the command line: one line on stderr, exit 2. */
class UsageError extends Error {}
/** Anything else that stops the command: one line on stderr, exit 1. */
class Failure extends Error {}
/** Ctrl-C at the password prompt. */
class Interrupted extends Error {}

const commandOptions = {
  create: {
    email: { type: 'string' },
    name: { type: 'string' },
    roles: { type: 'string' },
    locations: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  'reset-password': {
    email: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  list: {
    help: { type: 'boolean', short: 'h' },
  },
} as const;

type Command = keyof typeof commandOptions;
const commands = Object.keys(commandOptions) as Command[];
const isCommand = (value: string): value is Command => Object.hasOwn(commandOptions, value);

function parse(command: Command, args: string[]): Record<string, unknown> {
  try {
    return parseArgs({ args, options: commandOptions[command], strict: true, allowPositionals: false }).values;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    const quoted = /'([^']+)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const hint = quoted === '--password' ? ' (the password is read from stdin or asked for, never passed as an argument)' : '';
      throw new UsageError(`unknown option ${quoted ?? ''} for ${command}${hint}; see --help`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument "${quoted ?? ''}" for ${command}; see --help`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${quoted?.split(' ')[0] ?? 'an option'} needs a value; see --help`);
    throw new UsageError(`${message.split('. ')[0]}; see --help`);
  }
}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required; see --help`);
  return value.trim();
}

const emailSchema = z.email();

function email(values: Record<string, unknown>): string {
  const value = required(values, 'email').toLowerCase();
  if (!emailSchema.safeParse(value).success) throw new UsageError(`--email must be an email address, not "${value}"`);
  return value;
}

function list(value: string): string[] {
  return [...new Set(value.split(',').map((item) => item.trim()).filter(Boolean))];
}

function parseRoles(value: string): Role[] {
  const named = list(value);
  if (named.length === 0) throw new UsageError('--roles must name at least one role');
  const unknown = named.filter((r) => !(roles as readonly string[]).includes(r));
  if (unknown.length > 0) throw new UsageError(`--roles: unknown role ${unknown.map((r) => `"${r}"`).join(', ')} (roles: ${roles.join(', ')})`);
  return named as Role[];
}

const uuid = z.uuid();

function parseLocations(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  const ids = list(value);
  if (ids.length === 0) throw new UsageError('--locations must name at least one location id (leave it out for every location)');
  const bad = ids.filter((id) => !uuid.safeParse(id).success);
  if (bad.length > 0) throw new UsageError(`--locations: not a location id: ${bad.join(', ')}`);
  return ids;
}

/** The first line of stdin (pipes, files, here-strings). */
async function readPasswordFromStdin(): Promise<string> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
  } finally {
    lines.close();
  }
  throw new Failure('no password on stdin (send it as the first line)');
}

/** Asks on the terminal without echoing what is typed. Prompts go to stderr; stdout keeps the one result line. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (outcome: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      outcome();
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish(() => resolve(value));
        if (char === '\u0003') return finish(() => reject(new Interrupted()));
        if (char === '\u0004') {
          if (value === '') return finish(() => reject(new Failure('no password given')));
          continue;
        }
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (char === '\u0015') value = ''; // Ctrl-U: start over
        else if (char >= ' ') value += char;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readPasswordFromStdin();
  const first = await promptHidden('New password: ');
  const second = await promptHidden('Repeat it: ');
  if (first !== second) throw new Failure('the two passwords differ; nothing was changed');
  return first;
}

async function connect(): Promise<DatabaseHandle> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new Failure(error.message);
    throw error;
  }
  // A running Tower owns its embedded cluster; join it rather than start a second one.
  const databaseUrl = config.DATABASE_URL ?? runningEmbeddedPostgresUrl(config.DATA_DIR, EMBEDDED_DATABASE);
  return openDatabase({ databaseUrl, dataDir: config.DATA_DIR, embeddedPort: config.EMBEDDED_PG_PORT, poolSize: 2 });
}

/** Domain errors in the CLI's words: lower case, flags instead of API field names. */
function describe(error: DomainError): string {
  const flags: Record<string, string> = { locationIds: '--locations', email: '--email', name: '--name', roles: '--roles' };
  const fields = error.errors.filter((e) => flags[e.path]).map((e) => `${flags[e.path]} ${e.message}`);
  const text = fields.length > 0 && error.type === 'validation' ? fields.join('; ') : error.message;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

async function withDatabase<T>(work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await connect();
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

async function run(argv: string[]): Promise<string> {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('name a command: create, reset-password or list; see --help');
  if (command === '--help' || command === '-h' || command === 'help') return HELP.trimEnd();
  if (!isCommand(command)) {
    throw new UsageError(command.startsWith('-') ? `unknown option ${command}; name a command first, see --help` : `unknown command "${command}" (commands: ${commands.join(', ')}); see --help`);
  }
  const values = parse(command, rest);
  if (values.help) return HELP.trimEnd();

  switch (command) {
    case 'create': {
      const address = email(values);
      const userRoles = parseRoles(required(values, 'roles'));
      const locationIds = parseLocations(values.locations as string | undefined);
      if (typeof values.name === 'string' && values.name.trim() === '') throw new UsageError('--name must not be empty');
      const name = typeof values.name === 'string' ? values.name.trim() : address.split('@')[0]!;
      const password = await readPassword();
      const user = await withDatabase(({ db }) => createUser(db, { email: address, name, password, roles: userRoles, locationIds }));
      const where = user.locationIds ? `limited to ${user.locationIds.length} location(s)` : 'every location';
      return `created user ${user.email} (id ${user.id}, roles ${user.roles.join(',')}, ${where})`;
    }
    case 'reset-password': {
      const address = email(values);
      const password = await readPassword();
      const user = await withDatabase(async ({ db }) => {
        const found = await findUserByEmail(db, address);
        if (!found) throw new Failure(`no user with the email ${address}`);
        await setPassword(db, found.id, password, new Date());
        return found;
      });
      return `password reset for ${user.email}; their sessions were ended`;
    }
    case 'list': {
      const users = await withDatabase(({ db }) => listUsers(db));
      if (users.length === 0) return 'no users';
      const rows = [['EMAIL', 'ROLES', 'ACTIVE'], ...users.map((u) => [u.email, u.roles.join(','), u.active ? 'yes' : 'no'])];
      const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
      return rows.map((r) => `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}`).join('\n');
    }
  }
}

let exitCode = 0;
try {
  process.stdout.write(`${await run(process.argv.slice(2))}\n`);
} catch (error) {
  if (error instanceof UsageError) {
    exitCode = 2;
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof Interrupted) {
    exitCode = 130;
  } else {
    exitCode = 1;
    const message = error instanceof DomainError ? describe(error) : error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message.split('\n')[0]}\n`);
  }
}
process.exit(exitCode);

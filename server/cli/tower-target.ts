import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '#server/config.ts';
import { SIMULATOR_TOKEN_FILE } from '#server/demo/demo-setup.ts';

export function readOptional(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Which Tower a command-line client talks to, and with which token: `--url`, TOWER_URL, else
 * http://HOST:PORT of the configuration; `--token`, TOWER_TOKEN, else the token Tower wrote for
 * its demo in DATA_DIR/simulator-token (null when there is none).
 */
export function towerTarget(config: Pick<Config, 'HOST' | 'PORT' | 'DATA_DIR'>, options: { url?: string | undefined; token?: string | undefined }) {
  // The CLI is a client of Tower: its address and token are its own settings, not Tower's configuration.
  // eslint-disable-next-line no-restricted-properties
  const env = process.env;
  return {
    baseUrl: (options.url ?? env.TOWER_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/+$/, ''),
    token: options.token ?? env.TOWER_TOKEN ?? readOptional(path.join(config.DATA_DIR, SIMULATOR_TOKEN_FILE))?.trim() ?? null,
  };
}

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { defaultSourcingPolicy } from './default-policy.ts';
import { parseSourcingPolicy, type SourcingPolicy } from './sourcing-policy.ts';

/**
 * The operator's sourcing policy from a JSON file (the shape of default-policy.ts, validated),
 * or the defaults when no file is named. A file that cannot be read or is not a valid policy
 * throws an error whose message names the file and the first bad field, for one clear line
 * at start.
 */
export function loadSourcingPolicy(file: string | undefined): SourcingPolicy {
  if (file === undefined) return defaultSourcingPolicy;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`SOURCING_POLICY_FILE ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    return parseSourcingPolicy(raw);
  } catch (error) {
    const issue = error instanceof z.ZodError ? error.issues[0] : undefined;
    const where = issue ? `${issue.path.join('.') || '(root)'} ${issue.message}` : String(error);
    throw new Error(`SOURCING_POLICY_FILE ${file} is not a valid sourcing policy: ${where}`, { cause: error });
  }
}

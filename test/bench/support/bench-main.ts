import { PostgresUnreachableError } from './bench-database.ts';

export interface BenchMain {
  measure: () => Promise<unknown>;
  cleanUp: () => Promise<void>;
  progress: (message: string) => void;
  interrupted: () => boolean;
  /** The server's last output, shown when the bench fails. */
  serverOutput: () => string | undefined;
}

/**
 * The end of every bench: print its one JSON line (unless interrupted), or say why it failed
 * on stderr; always clean up; exit 0 or 1.
 */
export async function runBenchMain(bench: BenchMain): Promise<never> {
  let exitCode = 0;
  try {
    const result = await bench.measure();
    if (!bench.interrupted()) process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (error) {
    exitCode = 1;
    if (bench.interrupted()) bench.progress('interrupted');
    else if (error instanceof PostgresUnreachableError) bench.progress(error.message);
    else bench.progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    const output = bench.interrupted() ? undefined : bench.serverOutput();
    if (output !== undefined) bench.progress(`Tower output:\n${output.slice(-4_000)}`);
  } finally {
    await bench.cleanUp();
  }
  process.exit(exitCode);
}

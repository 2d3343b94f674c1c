import { PostgresUnreachableError } from './bench-database.ts';

export interface BenchMain {
  measure: () => Promise<unknown>;
  /** Stops the server, drops the database, removes files; run once, whatever happened. */
  cleanUp: () => Promise<void>;
  progress: (message: string) => void;
  /** The server's last output, shown when the bench fails. */
  serverOutput: () => string | undefined;
}

/**
 * Runs a bench: print its one JSON line, or say why it failed on stderr; always clean up
 * (also on Ctrl-C or SIGTERM, which then exit 130); exit 0 or 1.
 */
export async function runBenchMain(bench: BenchMain): Promise<never> {
  let cleaning: Promise<void> | undefined;
  const cleanUp = () => (cleaning ??= bench.cleanUp());
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      interrupted = true;
      bench.progress(`${signal}: cleaning up`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  let exitCode = 0;
  try {
    const result = await bench.measure();
    if (!interrupted) process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (error) {
    exitCode = 1;
    if (interrupted) bench.progress('interrupted');
    else if (error instanceof PostgresUnreachableError) bench.progress(error.message);
    else bench.progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    const output = interrupted ? undefined : bench.serverOutput();
    if (output !== undefined) bench.progress(`Tower output:\n${output.slice(-4_000)}`);
  } finally {
    await cleanUp();
  }
  process.exit(exitCode);
}

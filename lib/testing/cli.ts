#!/usr/bin/env node
/**
 * Runs a {@link DinteroEmulator} in its own process (for benchmarks and manual testing):
 * `npx dintero-emulator [--port N] [--latency MS] [--access-token-ttl S] [--user email:password]...`
 *
 * Prints one JSON line `{"baseUrl","accountId","clientId","clientSecret","audience"}` to stdout
 * once listening, then runs until SIGTERM or SIGINT and stops cleanly. Bad arguments exit 2.
 *
 * @module
 */
import { CLI_USAGE, parseCliArgs } from './cli-args.js';
import { DinteroEmulator } from './emulator.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${CLI_USAGE}\n`);
    return;
  }
  let emulator: DinteroEmulator;
  try {
    emulator = new DinteroEmulator(parseCliArgs(args));
  } catch (error) {
    process.stderr.write(`dintero-emulator: ${(error as Error).message}\n${CLI_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  // Handlers go in before start(), so a signal during start-up also stops cleanly.
  const shutdown = (): void => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  await emulator.start();
  const { baseUrl, accountId, clientId, clientSecret, audience } = emulator;
  process.stdout.write(`${JSON.stringify({ baseUrl, accountId, clientId, clientSecret, audience })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`dintero-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

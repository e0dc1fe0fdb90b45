import type { Debugger } from 'debug';

type Log = (format: string, ...args: unknown[]) => void;

/**
 * A tracing logger, enabled with `DEBUG=dslim:*`; never user output. The
 * `debug` package is loaded only when DEBUG is set, to keep start-up fast
 * for format-on-save.
 */
export function createDebug(namespace: string): Log {
  if (!process.env.DEBUG) return () => undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const logger: Debugger = require('debug')(namespace);
  return (format, ...args) => logger(format, ...args);
}

const debugErrors = createDebug('dslim:cli');

/**
 * The one line for an error dslim did not expect: a bug, not bad input.
 * Its stack goes to the debug log (`DEBUG=dslim:*`).
 */
export function internalError(error: unknown): string {
  debugErrors('%s', error instanceof Error ? error.stack : error);
  const message = error instanceof Error ? error.message : String(error);
  return `internal error: ${message} (please report it)`;
}

import createDebugLogger from 'debug';

/** A tracing logger, enabled with `DEBUG=dslim:*`; never user output. */
export function createDebug(namespace: string): createDebugLogger.Debugger {
  return createDebugLogger(namespace);
}

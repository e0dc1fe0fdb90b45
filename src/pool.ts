import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { InputError, type FixResult } from './engine';
import { fix, type FixOptions } from './index';

export interface FixJob {
  id: number;
  text: string;
  options: FixOptions;
}

export type FixReply =
  { id: number; result: FixResult } | { id: number; error: { message: string; input: boolean } };

/** Runs `fix` somewhere; `close` frees what it holds. */
export interface FixRunner {
  /** How many files to have in flight at once. */
  slots: number;
  fix(text: string, options: FixOptions): Promise<FixResult>;
  close(): Promise<void>;
}

/** Fewer files than this are done before a worker thread has started. */
const FILES_PER_WORKER = 40;

/**
 * Runs `fix` on worker threads, one per core, when there are enough files
 * for the threads' start-up to pay; else on this thread. Workers need the
 * compiled JavaScript, so from TypeScript sources (tests) this thread is used.
 */
export function createFixRunner(files: number): FixRunner {
  const workerFile = path.join(__dirname, 'fix-worker.js');
  const size = Math.min(
    Number(process.env.DSLIM_WORKERS ?? availableParallelism()),
    Math.floor(files / FILES_PER_WORKER),
  );
  if (size < 2 || !__filename.endsWith('.js'))
    return { slots: Number(process.env.DSLIM_SLOTS ?? 1), fix, close: async () => {} };

  const workers = Array.from({ length: size }, () => new Worker(workerFile));
  const waiting = new Map<number, { resolve(r: FixResult): void; reject(e: Error): void }>();
  const load = new Map<Worker, number>(workers.map((w) => [w, 0]));
  let nextId = 0;
  for (const worker of workers) {
    worker.on('message', (reply: FixReply) => {
      load.set(worker, load.get(worker)! - 1);
      const job = waiting.get(reply.id)!;
      waiting.delete(reply.id);
      if ('result' in reply) job.resolve(reply.result);
      else
        job.reject(
          reply.error.input ? new InputError(reply.error.message) : new Error(reply.error.message),
        );
    });
  }
  return {
    slots: size * 2,
    fix(text, options) {
      const worker = workers.reduce((a, b) => (load.get(b)! < load.get(a)! ? b : a));
      load.set(worker, load.get(worker)! + 1);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, text, options } satisfies FixJob);
      });
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** Maps `items` with at most `slots` calls of `fn` pending; results keep the items' order. */
export async function mapInSlots<T, R>(
  items: T[],
  slots: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(slots, items.length)) }, lane));
  return results;
}

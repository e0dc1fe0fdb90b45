import { parentPort } from 'node:worker_threads';
import { fix } from './index';
import type { FixJob, FixReply } from './pool';

/** Runs `fix` for the main thread, one job at a time. */
parentPort!.on('message', (job: FixJob) => {
  fix(job.text, job.options).then(
    (result) => parentPort!.postMessage({ id: job.id, result } satisfies FixReply),
    (error: Error) =>
      parentPort!.postMessage({
        id: job.id,
        error: { message: error.message, input: error.name === 'InputError' },
      } satisfies FixReply),
  );
});

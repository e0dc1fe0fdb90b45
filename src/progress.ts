import { SingleBar } from 'cli-progress';

/** Up to this many files a run is over before a bar would help. */
export const PROGRESS_THRESHOLD = 20;

export interface Progress {
  tick(): void;
  stop(): void;
}

/**
 * A progress bar on `terminal` (standard error when it is one), shown only
 * when there are enough files to wait for; otherwise it does nothing.
 */
export function startProgress(total: number, terminal: NodeJS.WriteStream | undefined): Progress {
  if (!terminal || total <= PROGRESS_THRESHOLD) return { tick() {}, stop() {} };
  const bar = new SingleBar({
    format: 'dslim [{bar}] {value}/{total} Dockerfiles',
    stream: terminal,
    clearOnComplete: true,
    hideCursor: true,
  });
  bar.start(total, 0);
  return { tick: () => bar.increment(), stop: () => bar.stop() };
}

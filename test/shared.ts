import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { DockerDocument } from '../src/document';

/** The shared data beside the checkout: `../shared`, or `$DSLIM_SHARED`. */
export const SHARED = process.env.DSLIM_SHARED ?? path.resolve(__dirname, '..', '..', 'shared');
export const CORPUS = path.join(SHARED, 'corpus', 'real');
export const CASES = path.join(SHARED, 'cases');

/**
 * Files in a shared folder. The data lives beside the project's own
 * checkout, not in the repository: a clone elsewhere skips these suites
 * with a warning, while CI (where it is always there) fails without it.
 */
export function sharedFiles(folder: string, keep: (name: string) => boolean): string[] | null {
  if (existsSync(folder)) return readdirSync(folder).filter(keep).sort();
  const why = `${folder} is missing: set DSLIM_SHARED to the shared data`;
  if (process.env.CI) throw new Error(why);
  console.warn(`skipped: ${why}`);
  return null;
}

/** `describe` when the shared data is there, `describe.skip` when it is not. */
export function describeShared(files: string[] | null): jest.Describe {
  return files ? describe : describe.skip;
}

/** The shell text of every shell-form RUN that dslim could read as shell. */
export function shellRuns(text: string): string[] {
  const doc = new DockerDocument(text);
  return doc.instructions
    .filter((i) => i.keyword === 'RUN' && !i.execForm && !i.opaque && i.body.text.trim() !== '')
    .map((i) => i.body.text);
}

/** True when `sh -n` accepts the script. */
export function shellAccepts(script: string): boolean {
  return spawnSync('sh', ['-n', '-c', script], { stdio: 'ignore' }).status === 0;
}

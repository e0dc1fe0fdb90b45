import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { DockerDocument } from '../src/document';

/** The shared data beside the checkout: `../shared`, or `$DSLIM_SHARED`. */
export const SHARED = process.env.DSLIM_SHARED ?? path.resolve(__dirname, '..', '..', 'shared');
export const CORPUS = path.join(SHARED, 'corpus', 'real');
export const CASES = path.join(SHARED, 'cases');

/** Files in a shared folder; an absent folder fails loudly rather than passing empty. */
export function sharedFiles(folder: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(folder))
    throw new Error(`${folder} is missing: set DSLIM_SHARED to the shared data`);
  return readdirSync(folder).filter(keep).sort();
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

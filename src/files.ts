import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { decodeDockerfile } from './validate';

/** Names that mark a file as a Dockerfile when searching a directory. */
export const DOCKERFILE_PATTERNS = [
  '**/Dockerfile',
  '**/Containerfile',
  '**/*.Dockerfile',
  '**/*.dockerfile',
  '**/Dockerfile.*',
  '**/Containerfile.*',
];
const IGNORED = ['**/node_modules/**', '**/.git/**', '**/*.dockerignore', '**/*.containerignore'];

/** A path the user named that could not be used, with the reason. */
export interface PathProblem {
  path: string;
  problem: string;
}

/**
 * Expands files and directories into Dockerfile paths, in the order given,
 * each directory's files sorted. Missing paths and directories without a
 * Dockerfile become problems, not exceptions.
 */
export async function findDockerfiles(
  inputs: string[],
): Promise<{ files: string[]; problems: PathProblem[] }> {
  const files: string[] = [];
  const problems: PathProblem[] = [];
  for (const input of inputs) {
    let stat;
    try {
      stat = await fs.stat(input);
    } catch (error) {
      problems.push({ path: input, problem: describeError(error as NodeJS.ErrnoException) });
      continue;
    }
    if (stat.isDirectory()) {
      const { glob }: typeof import('tinyglobby') = await import('tinyglobby');
      const found = await glob(DOCKERFILE_PATTERNS, {
        cwd: input,
        ignore: IGNORED,
        dot: true,
        followSymbolicLinks: false,
        onlyFiles: true,
      });
      if (found.length === 0)
        problems.push({ path: input, problem: 'no Dockerfile in this directory' });
      files.push(...found.sort().map((f) => path.join(input, f)));
    } else {
      files.push(input);
    }
  }
  return { files: [...new Set(files)], problems };
}

/** Reads a Dockerfile, or says in one phrase why it cannot be used. */
export async function readDockerfile(
  file: string,
): Promise<{ text: string } | { problem: string }> {
  let handle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    return { problem: describeError(error as NodeJS.ErrnoException) };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { problem: 'not a regular file' };
    return decodeDockerfile(await handle.readFile());
  } catch (error) {
    return { problem: describeError(error as NodeJS.ErrnoException) };
  } finally {
    await handle.close();
  }
}

/**
 * Replaces a file's content atomically: the new text goes to a temporary
 * file beside it with the same mode, which is then renamed over it, so a
 * crash never leaves half a Dockerfile.
 */
export async function writeAtomically(link: string, text: string): Promise<void> {
  // Through a symbolic link to the file it names: the link stays a link.
  const file = await fs.realpath(link);
  const stat = await fs.stat(file);
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.dslim-${process.pid}.tmp`,
  );
  try {
    await fs.writeFile(temporary, text, { mode: stat.mode & 0o7777 });
    await fs.chmod(temporary, stat.mode & 0o7777);
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

export function describeError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'EIO':
      return 'could not be read (input/output error)';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return error.message;
  }
}

/**
 * Creates a file that must not exist yet. The text goes to a temporary file
 * that is then hard-linked to the name, which fails if the name is taken:
 * an existing file is never overwritten and a crash never leaves half a file.
 */
export async function createAtomically(file: string, text: string): Promise<void> {
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.dslim-${process.pid}.tmp`,
  );
  try {
    await fs.writeFile(temporary, text, { flag: 'wx' });
    await fs.link(temporary, file);
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

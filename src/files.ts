import { constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { decodeDockerfile } from './validate';

/**
 * Names that mark a file as a Dockerfile when searching a directory.
 * `dockerfile` is there because `docker build DIR` falls back to it when
 * DIR has no `Dockerfile`.
 */
export const DOCKERFILE_NAMES = [
  'Dockerfile',
  'dockerfile',
  'Containerfile',
  '*.Dockerfile',
  '*.dockerfile',
  'Dockerfile.*',
  'Containerfile.*',
];
const NOT_DOCKERFILE_NAMES = ['*.dockerignore', '*.containerignore'];
const IGNORED_DIRECTORIES = ['**/node_modules/**', '**/.git/**'];

/**
 * Whether a file's own name (not a folder above it) marks it as a
 * Dockerfile. The glob that walks a directory also yields files inside a
 * folder named like `app.Dockerfile/`; this test keeps them out.
 */
export const isDockerfileName: (name: string) => boolean = picomatch(DOCKERFILE_NAMES, {
  dot: true,
  ignore: NOT_DOCKERFILE_NAMES,
});

/** A path the user named that could not be used, with the reason. */
export interface PathProblem {
  path: string;
  problem: string;
}

/** A Dockerfile to fix, and whether the user named it or a directory search found it. */
export interface FoundFile {
  path: string;
  named: boolean;
}

/**
 * Expands files and directories into Dockerfile paths, in the order given,
 * each directory's files sorted, each file once however it was spelled.
 * Missing paths and directories without a Dockerfile become problems, not
 * exceptions; a named path that is not a regular file is refused when read.
 */
export async function findDockerfiles(
  inputs: string[],
): Promise<{ files: FoundFile[]; problems: PathProblem[] }> {
  const files = new Map<string, FoundFile>();
  const problems: PathProblem[] = [];
  const add = (file: string, named: boolean) => {
    const key = path.resolve(file);
    const seen = files.get(key);
    if (seen) seen.named ||= named;
    else files.set(key, { path: file, named });
  };
  for (const input of inputs) {
    let stat;
    try {
      stat = await fs.stat(input);
    } catch (error) {
      problems.push({ path: input, problem: describeError(error as NodeJS.ErrnoException) });
      continue;
    }
    if (stat.isDirectory()) {
      const found = await searchDirectory(input);
      if (found.length === 0)
        problems.push({ path: input, problem: 'no Dockerfile in this directory' });
      for (const file of found) add(path.join(input, file), false);
    } else {
      // Reading it says if it is no regular file (see `openRegularFile`).
      add(input, true);
    }
  }
  return { files: [...files.values()], problems };
}

/**
 * The names a build of a directory reads without `-f`, in the order dslim
 * takes them: `docker build` reads `Dockerfile`, else `dockerfile`; buildah
 * and podman read `Containerfile` too.
 */
const BUILD_DEFAULT_NAMES = ['Dockerfile', 'dockerfile', 'Containerfile'];
/** How many of a directory's Dockerfiles an error lists before it counts the rest. */
const LISTED_CANDIDATES = 5;

/**
 * The one Dockerfile to build for a directory, found by the search `fix`
 * makes: the first of the names a build reads by default that the directory
 * itself holds, else the only Dockerfile under it. None, or several and no
 * default among them, is a problem that says which to name.
 */
export async function dockerfileToBuild(
  directory: string,
): Promise<{ path: string } | { problem: string }> {
  const found = await searchDirectory(directory);
  const chosen = BUILD_DEFAULT_NAMES.find((name) => found.includes(name)) ?? found[0];
  if (chosen === undefined) return { problem: 'no Dockerfile in this directory' };
  if (found.length > 1 && !BUILD_DEFAULT_NAMES.includes(chosen)) {
    const listed = found.slice(0, LISTED_CANDIDATES).join(', ');
    const more =
      found.length > LISTED_CANDIDATES ? ` and ${found.length - LISTED_CANDIDATES} more` : '';
    return {
      problem: `${found.length} Dockerfiles in this directory (${listed}${more}) and none named ${BUILD_DEFAULT_NAMES.join(', ')}; name the one to use`,
    };
  }
  return { path: path.join(directory, chosen) };
}

/** The Dockerfiles under a directory, relative to it and sorted. */
export async function searchDirectory(directory: string): Promise<string[]> {
  const { glob }: typeof import('tinyglobby') = await import('tinyglobby');
  const found = await glob(
    DOCKERFILE_NAMES.map((name) => `**/${name}`),
    {
      cwd: directory,
      ignore: IGNORED_DIRECTORIES,
      dot: true,
      followSymbolicLinks: false,
      onlyFiles: true,
    },
  );
  return found.filter((file) => isDockerfileName(path.posix.basename(file))).sort();
}

/**
 * Why a file could not be used: it could not be read (`unreadable`), or
 * its bytes are not a Dockerfile's text (`not-dockerfile`).
 */
export interface ReadProblem {
  problem: string;
  kind: 'unreadable' | 'not-dockerfile';
  /** The error code when opening failed (`ENOENT` for a file that is not there). */
  code?: string;
}

/** What dslim says of a path it reads that is a FIFO, a device, a socket or a directory. */
const NOT_REGULAR = 'not a regular file';

/**
 * Opens a file for reading, or says in one phrase why it cannot be read.
 * Every file dslim reads is opened here. Anything but a regular file is
 * refused before it is read: opening a FIFO for reading waits for a writer,
 * forever if none comes, and a device like `/dev/zero` never ends.
 */
export async function openRegularFile(file: string): Promise<fs.FileHandle | ReadProblem> {
  const notRegular: ReadProblem = { problem: NOT_REGULAR, kind: 'unreadable' };
  try {
    if (!(await fs.stat(file)).isFile()) return notRegular;
  } catch (error) {
    return unreadable(error);
  }
  let handle;
  try {
    // Non-blocking, in case a FIFO took the file's place since the check.
    handle = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (error) {
    return unreadable(error);
  }
  try {
    if ((await handle.stat()).isFile()) return handle;
  } catch (error) {
    await handle.close();
    return unreadable(error);
  }
  await handle.close();
  return notRegular;
}

function unreadable(error: unknown): ReadProblem {
  const { code } = error as NodeJS.ErrnoException;
  return { problem: describeError(error as NodeJS.ErrnoException), kind: 'unreadable', code };
}

/** A whole regular file's bytes (see `openRegularFile`), or why they cannot be read. */
export async function readRegularFile(file: string): Promise<Buffer | ReadProblem> {
  const handle = await openRegularFile(file);
  if ('problem' in handle) return handle;
  try {
    return await handle.readFile();
  } catch (error) {
    return unreadable(error);
  } finally {
    await handle.close();
  }
}

/** Reads a Dockerfile, or says in one phrase why it cannot be used. */
export async function readDockerfile(file: string): Promise<{ text: string } | ReadProblem> {
  const bytes = await readRegularFile(file);
  if ('problem' in bytes) return bytes;
  const decoded = decodeDockerfile(bytes);
  return 'problem' in decoded ? { ...decoded, kind: 'not-dockerfile' } : decoded;
}

/**
 * Replaces a file's content atomically: the new text goes to a temporary
 * file beside it with the same mode (and owner, where the process may set
 * it), which is then renamed over it, so a crash never leaves half a
 * Dockerfile. The rename gives the name a new inode: other hard links to
 * the old file keep the old text.
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
  } catch (error) {
    throw new WriteError(describeCreateError(error as NodeJS.ErrnoException, file));
  }
  try {
    await keepOwner(temporary, stat);
    // After chown, which clears the set-user-ID and set-group-ID bits.
    await fs.chmod(temporary, stat.mode & 0o7777);
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/** A write that failed for a reason worth more than the error code; the message says it. */
export class WriteError extends Error {}

/** Gives a new file the owner and group of the one it replaces, when the process may. */
async function keepOwner(file: string, original: { uid: number; gid: number }): Promise<void> {
  try {
    await fs.chown(file, original.uid, original.gid);
  } catch (error) {
    // Only root may give a file away, and only a member may give it a group.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

function describeCreateError(error: NodeJS.ErrnoException, file: string): string {
  const directory = displayPath(path.dirname(file));
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return `the directory ${directory} is not writable (the new text goes to a temporary file there, which cannot be created)`;
    case 'EROFS':
      return `the directory ${directory} is on a read-only file system`;
    default:
      return describeError(error);
  }
}

/** A path as messages print it: relative to the working directory when below it, else as given. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  if (relative === '') return '.';
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
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
    case 'EROFS':
      return 'read-only file system';
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

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { glob } from 'tinyglobby';
import { copyOperands, flagValue } from './copy-args';
import { DockerDocument, type InstructionInfo } from './document';
import type { Note } from './engine';
import { createAtomically, describeError } from './files';

/** Always worth keeping out of a build context. */
const ALWAYS_IGNORED = ['.git', 'node_modules'];
/** Build outputs and caches, listed only when the context has them. */
const BUILD_OUTPUTS = ['dist', 'build', 'target', 'out', '**/__pycache__', '*.log'];
const WHOLE_CONTEXT = new Set(['.', './', '/', '']);
const ADVICE = 'dockerignore';

export interface DockerignoreOptions {
  /** Create the starter file instead of only describing it. */
  write: boolean;
}

/**
 * Advice for a Dockerfile that copies its whole build context (taken to be
 * the Dockerfile's folder) while no ignore file is there: a note naming what
 * a starter `.dockerignore` would list, or saying that it was created.
 * `text` is the Dockerfile as read, which the note's line belongs to.
 */
export async function adviseDockerignore(
  dockerfile: string,
  text: string,
  options: DockerignoreOptions,
): Promise<Note[]> {
  const doc = new DockerDocument(text);
  const copy = wholeContextCopy(doc);
  if (!copy) return [];
  const context = path.dirname(dockerfile);
  const existing = [
    path.join(context, '.dockerignore'),
    path.join(context, `${path.basename(dockerfile)}.dockerignore`),
  ];
  for (const file of existing) {
    if (await exists(file)) return [];
  }

  const entries = await starterEntries(context, contextSources(doc));
  const keyword = `\`${copy.keyword} ${copyOperands(doc, copy)!.sources[0].value}\``;
  const note = (message: string): Note[] => [{ transform: ADVICE, line: copy.line + 1, message }];
  const sends = `${keyword} sends the whole build context, and there is no \`.dockerignore\` beside this Dockerfile`;
  if (entries.length === 0)
    return note(
      `${sends}; every usual entry is a source this Dockerfile copies, so none is suggested.`,
    );
  const listing = entries.map((e) => `\`${e}\``).join(', ');
  if (!options.write)
    return note(
      `${sends}, so files such as ${listing} may reach the image. \`dslim fix --write --write-dockerignore\` creates one that lists them.`,
    );
  const target = existing[0];
  const error = await createAtomically(target, entries.join('\n') + '\n').catch((e: Error) => e);
  if (error)
    return note(
      `${sends}; could not create \`${target}\`: ${describeError(error as NodeJS.ErrnoException)}.`,
    );
  return note(`${sends}; created \`${target}\` listing ${listing}.`);
}

/** The first COPY or ADD that copies the whole build context. */
export function wholeContextCopy(doc: DockerDocument): InstructionInfo | undefined {
  return doc.instructions.find(
    (i) =>
      isContextCopy(i) &&
      (copyOperands(doc, i)?.sources ?? []).some((s) => WHOLE_CONTEXT.has(s.value)),
  );
}

/** Every path a COPY or ADD takes from the build context, without `./` or `/` in front. */
export function contextSources(doc: DockerDocument): string[] {
  return doc.instructions
    .filter(isContextCopy)
    .flatMap((i) => copyOperands(doc, i)?.sources ?? [])
    .map((s) => s.value)
    .filter((v) => !WHOLE_CONTEXT.has(v) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(v))
    .map((v) => v.replace(/^(\.?\/)+/, '').replace(/\/+$/, ''));
}

/**
 * What a starter `.dockerignore` for `context` lists: the usual entries, the
 * build outputs present, and nothing that matches, contains or lies inside
 * a source the Dockerfile copies.
 */
export async function starterEntries(context: string, sources: string[]): Promise<string[]> {
  const present = await glob(BUILD_OUTPUTS, {
    cwd: context,
    dot: true,
    onlyFiles: false,
    ignore: ['**/node_modules/**', '**/.git/**'],
    expandDirectories: false,
  });
  const found = BUILD_OUTPUTS.filter((entry) =>
    present.some((p) => picomatch.isMatch(p.replace(/\/$/, ''), entry, { dot: true })),
  );
  return [...ALWAYS_IGNORED, ...found].filter((entry) => !sources.some((s) => clashes(entry, s)));
}

/** Whether ignoring `entry` could take away a file the source `source` copies. */
function clashes(entry: string, source: string): boolean {
  const literal = source.split('$')[0];
  if (literal !== source) return literal === '' || overlaps(entry, literal.replace(/\/[^/]*$/, ''));
  if (picomatch.isMatch(source, entry, { dot: true })) return true;
  if (picomatch.scan(source).isGlob && picomatch.isMatch(entry, source, { dot: true })) return true;
  return overlaps(entry, picomatch.scan(source).base || source);
}

/** One path is the other or lies inside it. */
function overlaps(entry: string, source: string): boolean {
  const plain = entry.replace(/^\*\*\//, '');
  return (
    source === plain ||
    source.startsWith(`${plain}/`) ||
    plain.startsWith(`${source}/`) ||
    (entry.startsWith('**/') && source.split('/').includes(plain))
  );
}

function isContextCopy(instruction: InstructionInfo): boolean {
  return (
    (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') &&
    !instruction.opaque &&
    flagValue(instruction, 'from') === null
  );
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

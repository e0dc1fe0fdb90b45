import { Command, CommanderError } from 'commander';
import * as path from 'node:path';
import { ConfigError, forSave } from './config';
import { internalError } from './debug';
import { touchedBytes, unifiedDiff } from './diff';
import { InputError, isSelected } from './engine';
import {
  describeError,
  findDockerfiles,
  readDockerfile,
  writeAtomically,
  WriteError,
  type FoundFile,
} from './files';
import {
  addFixOptionFlags,
  choiceOption,
  createOptionsResolver,
  type FixOptionFlags,
} from './fix-flags';
import type { Buildah } from './image/buildah';
import { registerImageCommands } from './image/commands';
import { listAdvisories, listTransforms, type FixOptions } from './index';
import { describeLayerChange } from './layers';
import { outcomeJson, sarifLog, type FileOutcome } from './report';
import { runFix } from './run-fix';
import { decodeDockerfile } from './validate';
import type { Advisory, Transform } from './types';
import packageJson from '../package.json';

/** Where the CLI reads and writes; tests pass their own. */
export interface Io {
  /** Standard output; bytes are written as they are. */
  out(text: string | Uint8Array): void;
  err(text: string): void;
  readStdin(): Promise<Buffer>;
  /** Standard output is a terminal (for colour). */
  isTTY: boolean;
  /** Standard error when it is a terminal, for the progress bar. */
  progressTerminal?: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** The builder `dslim verify` uses; buildah, found through `env`, when not given. */
  builder?: Buildah;
}

export const EXIT_OK = 0;
export const EXIT_CHANGES = 1;
export const EXIT_ERROR = 2;

interface FixFlags extends FixOptionFlags {
  write?: boolean;
  check?: boolean;
  stdin?: boolean;
  stdinFilepath?: string;
  format: 'text' | 'json' | 'sarif';
  color: boolean;
  writeDockerignore?: boolean;
}

/** Runs the command line and resolves to the exit code; never exits itself. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let code = EXIT_OK;
  const program = new Command('dslim')
    .description(
      'Rewrite Dockerfiles so their images get smaller, with the same files and behaviour.',
    )
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .version(packageJson.version)
    .showHelpAfterError();

  const fixCommand = program
    .command('fix')
    .description('show (or write) the rewrite of each Dockerfile as a unified diff')
    .argument('[paths...]', 'Dockerfiles or directories to search (default: the current one)')
    .option('--write', 'write changed files in place')
    .option('--check', 'exit 1 when any file would change')
    .option(
      '--stdin',
      'read one Dockerfile from standard input and print the whole result; a --format json or sarif report then goes to standard error',
    )
    .option('--stdin-filepath <path>', 'the path to name in messages with --stdin');
  addFixOptionFlags(fixCommand)
    .addOption(
      choiceOption('--format <format>', 'report format', 'format', [
        'text',
        'json',
        'sarif',
      ]).default('text'),
    )
    .option('--no-color', 'never colour the output')
    .option(
      '--write-dockerignore',
      'with --write, create a starter .dockerignore where a Dockerfile copies its whole context and none exists',
    )
    .action(async (paths: string[], flags: FixFlags) => {
      checkFixFlags(paths, flags);
      const optionsFor = createOptionsResolver(flags);
      code = flags.stdin
        ? await fixStdin(flags, optionsFor, io)
        : await fixFiles(paths.length > 0 ? paths : ['.'], flags, optionsFor, io);
    });

  program
    .command('list')
    .description(
      'list every transform with its id, safety class and rationale, then the advice (class `advice`: notes only, it changes nothing)',
    )
    .addOption(
      choiceOption('--format <format>', 'output format', 'format', ['text', 'json']).default(
        'text',
      ),
    )
    .action((flags: { format: string }) => {
      io.out(
        flags.format === 'json'
          ? JSON.stringify(listEntries().map(describeEntry), null, 2) + '\n'
          : listText(),
      );
    });

  registerImageCommands(program, io, (exit) => (code = exit));

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    if (error instanceof InputError) {
      io.err(`dslim: ${error.message}\n`);
      return EXIT_ERROR;
    }
    io.err(`dslim: ${internalError(error)}\n`);
    return EXIT_ERROR;
  }
  return code;
}

/** Refuses flags that contradict each other or do nothing where they are given. */
function checkFixFlags(paths: string[], flags: FixFlags): void {
  const refuse = (problem: string) => {
    throw new InputError(problem);
  };
  if (flags.stdin && paths.length > 0)
    refuse(
      `\`--stdin\` reads one Dockerfile from standard input; it takes no paths (got ${paths.join(' ')})`,
    );
  if (flags.stdin && flags.write)
    refuse('`--stdin` prints the result to standard output; it cannot be combined with `--write`');
  if (flags.stdinFilepath !== undefined && !flags.stdin)
    refuse('`--stdin-filepath` names the input of `--stdin`; it needs `--stdin`');
  if (flags.stdinFilepath === '') refuse('`--stdin-filepath` needs a path');
  if (flags.writeDockerignore && !flags.write)
    refuse('`--write-dockerignore` creates files, so it needs `--write`');
  // Advice looks at the folders around a file, which standard input has not:
  // a list of advice alone would run nothing, as an empty list would.
  if (flags.stdin && flags.only && flags.only.every(isAdvice))
    refuse(
      `\`--only ${flags.only.join(',')}\`: advice is not given with \`--stdin\`, so this list would leave nothing to run`,
    );
}

function isAdvice(id: string): boolean {
  return listAdvisories().some((a) => a.id === id);
}

/** The options for one Dockerfile, from its configuration file and the flags. */
type OptionsFor = (dockerfile: string) => Promise<FixOptions>;

async function fixStdin(flags: FixFlags, optionsFor: OptionsFor, io: Io): Promise<number> {
  const name = flags.stdinFilepath ?? '<stdin>';
  // The configuration search waits on the file system; it runs while the
  // input is read, and a failure counts only once the input is known good
  // (until it is awaited below, a handler keeps it from counting as unhandled).
  const resolving = optionsFor(flags.stdinFilepath ?? 'Dockerfile');
  resolving.catch(() => {});
  const bytes = await io.readStdin();
  // An editor replaces the buffer with what is printed: on any failure that is the input, byte for byte.
  const giveBack = (problem: string) => {
    io.out(bytes);
    io.err(`dslim: ${problem}\n`);
    return EXIT_ERROR;
  };
  const decoded = decodeDockerfile(bytes);
  if ('problem' in decoded) return giveBack(`${name}: ${decoded.problem}`);
  let result;
  try {
    const options = await resolving;
    // Format-on-save keeps to what a save may do, unless the command line asks for more.
    const allowed = flags.safety ? options : forSave(options);
    // Plain text output carries no notes, so the advice for classes that are off is not worked out.
    result = await runFix(decoded.text, { ...allowed, advice: flags.format !== 'text' });
  } catch (error) {
    if (error instanceof ConfigError) return giveBack(error.message);
    if (error instanceof InputError) return giveBack(`${name}: ${error.message}`);
    return giveBack(`${name}: ${internalError(error)}`);
  }
  io.out(result.output);
  const outcome = { path: name, result, before: decoded.text };
  if (flags.format === 'json') io.err(JSON.stringify(outcomeJson(outcome)) + '\n');
  if (flags.format === 'sarif') io.err(JSON.stringify(sarif([outcome])) + '\n');
  return flags.check && result.changed ? EXIT_CHANGES : EXIT_OK;
}

async function fixFiles(
  paths: string[],
  flags: FixFlags,
  optionsFor: OptionsFor,
  io: Io,
): Promise<number> {
  const { files, problems } = await findDockerfiles(paths);
  const progress = load<typeof import('./progress')>('./progress').startProgress(
    files.length,
    io.progressTerminal,
  );
  const outcomes: FileOutcome[] = problems.map((p) => ({ path: p.path, problem: p.problem }));
  // The ignore files this run creates, which the advice for later files does not count as found.
  const run: RunState = { createdIgnoreFiles: new Set() };
  // One file at a time: fixing is CPU work on this thread, and two worker
  // threads measured slower on a busy two-core machine (690 real Dockerfiles:
  // 16-26 s here, 26-34 s on workers), so they were left out.
  try {
    for (const file of files) {
      outcomes.push(await fixFile(file, flags, optionsFor, run));
      progress.tick();
    }
  } finally {
    progress.stop();
  }

  const color = flags.color && io.isTTY && !('NO_COLOR' in io.env);
  if (flags.format === 'json') {
    io.out(JSON.stringify({ files: outcomes.map(outcomeJson) }, null, 2) + '\n');
  } else if (flags.format === 'sarif') {
    io.out(JSON.stringify(sarif(outcomes), null, 2) + '\n');
  } else {
    printText(outcomes, flags, color, io);
  }
  for (const outcome of outcomes) {
    if (outcome.problem) io.err(`dslim: ${outcome.path}: ${outcome.problem}\n`);
    if (outcome.skipped)
      io.err(`dslim: ${outcome.path}: skipped, not a Dockerfile: ${outcome.skipped}\n`);
  }
  if (outcomes.some((o) => o.problem)) return EXIT_ERROR;
  return flags.check && outcomes.some((o) => o.result?.changed) ? EXIT_CHANGES : EXIT_OK;
}

/**
 * Fixes one file. An error nobody expected becomes this file's problem, so
 * the other files are still fixed; a bad configuration file still stops the run.
 */
async function fixFile(
  file: FoundFile,
  flags: FixFlags,
  optionsFor: OptionsFor,
  run: RunState,
): Promise<FileOutcome> {
  try {
    return await rewriteFile(file, flags, optionsFor, run);
  } catch (error) {
    if (error instanceof InputError) throw error;
    return { path: file.path, problem: internalError(error) };
  }
}

/** What the files of one `dslim fix` run share. */
interface RunState {
  /** Ignore files the advice created in this run (absolute paths). */
  createdIgnoreFiles: Set<string>;
}

async function rewriteFile(
  { path: file, named }: FoundFile,
  flags: FixFlags,
  optionsFor: OptionsFor,
  run: RunState,
): Promise<FileOutcome> {
  // A file a directory search found by its name alone is passed over when it is not a Dockerfile.
  const refuse = (problem: string): FileOutcome =>
    named ? { path: file, problem } : { path: file, skipped: problem };
  const read = await readDockerfile(file);
  if ('problem' in read)
    return read.kind === 'not-dockerfile'
      ? refuse(read.problem)
      : { path: file, problem: read.problem };
  const options = await optionsFor(file);
  const result = await runFix(read.text, options).catch((e: Error) => e);
  if (result instanceof InputError) return refuse(result.message);
  if (result instanceof Error) throw result;
  if (flags.write && result.changed) {
    try {
      await writeAtomically(file, result.output);
    } catch (error) {
      const reason =
        error instanceof WriteError ? error.message : describeError(error as NodeJS.ErrnoException);
      return { path: file, problem: `could not write: ${reason}` };
    }
  }
  if (isSelected('dockerignore', options)) {
    const write = !!flags.write && !!flags.writeDockerignore;
    const { adviseDockerignore } = load<typeof import('./dockerignore')>('./dockerignore');
    // Read from the input, where notes are located: a COPY the rewrite turned into
    // a bind mount still takes its source from the build context.
    const createdInRun = run.createdIgnoreFiles;
    result.notes.push(...(await adviseDockerignore(file, read.text, { write, createdInRun })));
  }
  return { path: file, result, before: read.text };
}

function printText(outcomes: FileOutcome[], flags: FixFlags, color: boolean, io: Io): void {
  const done = outcomes.filter(
    (o): o is Required<Omit<FileOutcome, 'problem' | 'skipped'>> => !!o.result,
  );
  if (!flags.write) {
    for (const { path, result, before } of done)
      io.out(colorDiff(unifiedDiff(patchPath(path), before, result.output), color));
  }
  for (const { path, result } of done) {
    for (const c of result.changes)
      io.out(`${path}:${c.line}:${c.column}  ${paint(c.transform, 'cyan', color)}  ${c.message}\n`);
    for (const n of result.notes)
      io.out(`${path}:${n.line}:1  ${paint(n.transform, 'cyan', color)}  note: ${n.message}\n`);
    // Only a change of layer counts is worth a line: saying that a file keeps
    // its layers (unchanged, or only its LABELs joined) would bury the changes.
    const layers = describeLayerChange(result.layers.before, result.layers.after);
    if (layers) io.out(`${path}: layers per stage: ${layers}\n`);
  }
  // A run where no file could be read says only what was wrong, one line each.
  if (done.length > 0) io.err(summary(done, flags.write ?? false));
}

/** One line: files scanned, changed, bytes of Dockerfile on changed lines, notes. */
function summary(
  done: Required<Omit<FileOutcome, 'problem' | 'skipped'>>[],
  write: boolean,
): string {
  const changed = done.filter((o) => o.result.changed);
  const bytes = changed.reduce((sum, o) => sum + touchedBytes(o.before, o.result.output), 0);
  const notes = done.reduce((sum, o) => sum + o.result.notes.length, 0);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return (
    `dslim: ${plural(done.length, 'file')} checked, ${changed.length} ${write ? 'changed' : 'would change'}` +
    `, ${plural(bytes, 'byte')} of Dockerfile touched, ${plural(notes, 'note')}\n`
  );
}

function sarif(outcomes: FileOutcome[]): object {
  return sarifLog(
    outcomes,
    listTransforms(),
    packageJson.version,
    (packageJson as { homepage?: string }).homepage,
  );
}

/**
 * What `dslim list` shows: each transform with its safety class, then each
 * advice, whose class column says `advice`: it only reports, and `--skip`
 * and the rest take its id as they take a transform's.
 */
function listEntries(): ListEntry[] {
  return [
    ...listTransforms().map((t) => ({ ...t, kind: 'transform' as const, class: t.safety })),
    ...listAdvisories().map((a) => ({ ...a, kind: 'advice' as const, class: 'advice' })),
  ];
}

/** A row of `dslim list`: `class` is a transform's safety class, or `advice`. */
type ListEntry =
  | (Transform & { kind: 'transform'; class: string })
  | (Advisory & { kind: 'advice'; class: string });

/** One row an entry, its columns as wide as the widest id and class; the rationale below. */
function listText(): string {
  const all = listEntries();
  const idWidth = Math.max(...all.map((t) => t.id.length));
  const classWidth = Math.max(...all.map((t) => t.class.length));
  const indent = ' '.repeat(idWidth + classWidth + 2);
  const rows = all.map((t) => {
    const options = t.kind === 'transform' ? optionsLine(t.options) : '';
    const more = options ? `${indent}${options}\n` : '';
    return `${t.id.padEnd(idWidth)} ${t.class.padEnd(classWidth)} ${t.title}\n${indent}${t.rationale}\n${more}`;
  });
  return rows.join('');
}

/**
 * A transform's options on one line, with their values and defaults, for
 * `dslim list`: what a configuration file's `transforms` key (or `--caches`,
 * `--strategy`) can set. `--format json` and docs/transforms describe them.
 */
function optionsLine(options: Transform['options']): string {
  const parts = Object.entries(options).map(([name, spec]) => {
    const values = spec.choices ? `${spec.choices.join('|')}, ` : '';
    return `${name} (${values}default ${String(spec.default)})`;
  });
  return parts.length > 0 ? `options: ${parts.join('; ')}` : '';
}

function describeEntry(t: ListEntry): object {
  return t.kind === 'transform'
    ? {
        id: t.id,
        kind: t.kind,
        title: t.title,
        safety: t.safety,
        rationale: t.rationale,
        options: t.options,
        limitations: t.limitations,
      }
    : {
        id: t.id,
        kind: t.kind,
        title: t.title,
        rationale: t.rationale,
        action: t.action,
        limitations: t.limitations,
      };
}

const STYLES = { bold: [1, 22], red: [31, 39], green: [32, 39], cyan: [36, 39] } as const;

function paint(text: string, style: keyof typeof STYLES, color: boolean): string {
  return color ? `\u001b[${STYLES[style][0]}m${text}\u001b[${STYLES[style][1]}m` : text;
}

function colorDiff(diff: string, color: boolean): string {
  if (!color) return diff;
  return diff.replace(/^([-+@].*)$/gm, (line) => {
    if (line.startsWith('+++') || line.startsWith('---')) return paint(line, 'bold', true);
    if (line.startsWith('@@')) return paint(line, 'cyan', true);
    return paint(line, line.startsWith('+') ? 'green' : 'red', true);
  });
}

/** The path a diff header names: relative to here when inside it, as `git diff` does. */
function patchPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative)
    ? path.resolve(file).slice(1)
    : relative;
}

/**
 * The process's own streams. A reader that goes away (`dslim fix | head`)
 * closes the pipe: what is left to print is dropped without a word, and the
 * run ends as it would have.
 */
export function processIo(
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Io {
  return {
    out: quietOnClose(stdout),
    err: quietOnClose(stderr),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    isTTY: !!process.stdout.isTTY,
    progressTerminal: process.stderr.isTTY ? process.stderr : undefined,
    env: process.env,
  };
}

function quietOnClose(stream: NodeJS.WritableStream): (text: string | Uint8Array) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    // Writes made before the pipe closed can fail after it with other codes.
    if (error.code !== 'EPIPE' && !closed) throw error;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}

/**
 * Requires a module on first use. Format-on-save starts a process per save,
 * so what only the file and image commands need is not loaded up front.
 */
function load<T>(id: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id) as T;
}

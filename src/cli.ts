import { Command, CommanderError, Option } from 'commander';
import * as path from 'node:path';
import { touchedBytes, unifiedDiff } from './diff';
import { InputError } from './engine';
import { describeError, findDockerfiles, readDockerfile, writeAtomically } from './files';
import { addFixOptionFlags, createOptionsResolver, type FixOptionFlags } from './fix-flags';
import type { Buildah } from './image/buildah';
import { registerImageCommands } from './image/commands';
import { fix, listTransforms, type FixOptions } from './index';
import { describeLayerChange } from './layers';
import { outcomeJson, sarifLog, type FileOutcome } from './report';
import { decodeDockerfile } from './validate';
import packageJson from '../package.json';

/** Where the CLI reads and writes; tests pass their own. */
export interface Io {
  out(text: string): void;
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
    .argument('[paths...]', 'Dockerfiles or directories to search', ['.'])
    .option('--write', 'write changed files in place')
    .option('--check', 'exit 1 when any file would change')
    .option('--stdin', 'read one Dockerfile from standard input and print the whole result')
    .option('--stdin-filepath <path>', 'the path to name in messages with --stdin');
  addFixOptionFlags(fixCommand)
    .addOption(
      new Option('--format <format>', 'report format')
        .choices(['text', 'json', 'sarif'])
        .default('text'),
    )
    .option('--no-color', 'never colour the output')
    .option(
      '--write-dockerignore',
      'with --write, create a starter .dockerignore where a Dockerfile copies its whole context and none exists',
    )
    .action(async (paths: string[], flags: FixFlags) => {
      const optionsFor = createOptionsResolver(flags);
      code = flags.stdin
        ? await fixStdin(flags, optionsFor, io)
        : await fixFiles(paths, flags, optionsFor, io);
    });

  program
    .command('list')
    .description('list every transform with its id, safety class and rationale')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'),
    )
    .action((flags: { format: string }) => {
      io.out(
        flags.format === 'json'
          ? JSON.stringify(listTransforms().map(describeTransform), null, 2) + '\n'
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
    throw error;
  }
  return code;
}

/** The options for one Dockerfile, from its configuration file and the flags. */
type OptionsFor = (dockerfile: string) => Promise<FixOptions>;

async function fixStdin(flags: FixFlags, optionsFor: OptionsFor, io: Io): Promise<number> {
  const name = flags.stdinFilepath ?? '<stdin>';
  // The configuration search waits on the file system; it runs while the
  // input is read, and a failure counts only once the input is known good.
  const resolving = optionsFor(flags.stdinFilepath ?? 'Dockerfile').then(
    (options) => () => options,
    (error: unknown) => () => {
      throw error;
    },
  );
  const bytes = await io.readStdin();
  const decoded = decodeDockerfile(bytes);
  if ('problem' in decoded) {
    io.out(bytes.toString('utf8'));
    io.err(`dslim: ${name}: ${decoded.problem}\n`);
    return EXIT_ERROR;
  }
  const options = (await resolving)();
  // Plain text output carries no notes, so the advice for classes that are off is not worked out.
  const advice = flags.format !== 'text';
  const result = await fix(decoded.text, { ...options, advice }).catch((e: Error) => e);
  if (result instanceof InputError) {
    io.out(decoded.text);
    io.err(`dslim: ${name}: ${result.message}\n`);
    return EXIT_ERROR;
  }
  if (result instanceof Error) throw result;
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
  // One file at a time: fixing is CPU work on this thread, and two worker
  // threads measured slower on a busy two-core machine (690 real Dockerfiles:
  // 16-26 s here, 26-34 s on workers), so they were left out.
  try {
    for (const file of files) {
      outcomes.push(await fixFile(file, flags, optionsFor));
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
  }
  if (outcomes.some((o) => o.problem)) return EXIT_ERROR;
  return flags.check && outcomes.some((o) => o.result?.changed) ? EXIT_CHANGES : EXIT_OK;
}

async function fixFile(
  file: string,
  flags: FixFlags,
  optionsFor: OptionsFor,
): Promise<FileOutcome> {
  const read = await readDockerfile(file);
  if ('problem' in read) return { path: file, problem: read.problem };
  const options = await optionsFor(file);
  const result = await fix(read.text, options).catch((e: Error) => e);
  if (result instanceof InputError) return { path: file, problem: result.message };
  if (result instanceof Error) throw result;
  if (flags.write && result.changed) {
    try {
      await writeAtomically(file, result.output);
    } catch (error) {
      const reason = describeError(error as NodeJS.ErrnoException);
      return { path: file, problem: `could not write: ${reason}` };
    }
  }
  const write = !!flags.write && !!flags.writeDockerignore;
  const { adviseDockerignore } = load<typeof import('./dockerignore')>('./dockerignore');
  result.notes.push(...(await adviseDockerignore(file, result.output, { write })));
  return { path: file, result, before: read.text };
}

function printText(outcomes: FileOutcome[], flags: FixFlags, color: boolean, io: Io): void {
  const done = outcomes.filter((o): o is Required<Omit<FileOutcome, 'problem'>> => !!o.result);
  if (!flags.write) {
    for (const { path, result, before } of done)
      io.out(colorDiff(unifiedDiff(patchPath(path), before, result.output), color));
  }
  for (const { path, result } of done) {
    for (const c of result.changes)
      io.out(
        `${path}:${c.range.start.line}:${c.range.start.column}  ${paint(c.transform, 'cyan', color)}  ${c.message}\n`,
      );
    for (const n of result.notes)
      io.out(`${path}:${n.line}:1  ${paint(n.transform, 'cyan', color)}  note: ${n.message}\n`);
    const { before, after } = result.layers;
    if (before.length + after.length > 0)
      io.out(`${path}: layers per stage: ${describeLayerChange(before, after)}\n`);
  }
  // A run where no file could be read says only what was wrong, one line each.
  if (done.length > 0) io.err(summary(done, flags.write ?? false));
}

/** One line: files scanned, changed, bytes of Dockerfile on changed lines, notes. */
function summary(done: Required<Omit<FileOutcome, 'problem'>>[], write: boolean): string {
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

function listText(): string {
  const rows = listTransforms().map(
    (t) => `${t.id.padEnd(22)} ${t.safety.padEnd(8)} ${t.title}\n${' '.repeat(32)}${t.rationale}\n`,
  );
  return rows.join('');
}

function describeTransform(t: ReturnType<typeof listTransforms>[number]): object {
  return {
    id: t.id,
    title: t.title,
    safety: t.safety,
    rationale: t.rationale,
    options: t.options,
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

function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
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

/**
 * Requires a module on first use. Format-on-save starts a process per save,
 * so what only the file and image commands need is not loaded up front.
 */
function load<T>(id: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id) as T;
}

import type { Command } from 'commander';
import { promises as fs } from 'node:fs';
import type { Io } from '../cli';
import { internalError } from '../debug';
import { InputError, type Change } from '../engine';
import { dockerfileToBuild } from '../files';
import {
  addFixOptionFlags,
  choiceOption,
  createOptionsResolver,
  type FixOptionFlags,
} from '../fix-flags';
import { createBuildah, INSTALL_BUILDAH, storageCommand, storageRoot } from './buildah';
import type { Comparison, FileDifference } from './compare';
import type { InspectReport } from './inspect';
import type { UncachedBuild, Variant, VerifyOutcome } from './verify';

const EXIT_SAME = 0;
const EXIT_DIFFERENT = 1;
const EXIT_ERROR = 2;
const INSTRUCTION_WIDTH = 70;
/** How the report names each of the two Dockerfiles. */
const VARIANT_NAMES: Record<Variant, string> = { original: 'original', rewritten: 'rewrite' };

interface FormatFlag {
  format: 'text' | 'json';
}

interface VerifyFlags extends FormatFlag, FixOptionFlags {
  context?: string;
  pull?: boolean;
}

/**
 * Adds `dslim verify` (build before and after, compare) and `dslim inspect`
 * (where an image's bytes go) to the CLI; `setCode` receives the exit code.
 */
export function registerImageCommands(
  program: Command,
  io: Io,
  setCode: (code: number) => void,
): void {
  const formatOption = () =>
    choiceOption('--format <format>', 'report format', 'format', ['text', 'json']).default('text');

  const verify = program
    .command('verify')
    .description('build the Dockerfile and its rewrite with buildah and compare the two images')
    .argument(
      '[path]',
      'the Dockerfile, or a directory: its `Dockerfile`, `dockerfile` or `Containerfile`, else the one Dockerfile `fix` finds in it',
      '.',
    )
    .option('--context <dir>', "build context (default: the Dockerfile's directory)")
    .option('--pull', 'let buildah pull an image its storage lacks (default: never pull)');
  // The rewrite verified is the one `dslim fix` would make with the same flags and files.
  addFixOptionFlags(verify)
    .addOption(formatOption())
    .action(async (target: string, flags: VerifyFlags) => {
      setCode(await verifyCommand(target, flags, io));
    });

  program
    .command('inspect')
    .description('show where the bytes of a saved image go: layers, wasted files, efficiency')
    .argument(
      '<image>',
      'a `docker save` archive or an OCI archive (each plain or gzip-compressed), or an OCI layout directory',
    )
    .addOption(formatOption())
    .action(async (image: string, flags: FormatFlag) => {
      // The readers load a tar library: required here, not at start-up.
      const { inspectImage } = require('./inspect') as typeof import('./inspect');
      const { readImage } = require('./read') as typeof import('./read');
      const report = inspectImage(await namingFile(image, readImage(image)));
      io.out(flags.format === 'json' ? json(report) : inspectText(image, report));
    });
}

async function verifyCommand(target: string, flags: VerifyFlags, io: Io): Promise<number> {
  const optionsFor = createOptionsResolver(flags);
  const dockerfile = await dockerfileFor(target);
  const fixOptions = await optionsFor(dockerfile);
  const progress = io.isTTY ? progressLine(io) : undefined;
  const { verifyDockerfile } = require('./verify') as typeof import('./verify');
  const verifying = verifyDockerfile({
    dockerfile,
    context: flags.context,
    buildah: io.builder ?? createBuildah(io.env),
    fixOptions,
    pull: flags.pull,
    onProgress: progress?.show,
  });
  const outcome = await namingFile(dockerfile, verifying).finally(() => progress?.clear());

  if (flags.format === 'json') io.out(json({ path: dockerfile, ...outcomeJson(outcome) }));
  switch (outcome.kind) {
    case 'unchanged':
      if (flags.format === 'text')
        io.out(`${dockerfile}: dslim does not change this Dockerfile; nothing to verify\n`);
      return EXIT_SAME;
    case 'missing-builder':
      io.err(`dslim: buildah is not installed; install it with: ${INSTALL_BUILDAH}\n`);
      return EXIT_ERROR;
    case 'build-failed':
      if (outcome.missingImage) {
        io.err(missingImageText(dockerfile, outcome.missingImage, !!flags.pull, io.env));
        return EXIT_ERROR;
      }
      io.err(
        `dslim: ${dockerfile}: the ${outcome.variant} Dockerfile failed to build; buildah's last lines:\n` +
          outcome.tail.map((line) => `  ${line}\n`).join(''),
      );
      return EXIT_ERROR;
    case 'compared':
      if (flags.format === 'text')
        io.out(comparisonText(dockerfile, outcome.changes, outcome.comparison, outcome.uncached));
      return outcome.comparison.same ? EXIT_SAME : EXIT_DIFFERENT;
  }
}

/**
 * The Dockerfile `verify` builds for a path: the path itself, or for a
 * directory the one a build of it reads, found as `fix` finds Dockerfiles.
 */
async function dockerfileFor(target: string): Promise<string> {
  const stat = await fs.stat(target).catch(() => null);
  if (!stat?.isDirectory()) return target;
  const found = await dockerfileToBuild(target);
  if ('problem' in found) throw new InputError(`${target}: ${found.problem}`);
  return found.path;
}

/**
 * The one line that says an image a build needs is not in verify's storage,
 * and how to put it there: verify builds in storage of its own and pulls
 * nothing unless `--pull` says so, so `docker pull` does not help.
 */
function missingImageText(
  dockerfile: string,
  image: string,
  pulled: boolean,
  env: NodeJS.ProcessEnv,
): string {
  const command = storageCommand(env);
  const why = pulled ? 'buildah could not pull it' : 'verify does not pull by default';
  const pull = pulled ? '' : ', or run verify with --pull';
  return (
    `dslim: ${dockerfile}: the image \`${image}\` is not in the buildah storage verify builds in ` +
    `(${storageRoot(env)}), and ${why}; add it with ` +
    `\`${command} pull ${image}\` (from a \`docker save\` archive, the same with ` +
    `\`pull docker-archive:FILE.tar\`)${pull}\n`
  );
}

/**
 * The result of work on one file; an error dslim did not expect comes out
 * as a one-line `InputError` that names the file, as every other error of
 * `verify` and `inspect` does (those name it where they are thrown).
 */
async function namingFile<T>(file: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${file}: ${internalError(error)}`);
  }
}

function outcomeJson(outcome: VerifyOutcome): object {
  switch (outcome.kind) {
    case 'compared':
      return {
        result: outcome.comparison.same ? 'same' : 'different',
        changes: outcome.changes,
        uncached: outcome.uncached,
        ...outcome.comparison,
      };
    case 'build-failed':
      return {
        result: 'build-failed',
        variant: outcome.variant,
        tail: outcome.tail,
        missingImage: outcome.missingImage,
        uncached: outcome.uncached,
      };
    case 'missing-builder':
      return { result: 'missing-builder', install: INSTALL_BUILDAH };
    case 'unchanged':
      return { result: 'unchanged' };
  }
}

/** The comparison as the text report of `dslim verify`. */
export function comparisonText(
  dockerfile: string,
  changes: Change[],
  c: Comparison,
  uncached: UncachedBuild[] = [],
): string {
  const share = c.original.bytes > 0 ? ` (${percent(c.bytesSaved / c.original.bytes)})` : '';
  const transforms = [...new Set(changes.map((change) => change.transform))].join(', ');
  const lines = [
    `${dockerfile}: built the original and the rewrite (${count(changes.length, 'change')}: ${transforms})`,
    ...uncached.map(
      (u) => `  built the ${VARIANT_NAMES[u.variant]} without the layer cache: ${u.reason}`,
    ),
    `  original   ${count(c.original.layers, 'layer')}, ${bytes(c.original.bytes)}`,
    `  rewritten  ${count(c.rewritten.layers, 'layer')}, ${bytes(c.rewritten.bytes)}`,
    `  saved      ${bytes(c.bytesSaved)}${share}`,
  ];
  lines.push(c.files.length === 0 ? 'files: same' : 'files differ:');
  for (const d of c.files) lines.push(`  ${fileDifferenceText(d)}`);
  lines.push(c.config.length === 0 ? 'config: same' : 'config differs:');
  for (const d of c.config)
    lines.push(`  ${d.field}: ${JSON.stringify(d.original)} → ${JSON.stringify(d.rewritten)}`);
  if (c.builderDirectories.length > 0) {
    lines.push(
      'empty directories the builder made for a step, only one image has (not counted as a difference):',
    );
    for (const d of c.builderDirectories) lines.push(`  ${fileDifferenceText(d)}`);
  }
  lines.push(c.same ? 'verified: same files and config' : 'NOT verified: the images differ');
  return lines.join('\n') + '\n';
}

function fileDifferenceText(d: FileDifference): string {
  if (d.kind !== 'changed') return `${d.path}: only in the ${d.kind} image`;
  const fields = (d.fields ?? []).map(
    (f) => `${f.field} ${fieldValue(f.field, f.original)} → ${fieldValue(f.field, f.rewritten)}`,
  );
  return `${d.path}: ${fields.join(', ')}`;
}

function fieldValue(field: string, value: unknown): string {
  if (value === undefined) return '(none)';
  if (field === 'mode' && typeof value === 'number') return '0' + value.toString(8);
  if (field === 'sha256' && typeof value === 'string') return value.slice(0, 12);
  return String(value);
}

function inspectText(image: string, r: InspectReport): string {
  const lines = [
    `${image}: ${count(r.layers.length, 'layer')}, ${bytes(r.totalBytes)}; ` +
      `efficiency ${percent(r.efficiency)} (${bytes(r.wastedBytes)} deleted or overwritten by a later layer)`,
    'layers:',
  ];
  const width = Math.max(...r.layers.map((l) => bytes(l.bytes).length), 0);
  for (const layer of r.layers)
    lines.push(
      `  ${bytes(layer.bytes).padStart(width)}  ${shorten(layer.instruction || '(no history)')}`,
    );
  if (r.offenders.length > 0) lines.push('biggest offenders:');
  for (const o of r.offenders) {
    const files = o.count > 1 ? `${o.path} and ${count(o.count - 1, 'more file')}` : o.path;
    const fix = o.transform
      ? `avoided by the dslim transform \`${o.transform}\``
      : 'no dslim transform avoids this';
    lines.push(
      `  ${bytes(o.bytes)}  ${files}`,
      `      written by \`${shorten(o.writtenBy)}\``,
      `      ${o.how} by \`${shorten(o.removedBy)}\``,
      `      ${fix}`,
    );
  }
  if (r.keptCaches.length > 0) lines.push('package caches kept in the final filesystem:');
  for (const c of r.keptCaches)
    lines.push(
      `  ${bytes(c.bytes)}  ${c.what}, ${count(c.files, 'file')}; removed by \`${c.transform}\``,
    );
  return lines.join('\n') + '\n';
}

/** One line on the terminal that shows which image is building and which step it is at. */
function progressLine(io: Io): {
  show: (variant: Variant, step: string) => void;
  clear: () => void;
} {
  let shown = false;
  return {
    show(variant, step) {
      const width = (process.stderr.columns || 80) - 1;
      io.err(`\r\x1b[K${`building ${variant}: ${step}`.slice(0, width)}`);
      shown = true;
    },
    clear() {
      if (shown) io.err('\r\x1b[K');
    },
  };
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > INSTRUCTION_WIDTH ? line.slice(0, INSTRUCTION_WIDTH - 3) + '...' : line;
}

function bytes(n: number): string {
  return `${n.toLocaleString('en-US')} bytes`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

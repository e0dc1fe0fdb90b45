import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { glob } from 'tinyglobby';
import { copyOperands, flagValue } from './copy-args';
import { dockerignoreAdvice as ADVICE } from './advisories';
import { DockerDocument, type InstructionInfo } from './document';
import { format, type Note } from './engine';
import { createAtomically, describeError, displayPath, searchDirectory } from './files';
import { InlineControl } from './inline-control';
import { instructionCommands, programName, runScripts } from './package-runs';
import { loadShellParser } from './shell';
import { isWithin, resolvePath } from './paths';
import { firstOperand, type ShellCommand } from './shell-commands';
import { directoryAt, stageLineage } from './stage-paths';
import { startCommand } from './start-command';

/** Always worth keeping out of a build context. */
const ALWAYS_IGNORED = ['.git', 'node_modules'];
/** Build outputs and caches, listed only when the context has them. */
const BUILD_OUTPUTS = ['dist', 'build', 'target', 'out', '**/__pycache__', '*.log'];
const WHOLE_CONTEXT = new Set(['.', './', '/', '']);
/** The ignore files a builder reads at the root of a build context: Docker's, and Podman's and buildah's. */
const CONTEXT_IGNORE_FILES = ['.dockerignore', '.containerignore'];
/** What BuildKit and buildah read beside a Dockerfile, after its name, before the context's own. */
const SPECIFIC_SUFFIXES = ['.dockerignore', '.containerignore'];

export interface DockerignoreOptions {
  /** Create the starter file instead of only describing it. */
  write: boolean;
  /**
   * The ignore files dslim created earlier in this run (absolute paths),
   * shared by the calls of one run: the search sees the folders as they were
   * before the run, so the advice does not depend on the order of the files,
   * and a file created here is added.
   */
  createdInRun?: Set<string>;
}

/**
 * Where dslim looked for an ignore file a build of a Dockerfile may read,
 * and the one it found. The build context is not known: it may be the
 * Dockerfile's folder or any folder above it (`docker build -f
 * docker/Dockerfile .`), so every folder up to the repository root counts.
 */
interface IgnoreSearch {
  /** The Dockerfile's folder, as the path given names it. */
  folder: string;
  /** The folder holding `.git` at or above the Dockerfile's, or null when there is none up to `/`. */
  repository: string | null;
  /** The first ignore file found, or null. */
  found: string | null;
}

/**
 * Advice for a Dockerfile that copies its whole build context while dslim
 * finds no ignore file the build could read (see `findIgnoreFile`): a note
 * naming what a starter file would list, or saying that it was created
 * (see `starterTarget` for where). A `# dslim-ignore dockerignore` comment
 * above the copy, or a region that disables it, silences it. `text` is the
 * Dockerfile as read, which the note's line belongs to.
 */
export async function adviseDockerignore(
  dockerfile: string,
  text: string,
  options: DockerignoreOptions,
): Promise<Note[]> {
  const doc = new DockerDocument(text);
  const control = new InlineControl(doc);
  const copy = wholeContextCopies(doc).find((c) => !control.forbiddingAt(ADVICE.id, c));
  if (!copy) return [];
  const created = options.createdInRun ?? new Set<string>();
  const search = await findIgnoreFile(dockerfile, created);
  if (search.found) return [];

  await loadShellParser();
  const nodeContext = await mayHoldNodeModules(doc, search.folder);
  const candidates = (await starterEntries(search.folder, contextSources(doc))).filter(
    (entry) => entry !== 'node_modules' || nodeContext,
  );
  const kept = candidates.map((entry) => ({ entry, reason: keepReason(doc, entry) }));
  const entries = kept.filter((k) => k.reason === null).map((k) => k.entry);
  const reasons = kept.flatMap((k) => (k.reason ? [`\`${k.entry}\` is kept: ${k.reason}`] : []));
  const target = await starterTarget(dockerfile, search);
  const data = {
    copy: `\`${copy.keyword} ${copyOperands(doc, copy)!.sources[0].value}\``,
    looked: lookedFor(dockerfile, search),
    entries: entries.map((e) => `\`${e}\``).join(', '),
    target: `\`${displayPath(target)}\``,
    kept: reasons.length ? ` ${reasons.join('; ')}.` : '',
  };
  const note = (id: string, more: Record<string, string> = {}): Note[] => [
    {
      transform: ADVICE.id,
      line: copy.line + 1,
      message: format(ADVICE.messages[id], { ...data, ...more }),
    },
  ];
  if (entries.length === 0) return note('nothingToList');
  if (!options.write) return note('suggested');
  const error = await createAtomically(target, entries.join('\n') + '\n').catch((e: Error) => e);
  if (error) return note('notCreated', { error: describeError(error as NodeJS.ErrnoException) });
  created.add(path.resolve(target));
  const readBy =
    path.basename(target) === '.dockerignore'
      ? ''
      : ', which BuildKit and buildah read for this Dockerfile whatever the build context is, in place of any `.dockerignore` there';
  return note('created', { readBy });
}

/**
 * Looks for an ignore file a build of `dockerfile` may read, in the order
 * builders prefer them: `<name>.dockerignore` (or `.containerignore`)
 * beside it, which BuildKit and buildah read whatever the context, then
 * `.dockerignore` or `.containerignore` in its folder and each folder above
 * it, any of which may be the context, up to the folder holding `.git` (a
 * build context rarely reaches out of its repository) or to `/`. A file
 * in `created` (dslim made it in this run) does not count.
 */
async function findIgnoreFile(dockerfile: string, created: Set<string>): Promise<IgnoreSearch> {
  const exists = async (file: string) => !created.has(path.resolve(file)) && (await isThere(file));
  const folder = path.dirname(dockerfile);
  const result = (found: string | null, repository: string | null) => ({
    folder,
    repository,
    found,
  });
  for (const suffix of SPECIFIC_SUFFIXES) {
    if (await exists(`${dockerfile}${suffix}`)) return result(`${dockerfile}${suffix}`, null);
  }
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    for (const name of CONTEXT_IGNORE_FILES) {
      if (await exists(path.join(dir, name))) return result(path.join(dir, name), null);
    }
    if (await exists(path.join(dir, '.git'))) return result(null, dir);
    if (path.dirname(dir) === dir) return result(null, null);
  }
}

/**
 * Where `--write-dockerignore` creates the starter file: `.dockerignore`
 * beside a Dockerfile at the root of its repository, the build context such
 * a Dockerfile is built in and a file every builder reads, when it is the
 * only Dockerfile there; anywhere else, `<name>.dockerignore` beside it,
 * which BuildKit and buildah read for that Dockerfile whatever folder the
 * context is, where a `.dockerignore` beside it would go unread when the
 * context is a folder above. A `.dockerignore` is shared by every Dockerfile
 * built in that folder (`docker build -f release.Dockerfile .`), and what
 * this one may leave out another may need (`git describe`), so with another
 * Dockerfile in the folder or below it (found as `dslim fix DIR` finds them)
 * the file is this Dockerfile's own.
 */
async function starterTarget(dockerfile: string, search: IgnoreSearch): Promise<string> {
  const atRoot = search.repository === path.resolve(search.folder);
  const own = `${dockerfile}${SPECIFIC_SUFFIXES[0]}`;
  if (!atRoot) return own;
  const others = (await searchDirectory(search.folder)).filter(
    (file) => path.resolve(search.folder, file) !== path.resolve(dockerfile),
  );
  return others.length > 0 ? own : path.join(search.folder, '.dockerignore');
}

/** Where `findIgnoreFile` looked, for the note, when it found nothing. */
function lookedFor(dockerfile: string, { folder, repository }: IgnoreSearch): string {
  const specific = `\`${path.basename(dockerfile)}.dockerignore\``;
  const beside = `there is no ${specific} beside this Dockerfile`;
  const context = '`.dockerignore` or `.containerignore`';
  if (repository === path.resolve(folder))
    return `${beside}, nor a ${context} in its folder, the root of its repository`;
  if (repository === null)
    return `${beside}, nor a ${context} in its folder or any folder above it (it is in no repository)`;
  return `${beside}, nor a ${context} in its folder or a folder above it up to the repository root \`${displayPath(repository)}\``;
}

/** Programs that install a Node project's packages, with the subcommands that do. */
const NODE_INSTALLS: Record<string, (string | undefined)[]> = {
  npm: ['ci', 'install', 'i'],
  yarn: [undefined, 'install'],
  pnpm: ['install', 'i'],
  bun: ['install', 'i'],
};
/**
 * Builds that may read version-control metadata from `.git` (Go stamps VCS
 * information; setuptools-scm, hatch-vcs and the like version from it), by
 * program and subcommand; an empty list means every subcommand.
 */
const VCS_BUILDS: Record<string, string[]> = {
  go: ['build', 'install', 'generate'],
  build: [],
  'pyproject-build': [],
  cargo: ['build', 'install', 'package', 'run', 'test'],
  setuptools_scm: [],
  poetry: ['build', 'install'],
  hatch: [],
  pdm: ['build', 'install', 'sync'],
  flit: ['build', 'install'],
  maturin: ['build', 'develop'],
  uv: ['build', 'sync'],
};
const PIP = /^pip[0-9.]*$/;
const PYTHON = /^python[0-9.]*$/;

/**
 * Why a starter entry must stay out of the ignore file, or null. Only what
 * runs once the context is copied counts: every RUN, CMD and ENTRYPOINT from
 * the first whole-context COPY on, in any stage (an `ONBUILD` one anywhere),
 * and the command each stage from the COPY's on starts a container with
 * (see `startCommand`: `ENTRYPOINT ["python"]` with `CMD ["setup.py",
 * "build"]`). That takes in the COPY's stage, the stages built from it and
 * those that copy from it, and more: when unsure, the entry stays.
 */
function keepReason(doc: DockerDocument, entry: string): string | null {
  const first = wholeContextCopy(doc)!;
  const trees = copiedTrees(doc);
  const users = doc.instructions.flatMap((i) => {
    const used = doc.trigger(i) ?? (i.index >= first.index ? i : null);
    if (!used || !['RUN', 'CMD', 'ENTRYPOINT'].includes(used.keyword)) return [];
    const how = used === i ? i.keyword : `ONBUILD ${used.keyword}`;
    return [
      { at: `the \`${how}\` at line ${i.line + 1}`, commands: instructionCommands(doc, used) },
    ];
  });
  for (const stage of doc.stages.filter((s) => s.index >= first.stage!.index)) {
    const { entrypoint, cmd, commands } = startCommand(doc, stage);
    if (!entrypoint?.execForm || !cmd) continue;
    const at = `the \`ENTRYPOINT\` at line ${entrypoint.line + 1} with the \`CMD\` at line ${cmd.line + 1}`;
    users.push({ at, commands });
  }
  for (const { at, commands } of users) {
    for (const command of commands) {
      const named = wordsOf(command).find((word) => namesEntry(word, entry));
      if (named !== undefined) return `${at} names \`${named}\``;
      if (entry === '.git' && programName(command) === 'git') return `${at} runs \`git\``;
      const build = entry === '.git' ? vcsBuild(command, trees) : null;
      if (build) return `${at} runs \`${build}\`, which may read version-control metadata`;
    }
  }
  return entry === 'node_modules' ? uninstalledNodeModules(doc) : null;
}

/**
 * Why the copied `node_modules` may be what the image runs: a stage that
 * copies the whole context has no RUN, in it or a stage it is built on,
 * that installs packages.
 */
function uninstalledNodeModules(doc: DockerDocument): string | null {
  for (const copy of doc.instructions.filter((i) => i.stage && isWholeContextCopy(doc, i))) {
    const runs = stageLineage(doc, copy.stage!).flatMap((stage) => runScripts(doc, stage));
    if (runs.some((run) => run.commands.some(installsNodePackages))) continue;
    const keyword = `\`${copy.keyword} ${copyOperands(doc, copy)!.sources[0].value}\``;
    return `no \`RUN\` of the stage of the ${keyword} at line ${copy.line + 1} installs packages (\`npm ci\`, \`npm install\`, \`yarn install\`, \`pnpm install\`), so it may use the copied ones`;
  }
  return null;
}

/** Programs whose use shows that a project may be a Node one, with a `node_modules`. */
const NODE_TOOLS = new Set(['node', 'nodejs', 'npm', 'npx', 'yarn', 'pnpm', 'bun', 'corepack']);

/**
 * Whether the build context may hold a `node_modules` worth a word: a RUN,
 * CMD or ENTRYPOINT runs a Node tool, a stage starts from a `node` or `bun`
 * image, or the Dockerfile's folder has one. In a plain Python image none
 * of these holds, and a note that no `RUN` installs Node packages would be
 * noise: the entry is then neither listed nor named.
 */
async function mayHoldNodeModules(doc: DockerDocument, folder: string): Promise<boolean> {
  if (doc.stages.some((stage) => /(^|\/)(node|bun)([:@]|$)/i.test(stage.image))) return true;
  const runners = doc.instructions.map((i) => doc.trigger(i) ?? i);
  const commands = runners
    .filter((i) => ['RUN', 'CMD', 'ENTRYPOINT'].includes(i.keyword))
    .flatMap((i) => instructionCommands(doc, i));
  if (commands.some((command) => NODE_TOOLS.has(programName(command)))) return true;
  return fs.access(path.join(folder, 'node_modules')).then(
    () => true,
    () => false,
  );
}

function installsNodePackages(command: ShellCommand): boolean {
  const subcommands = NODE_INSTALLS[programName(command)];
  return !!subcommands?.includes(firstOperand(command.args)?.text);
}

/**
 * Where the whole build context lands in the image: the absolute
 * destination of each whole-context COPY or ADD (relative ones resolved
 * against the WORKDIR in effect), so a build of that tree by its path
 * (`pip install /app`) counts as a build of the copied tree.
 */
function copiedTrees(doc: DockerDocument): string[] {
  return doc.instructions.flatMap((i) => {
    if (!i.stage || !isWholeContextCopy(doc, i)) return [];
    const tree = resolvePath(copyOperands(doc, i)!.destination.value, directoryAt(doc, i));
    return tree === null ? [] : [tree];
  });
}

/**
 * The path of the copied tree an argument names, as shown in a note, or
 * null: a relative path (`.`, `./sub`, shown as `.`), or an absolute one at
 * or inside a tree the context was copied to (`/app`, `-e /app`,
 * `--manifest-path=/src/Cargo.toml`, `/app[dev]`). An option's value given
 * as the next word is an argument of its own, so it is seen as well.
 */
function treeArgument(arg: string, trees: string[]): string | null {
  const value = arg.replace(/^--?[\w-]+=/, '').replace(/\[[^\]]*\]$/, '');
  if (/^\.\.?(\/|$)/.test(value)) return '.';
  const resolved = value.startsWith('/') ? resolvePath(value, '/') : null;
  return resolved !== null && trees.some((tree) => isWithin(resolved, tree)) ? value : null;
}

/**
 * The build a command runs that may read `.git`, as written, or null. A
 * pip install counts when it installs a path of the copied tree (see
 * `treeArgument`), not a package by name.
 */
function vcsBuild(command: ShellCommand, trees: string[]): string | null {
  let name = programName(command);
  let args = command.args.map((word) => word.text);
  // The words before the build's own (`python -m`, `uv`), so that the note
  // names the command as written: `python -m build`, not `build`.
  let runner = '';
  if (PYTHON.test(name) && args[0] === '-m' && args[1]) {
    runner = `${name} -m `;
    [name, ...args] = args.slice(1);
  }
  if (PYTHON.test(name) && /(^|\/)setup\.py$/.test(args[0] ?? '')) return `${name} ${args[0]}`;
  if (name === 'uv' && args[0] === 'pip') {
    runner = 'uv ';
    [name, ...args] = args;
  }
  const operand = args.find((arg) => !arg.startsWith('-'));
  if (PIP.test(name) && ['install', 'wheel'].includes(operand ?? '')) {
    const tree = args.map((arg) => treeArgument(arg, trees)).find((t) => t !== null);
    return tree ? `${runner}${name} ${operand} ${tree}` : null;
  }
  const subcommands = VCS_BUILDS[name];
  if (!subcommands) return null;
  if (subcommands.length === 0) return `${runner}${name}`;
  return operand && subcommands.includes(operand) ? `${runner}${name} ${operand}` : null;
}

/** True when a word is a path with a part that `entry` matches. */
function namesEntry(word: string, entry: string): boolean {
  const pattern = entry.replace(/^\*\*\//, '');
  return word.split('/').some((part) => picomatch.isMatch(part, pattern, { dot: true }));
}

function wordsOf(command: ShellCommand): string[] {
  return [command.name, ...command.args.map((word) => word.text)];
}

/** The first COPY or ADD that copies the whole build context. */
export function wholeContextCopy(doc: DockerDocument): InstructionInfo | undefined {
  return doc.instructions.find((i) => isWholeContextCopy(doc, i));
}

/** Every COPY or ADD that copies the whole build context, in order. */
function wholeContextCopies(doc: DockerDocument): InstructionInfo[] {
  return doc.instructions.filter((i) => isWholeContextCopy(doc, i));
}

function isWholeContextCopy(doc: DockerDocument, i: InstructionInfo): boolean {
  return (
    isContextCopy(i) &&
    (copyOperands(doc, i)?.sources ?? []).some((s) => WHOLE_CONTEXT.has(s.value))
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

async function isThere(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

import { posix } from 'node:path';
import {
  isPosixShell,
  type DockerDocument,
  type InstructionInfo,
  type Stage,
} from '../src/document';
import {
  installText,
  isRecursiveRemove,
  isWithin,
  operands,
  readChain,
  readInstall,
  resolvePath,
  workingDirs,
  type Chain,
  type ChainCommand,
  type InstallCommand,
} from '../src/install-script';
import {
  STANDARD_DIRS,
  instructionLines,
  lastUser,
  stageLineage,
  volumePaths,
  workdirPaths,
  workingDirectories,
} from '../src/stage-paths';
import type { Edit, Transform } from '../src/types';

/** Commands whose effect does not depend on the directory they run in. */
const ANYWHERE = new Set(['ldconfig', 'useradd', 'groupadd', 'adduser', 'addgroup', 'usermod']);
/** Tools that read the directory they run in without being told a path. */
const READS_CWD = new Set(['make', 'gmake', 'cmake', 'ninja', 'meson', 'ctest']);
/** Stands for a working directory that only the base image's config knows. */
const BASE_WORKDIR = '/<workdir of the base image>';
const ARCHIVE = /\.(tar|tgz|tbz2?|txz|gz|bz2|xz|zst|lz4)$/i;

/** A COPY or ADD that puts a build tree at `dest`. */
interface TreeCopy {
  copy: InstructionInfo;
  from: string | null;
  source: string;
  dest: string;
  /** The destination for messages: absolute where known, else as written. */
  label: string;
  problem: string | null;
}

/** An `rm -r` of the tree or of a directory above it. */
interface Removal {
  run: InstructionInfo;
  chain: Chain;
  index: number;
  path: string;
}

/** The install RUN, read and located. */
interface Install {
  run: InstructionInfo;
  chain: Chain;
  dirs: (string | null)[];
  index: number;
  command: ChainCommand;
  spec: InstallCommand;
  /** The directory it installs from. */
  dir: string;
}

interface Context {
  doc: DockerDocument;
  stage: Stage;
  dirs: Map<number, string | null>;
  tree: TreeCopy;
  removal: Removal;
  mount: boolean;
}

const extractInstallStage: Transform = {
  id: 'extract-install-stage',
  title: 'Install from a builder stage instead of copying the build tree',
  rationale:
    'A build tree copied into the final stage stays in the layer the COPY made, even after a later `rm -rf` deletes it. Running the install in a separate stage and copying only what it installs keeps the tree out of the image.',
  safety: 'layout',
  messages: {
    moved:
      'Runs `{install}` in a new stage `{stage}` and copies only the files it installs: the build tree `{tree}` that line {line} copied stayed in that layer even after `rm -rf` deleted it, so every byte of it was in the image for nothing.',
    mounted:
      'Bind-mounts the build tree `{tree}` for `{install}` instead of copying it: a copied tree stays in its layer even after `rm -rf` deletes it, so every byte of it was in the image for nothing.',
    refused: 'Leaves the build tree copied to `{tree}` as it is: {reason}.',
  },
  options: {
    strategy: {
      description:
        '`stage` installs in a new builder stage; `mount` bind-mounts the tree for the install RUN',
      default: 'stage',
      choices: ['stage', 'mount'],
    },
  },
  limitations: [
    'Only the final stage is rewritten: no other stage ends up in the image.',
    'The install must honour `DESTDIR`; files a Makefile writes elsewhere, or programs it runs (like `ldconfig`), are not carried over.',
    'The builder stage runs the install in the environment of the stage the tree came from; ENV set earlier in the final stage and what its earlier RUNs installed are not there.',
    'A directory a COPY created and a removal left behind is assumed to exist in the base image only when it is a standard directory (like `/tmp` or `/usr/src`) or a WORKDIR.',
    'The COPY source is assumed to be a directory; `ADD` of an archive or a URL is left alone.',
  ],
  run(doc, report, options) {
    const stage = doc.stages[doc.stages.length - 1];
    if (!stage) return;
    const dirs = workingDirectories(doc, stage);
    for (const copy of stage.instructions) {
      if (copy.keyword !== 'COPY' && copy.keyword !== 'ADD') continue;
      const tree = readTreeCopy(copy, dirs.get(copy.index) ?? BASE_WORKDIR);
      const removal = tree && findRemoval(stage, tree, dirs);
      if (!tree || !removal) continue;
      const context = { doc, stage, dirs, tree, removal, mount: options.strategy === 'mount' };
      const result = rewrite(context);
      if (typeof result === 'string') {
        report.note(copy.span.start, 'refused', { tree: tree.label, reason: result });
        continue;
      }
      report.change(
        copy.span.start,
        context.mount ? 'mounted' : 'moved',
        result.data,
        result.edits,
      );
      return;
    }
  },
};

export default extractInstallStage;

function readTreeCopy(copy: InstructionInfo, cwd: string): TreeCopy | null {
  const words = copy.execForm
    ? (JSON.parse(copy.body.text) as string[])
    : copy.body.text.trim().split(/\s+/);
  const dest = words.length >= 2 ? resolvePath(cwd, words[words.length - 1]) : null;
  if (dest === null || dest === '/') return null;
  const flags = new Map(copy.flags.map((f) => [f.getName().toLowerCase(), f.getValue() ?? '']));
  const from = flags.get('from') ?? null;
  const source = words[0];
  const extra = [...flags.keys()].find((name) => name !== 'from' && name !== 'link');
  let problem: string | null = null;
  if (copy.opaque) problem = 'the copy is a heredoc, which dslim never edits';
  else if (extra) problem = `the copy's \`--${extra}\` flag changes the copied files`;
  else if (words.length !== 2) problem = 'the copy has more than one source';
  else if (/[$*?[]/.test(source + (from ?? '')))
    problem = 'the copy source uses a variable or a wildcard';
  else if (copy.keyword === 'ADD' && (/^[a-z]+:\/\//i.test(source) || ARCHIVE.test(source)))
    problem = '`ADD` of an archive or URL unpacks or downloads rather than copies';
  const label = isWithin(dest, BASE_WORKDIR) ? words[words.length - 1] : dest;
  return { copy, from, source, dest, label, problem };
}

function findRemoval(
  stage: Stage,
  tree: TreeCopy,
  dirs: Map<number, string | null>,
): Removal | null {
  for (const run of stage.instructions) {
    if (run.keyword !== 'RUN' || run.index <= tree.copy.index || run.opaque || run.execForm)
      continue;
    const chain = readChain(run.body.text);
    if ('problem' in chain) continue;
    const cwds = workingDirs(chain, dirs.get(run.index) ?? BASE_WORKDIR);
    for (const [index, command] of chain.commands.entries()) {
      if (!isRecursiveRemove(command)) continue;
      const paths = operands(command).map((p) => resolvePath(cwds[index], p));
      const path = paths.find((p) => p && p !== '/' && isWithin(tree.dest, p));
      if (path) return { run, chain, index, path };
    }
  }
  return null;
}

/** Checks everything that could make the rewrite change the image; the reason, or the edits. */
function rewrite(
  context: Context,
): string | { data: Record<string, string | number>; edits: Edit[] } {
  const { tree } = context;
  if (tree.problem) return tree.problem;
  if (isWithin(tree.dest, BASE_WORKDIR))
    return 'the destination is relative to a working directory that only the base image knows';
  const install = readInstallRun(context);
  if (typeof install === 'string') return install;
  const problem =
    checkBetween(context, install) ?? checkLeftovers(context) ?? checkLaterUse(context, install);
  if (problem) return problem;

  const keepRemoval = removalRemovesMore(context);
  const edits = context.mount
    ? mountEdits(context, install, keepRemoval)
    : stageEdits(context, install, keepRemoval);
  if (typeof edits === 'string') return edits;
  const data = {
    install: install.command.text,
    tree: tree.dest,
    line: tree.copy.line + 1,
    stage: edits.stage,
  };
  return { data, edits: edits.edits };
}

function readInstallRun(context: Context): Install | string {
  const { stage, tree, removal, dirs } = context;
  const run = stage.instructions.find((i) => i.keyword === 'RUN' && i.index > tree.copy.index)!;
  const at = `the \`RUN\` at line ${run.line + 1}`;
  if (run.opaque) return `${at} has a heredoc, which dslim never edits`;
  if (run.execForm) return `${at} is in exec form, so it cannot be split`;
  if (!isPosixShell(run.shell)) return `${at} runs under \`${run.shell.join(' ')}\``;
  const chain = run === removal.run ? removal.chain : readChain(run.body.text);
  if ('problem' in chain) return `dslim cannot split ${at}: ${chain.problem}`;
  const cwds = workingDirs(chain, dirs.get(run.index) ?? BASE_WORKDIR);
  const index = chain.commands.findIndex((c) => readInstall(c) !== null);
  if (index === -1)
    return `${at} runs no make, cmake or ninja install, so dslim cannot tell which files it installs`;
  const command = chain.commands[index];
  const spec = readInstall(command)!;
  const dir = resolvePath(cwds[index], spec.dir);
  if (dir === null || isWithin(dir, BASE_WORKDIR))
    return `the working directory of \`${command.text}\` cannot be determined`;
  if (!isWithin(dir, tree.dest)) return `\`${command.text}\` runs in \`${dir}\`, outside the tree`;
  if (run === removal.run && removal.index < index) return 'the tree is removed before the install';
  if (!context.mount) {
    if (command.dynamic || (spec.destdir !== null && !spec.destdir.startsWith('/')))
      return `\`${command.text}\` uses a variable or a relative \`DESTDIR\`, which a separate stage cannot reproduce`;
    const before = chain.commands.slice(0, index).find((c) => c.name !== 'cd');
    if (before)
      return `\`${before.text}\` runs before the install in the same \`RUN\` and may prepare what it needs`;
  }
  return { run, chain, dirs: cwds, index, command, spec, dir };
}

/** Instructions between the copy and the install that the install could depend on. */
function checkBetween(context: Context, install: Install): string | null {
  const { doc, stage, tree, removal, mount } = context;
  for (const between of stage.instructions) {
    if (between.index <= tree.copy.index || between.index >= install.run.index) continue;
    const at = `the \`${between.keyword}\` at line ${between.line + 1}`;
    if (!mount && ['ENV', 'ARG', 'USER', 'SHELL'].includes(between.keyword))
      return `${at} sets state the install could depend on, which a separate stage would not have`;
    if (between.keyword === 'COPY' || between.keyword === 'ADD') {
      const other = readTreeCopy(between, context.dirs.get(between.index) ?? BASE_WORKDIR);
      if (!other || isWithin(other.dest, tree.dest)) return `${at} may add files to the tree`;
    }
  }
  const prepared =
    tree.from === null &&
    !mount &&
    stageLineage(doc, stage)
      .flatMap((s) => s.instructions)
      .find((i) => i.keyword === 'RUN' && i.index < tree.copy.index);
  if (prepared)
    return `the builder stage would start from the same base without what the \`RUN\` at line ${prepared.line + 1} did`;
  const user = lastUser(doc, stage, install.run.index);
  if (!mount && user !== null && !/^(root|0)(:(root|0))?$/.test(user))
    return `the install runs as \`${user}\`, which the builder stage does not reproduce`;
  for (const volume of stage.instructions) {
    if (volume.keyword !== 'VOLUME' || volume.index > removal.run.index) continue;
    const path = volumePaths(volume).find((p) => {
      const resolved = resolvePath('/', p);
      return resolved && (isWithin(resolved, tree.dest) || isWithin(tree.dest, resolved));
    });
    if (path) return `\`${path}\` is a VOLUME, whose contents Docker handles apart from the layers`;
  }
  return null;
}

/** Directories the copy created above the removed one stay; they must exist anyway. */
function checkLeftovers(context: Context): string | null {
  const parent = posix.dirname(context.removal.path);
  if (parent === '/' || STANDARD_DIRS.has(parent)) return null;
  if (workdirPaths(context.doc, context.stage).some((w) => isWithin(w, parent))) return null;
  return `the copy also creates \`${parent}\`, which the removal leaves in the image, and dslim cannot tell whether the base image has it`;
}

/** Whether anything after the install, up to the removal, reads the tree. */
function checkLaterUse(context: Context, install: Install): string | null {
  const { stage, removal, dirs, tree } = context;
  for (const run of stage.instructions) {
    if (run.keyword !== 'RUN' || run.index <= install.run.index || run.index > removal.run.index)
      continue;
    const chain = run === removal.run ? removal.chain : readChain(run.body.text);
    if (run.opaque || run.execForm || 'problem' in chain)
      return `dslim cannot tell whether the \`RUN\` at line ${run.line + 1} uses the tree`;
    const cwds = workingDirs(chain, dirs.get(run.index) ?? BASE_WORKDIR);
    const user = chain.commands.find(
      (c, i) => !(run === removal.run && i === removal.index) && usesTree(c, cwds[i], tree.dest),
    );
    if (user) return `\`${user.text}\` uses the tree after the install`;
  }
  if (context.mount) return null;
  const start = dirs.get(install.run.index) ?? BASE_WORKDIR;
  for (const [i, command] of install.chain.commands.entries()) {
    if (i <= install.index || command.name === 'cd') continue;
    if (install.run === removal.run && i === removal.index) continue;
    if (usesTree(command, install.dirs[i], tree.dest))
      return `\`${command.text}\` uses the tree after the install`;
    const absolute = operands(command).every((p) => p.startsWith('/'));
    if (install.dirs[i] !== start && !ANYWHERE.has(command.name) && !absolute)
      return `\`${command.text}\` depends on the directory the install's \`cd\` went to`;
  }
  return null;
}

function usesTree(command: ChainCommand, cwd: string | null, tree: string): boolean {
  const program = command.name.includes('/') ? [command.name] : [];
  const paths = [...program, ...operands(command)].map((p) => resolvePath(cwd, p));
  if (paths.some((p) => p === null || isWithin(p, tree))) return true;
  if (cwd === null || !isWithin(cwd, tree) || ANYWHERE.has(command.name)) return false;
  return paths.length > 0 || READS_CWD.has(command.name) || command.name.includes('/');
}

/** True when the removal also deletes something the copy did not bring. */
function removalRemovesMore(context: Context): boolean {
  const { doc, stage, tree, removal } = context;
  const command = removal.chain.commands[removal.index];
  if (operands(command).length !== 1 || removal.path !== tree.dest) return true;
  if (STANDARD_DIRS.has(removal.path)) return true;
  return workdirPaths(doc, stage).some((w) => isWithin(w, removal.path));
}

type Planned = { stage: string; edits: Edit[] } | string;

function stageEdits(context: Context, install: Install, keepRemoval: boolean): Planned {
  const { doc, stage, tree, removal } = context;
  const taken = takenNames(doc);
  const name = uniqueName(`${treeName(tree)}-install`, taken);
  const destdir = `/opt/${name}`;
  const given = install.spec.destdir;
  const target = given && given !== '/' ? posix.join(destdir, given).replace(/\/$/, '') : destdir;
  const edits: Edit[] = [];
  const lines: string[] = [];
  if (tree.from === null) {
    lines.push(`FROM ${fromText(stage)} AS ${name}`, `COPY ${tree.source} ${tree.dest}`);
    lines.push(`WORKDIR ${install.dir}`);
  } else {
    const source = doc.findStage(tree.from, stage.from.index);
    const base = source ? (source.name ?? uniqueName('builder', taken)) : tree.from;
    if (source && !source.name) edits.push(insertAt(source.from.span.end, ` AS ${base}`));
    lines.push(`FROM ${base} AS ${name}`);
    const user = source && lastUser(doc, source, Infinity);
    if (user && !/^(root|0)(:(root|0))?$/.test(user)) lines.push('USER root');
    const root = resolvePath('/', tree.source)!;
    lines.push(`WORKDIR ${posix.join(root, posix.relative(tree.dest, install.dir))}`);
  }
  // An install that writes nothing would leave no directory for the COPY to find.
  lines.push(`RUN mkdir -p ${destdir} && ${installText(install.command, install.spec, target)}`);
  const fromLine = doc.lineStart(stage.from.line);
  const blank = stage.from.line > 0 && doc.lineText(stage.from.line - 1).trim() === '';
  const stageText = lines.map((l) => l + doc.eol).join('') + (blank ? doc.eol : '');
  edits.push(insertAt(fromLine, stageText), { ...instructionLines(doc, tree.copy), text: '' });

  const removed = new Set<number>();
  for (const [i, command] of install.chain.commands.entries()) {
    const isRemoval = install.run === removal.run && i === removal.index;
    if (i <= install.index || command.name === 'cd' || (isRemoval && !keepRemoval)) removed.add(i);
  }
  const copyLine = `COPY --from=${name} ${destdir}/ /`;
  const run = install.run;
  const runEdits = chainEdits(install.run, install.chain, removed);
  if (runEdits === 'partial') return 'the install shares a subshell with commands that must stay';
  if (runEdits === 'all') edits.push({ start: run.span.start, end: run.span.end, text: copyLine });
  else {
    const indent = /^[ \t]*/.exec(doc.lineText(run.line))![0];
    edits.push(insertAt(run.span.start, `${copyLine}${doc.eol}${indent}`), ...runEdits);
  }
  if (removal.run !== install.run && !keepRemoval) edits.push(...dropRemoval(doc, removal));
  return { stage: name, edits };
}

function mountEdits(context: Context, install: Install, keepRemoval: boolean): Planned {
  const { doc, stage, tree, removal } = context;
  const source = tree.from === null ? null : doc.findStage(tree.from, stage.from.index);
  const from = tree.from === null ? '' : `from=${source?.name ?? tree.from},`;
  const path = tree.from === null ? tree.source : resolvePath('/', tree.source);
  const mount = `--mount=type=bind,${from}source=${path},target=${tree.dest},rw `;
  const edits: Edit[] = [
    { ...instructionLines(doc, tree.copy), text: '' },
    insertAt(install.run.bodyStart, mount),
  ];
  if (removal.run === install.run) {
    // Removing a mount point fails, so the removal cannot stay in the mounting RUN.
    const runEdits = chainEdits(install.run, install.chain, new Set([removal.index]));
    if (typeof runEdits === 'string') return 'the removal shares a subshell with other commands';
    edits.push(...runEdits);
    if (keepRemoval) {
      const rm = removal.chain.commands[removal.index];
      const paths = operands(rm).map((p) => resolvePath(install.dirs[removal.index], p));
      if (paths.some((p) => p === null)) return `\`${rm.text}\` names a path dslim cannot resolve`;
      const flags = rm.args.filter((a) => a.startsWith('-') && a !== '--');
      const text = ['RUN rm', ...flags, ...(paths as string[])].join(' ');
      edits.push(insertAt(install.run.span.end, `${doc.eol}${text}`));
    }
  } else if (!keepRemoval) {
    edits.push(...dropRemoval(doc, removal));
  }
  const hasSyntax = doc.ast.getDirectives().some((d) => d.getName().toLowerCase() === 'syntax');
  if (!hasSyntax) edits.push(insertAt(0, `# syntax=docker/dockerfile:1${doc.eol}`));
  return { stage: '', edits };
}

function dropRemoval(doc: DockerDocument, removal: Removal): Edit[] {
  const edits = chainEdits(removal.run, removal.chain, new Set([removal.index]));
  if (edits === 'all') return [{ ...instructionLines(doc, removal.run), text: '' }];
  return edits === 'partial' ? [] : edits;
}

/**
 * Edits that delete the given commands from a RUN's chain, with the `&&`
 * that joined them; 'all' when nothing would be left.
 */
function chainEdits(
  run: InstructionInfo,
  chain: Chain,
  removed: Set<number>,
): Edit[] | 'all' | 'partial' {
  const gone = chain.elements.map((_, e) => {
    const members = [...chain.commands.entries()].filter(([, c]) => c.element === e);
    const count = members.filter(([i]) => removed.has(i)).length;
    return count === 0 ? false : count === members.length ? true : null;
  });
  if (gone.includes(null)) return 'partial';
  if (gone.every(Boolean)) return 'all';
  const start = (e: number) => run.body.toFile(chain.elements[e].start);
  const end = (e: number) => run.body.toFile(chain.elements[e].end - 1) + 1;
  const edits: Edit[] = [];
  for (let first = 0; first < gone.length; first++) {
    if (!gone[first]) continue;
    let last = first;
    while (gone[last + 1]) last++;
    edits.push(
      first > 0
        ? { start: end(first - 1), end: end(last), text: '' }
        : { start: start(first), end: start(last + 1), text: '' },
    );
    first = last;
  }
  return edits;
}

function insertAt(offset: number, text: string): Edit {
  return { start: offset, end: offset, text };
}

/** Names a new stage could clash with: stage names and any image a FROM or --from names. */
function takenNames(doc: DockerDocument): Set<string> {
  const taken = new Set<string>();
  for (const instruction of doc.instructions) {
    if (instruction.stage?.from === instruction) {
      taken.add(instruction.stage.base.toLowerCase());
      if (instruction.stage.name) taken.add(instruction.stage.name);
    }
    for (const flag of instruction.flags) {
      const value = (flag.getValue() ?? '').toLowerCase();
      if (flag.getName().toLowerCase() === 'from') taken.add(value);
      for (const match of value.matchAll(/(?:^|,)from=([^,]+)/g)) taken.add(match[1]);
    }
  }
  return taken;
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  taken.add(name);
  return name;
}

/** A stage name from the tree's directory name. */
function treeName(tree: TreeCopy): string {
  const from = tree.from === null ? '' : posix.basename(tree.source);
  const word = (from && from !== '.' ? from : posix.basename(tree.dest)).toLowerCase();
  const name = word.replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '');
  return name || 'tree';
}

function fromText(stage: Stage): string {
  return [...stage.from.flags.map((f) => f.toString()), stage.base].join(' ');
}

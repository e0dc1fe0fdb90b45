import { posix } from 'node:path';
import type { DockerDocument, Stage } from '../src/document';
import { mountFlagEdits } from '../src/cache-mounts';
import { chainEdits, installText, operands } from '../src/install-script';
import { lineRef } from '../src/line-ref';
import { mountSyntaxProblem, resolvePath, syntaxDirectiveEdits } from '../src/paths';
import {
  BASE_WORKDIR,
  findProblem,
  findRemoval,
  readInstallRun,
  readTreeCopy,
  removalRemovesMore,
  type Install,
  type Removal,
  type TreeContext,
  type TreeCopy,
} from '../src/install-tree';
import {
  instructionLines,
  isRootWithRootGroup,
  lastUser,
  takenNames,
  uniqueName,
  workingDirectories,
} from '../src/stage-paths';
import type { Edit, Transform } from '../src/types';

const extractInstallStage: Transform = {
  id: 'extract-install-stage',
  title: 'Install from a builder stage instead of copying the build tree',
  rationale:
    'A build tree copied into the final stage stays in the layer the COPY made, even after a later `rm -rf` deletes it. Running the install in a separate stage and copying only what it installs keeps the tree out of the image.',
  safety: 'layout',
  messages: {
    moved:
      'Runs `{install}` in a new stage `{stage}` and copies only the files it installs: the build tree `{tree}` that line {line} copied stayed in that layer even after `rm -rf` deleted it, so every byte of it was in the image for nothing. A COPY does not follow a symbolic link to a directory as `make install` did: where the install writes below one in the final image (merged-/usr `/bin`, `/sbin`, `/lib`; `/usr/local/man` on Debian), the link becomes a directory, so check it with `dslim verify` or use `--strategy mount`.',
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
    'The builder stage runs the install in the environment of the stage the tree came from. An ENV, ARG or SHELL written before the install in the final stage, or in the stage the tree comes from (ENV and SHELL also in the stages it is built on), keeps the copy; the environment that the two base images set in their own configuration is not known, and may differ.',
    'A directory a COPY created and a removal left behind is assumed to exist in the base image only when it is a standard directory (like `/tmp` or `/usr/src`) or a WORKDIR.',
    "The files under `/opt/NAME` are copied over the final stage's own, and a COPY replaces a symbolic link to a directory where `make install` wrote through it: an install into `/bin`, `/sbin` or `/lib` on a merged-/usr base image (Debian 12, Ubuntu, Fedora), or into Debian's `/usr/local/man`, changes the image (BuildKit stops the build instead). dslim cannot see what the install writes; `dslim verify` shows it, and `--strategy mount` installs in the final stage as before.",
    'The COPY source is assumed to be a directory; `ADD` of an archive or a URL is left alone.',
    "The directories under `/opt/NAME` are copied over the final stage's own, so `/`, `/usr` and the like take their mode from the install stage (normally the same 0755).",
    'With `strategy: mount`, `RUN --mount` needs BuildKit: the rewrite adds `# syntax=docker/dockerfile:1` when the file has no `syntax` directive (the change says so: BuildKit then pulls that frontend image), and a directive that names a frontend older than 1.2, or one dslim does not know, keeps the copy; a removal of the mount point moves to a RUN of its own; a command after the removal in the same RUN that uses the tree path keeps the copy (the mount would still be there); and `merge-runs` leaves the mounting RUN apart from the RUNs next to it, whose flags differ, so the layer count may go up by one.',
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
      if ('problem' in removal) {
        const reason = `dslim cannot split the \`RUN\` at line ${lineRef(removal.run)} that removes it: ${removal.problem}`;
        report.note(copy.span.start, 'refused', { tree: tree.label, reason });
        continue;
      }
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

/** Checks everything that could make the rewrite change the image; the reason, or the edits. */
function rewrite(
  context: TreeContext,
): string | { data: Record<string, string | number>; edits: Edit[] } {
  const { tree } = context;
  if (tree.problem) return tree.problem;
  const install = readInstallRun(context);
  if (typeof install === 'string') return install;
  const problem = findProblem(context, install);
  if (problem) return problem;

  const syntax = context.mount ? mountSyntaxProblem(context.doc) : null;
  if (syntax) return syntax;
  const keepRemoval = removalRemovesMore(context);
  const edits = context.mount
    ? mountEdits(context, install, keepRemoval)
    : stageEdits(context, install, keepRemoval);
  if (typeof edits === 'string') return edits;
  const data = {
    install: install.command.text,
    tree: tree.dest,
    line: lineRef(tree.copy),
    stage: edits.stage,
  };
  return { data, edits: edits.edits };
}

type Planned = { stage: string; edits: Edit[] } | string;

function stageEdits(context: TreeContext, install: Install, keepRemoval: boolean): Planned {
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
    if (user && !isRootWithRootGroup(user)) lines.push('USER root');
    const root = resolvePath(tree.source, '/')!;
    lines.push(`WORKDIR ${posix.join(root, posix.relative(tree.dest, install.dir))}`);
  }
  // No `mkdir -p` first: an install that ignores DESTDIR then fails the build at
  // the COPY instead of leaving its files out of the image unnoticed.
  lines.push(`RUN ${installText(install.command, install.spec, target)}`);
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

function mountEdits(context: TreeContext, install: Install, keepRemoval: boolean): Planned {
  const { doc, stage, tree, removal } = context;
  const source = tree.from === null ? null : doc.findStage(tree.from, stage.from.index);
  const from = tree.from === null ? '' : `from=${source?.name ?? tree.from},`;
  const path = tree.from === null ? tree.source : resolvePath(tree.source, '/');
  const mount = ` --mount=type=bind,${from}source=${path},target=${tree.dest},rw`;
  const edits: Edit[] = [
    { ...instructionLines(doc, tree.copy), text: '' },
    ...mountFlagEdits(doc, install.run, mount),
  ];
  if (removal.run === install.run) {
    // Removing a mount point fails, so the removal cannot stay in the mounting RUN.
    const runEdits = chainEdits(install.run, install.chain, new Set([removal.index]));
    if (typeof runEdits === 'string') return 'the removal shares a subshell with other commands';
    edits.push(...runEdits);
    if (keepRemoval) {
      const rm = removal.chain.commands[removal.index];
      const paths = operands(rm).map((p) => resolvePath(p, install.dirs[removal.index]));
      if (paths.some((p) => p === null)) return `\`${rm.text}\` names a path dslim cannot resolve`;
      const flags = rm.args.filter((a) => a.startsWith('-') && a !== '--');
      const text = ['RUN rm', ...flags, ...(paths as string[])].join(' ');
      edits.push(insertAt(install.run.span.end, `${doc.eol}${text}`));
    }
  } else if (!keepRemoval) {
    edits.push(...dropRemoval(doc, removal));
  }
  edits.push(...syntaxDirectiveEdits(doc));
  return { stage: '', edits };
}

function dropRemoval(doc: DockerDocument, removal: Removal): Edit[] {
  const edits = chainEdits(removal.run, removal.chain, new Set([removal.index]));
  if (edits === 'all') return [{ ...instructionLines(doc, removal.run), text: '' }];
  return edits === 'partial' ? [] : edits;
}

function insertAt(offset: number, text: string): Edit {
  return { start: offset, end: offset, text };
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

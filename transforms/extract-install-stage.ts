import { posix } from 'node:path';
import type { From } from 'dockerfile-ast';
import type { DockerDocument, InstructionInfo, Stage } from '../src/document';
import { buildSetups, setupList } from '../src/build-system';
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
  removalExtra,
  type Install,
  type Removal,
  type TreeContext,
  type TreeCopy,
} from '../src/install-tree';
import { instructionLines, takenNames, uniqueName, workingDirectories } from '../src/stage-paths';
import type { Edit, Transform, TransformOptions } from '../src/types';

const extractInstallStage: Transform = {
  id: 'extract-install-stage',
  title: 'Install from a builder stage instead of copying the build tree',
  rationale:
    'A build tree copied into the final stage stays in the layer the COPY made, even after a later `rm -rf` deletes it. Running the install in a separate stage and copying only what it installs keeps the tree out of the image.',
  safety: 'layout',
  messages: {
    moved:
      'Runs `{install}` in a new stage `{stage}` and copies only the files it installs: the build tree `{tree}` that line {line} copied stayed in that layer even after `rm -rf` deleted it, so every byte of it was in the image for nothing. {basis}, so the move assumes that the install writes every file under `DESTDIR`: a file it writes elsewhere (a hook that runs `ldconfig` or appends to a file in `/etc`) would be missing from the image. And a COPY does not follow a symbolic link to a directory as `make install` did: where the install writes below one in the final image (merged-/usr `/bin`, `/sbin`, `/lib`; `/usr/local/man` on Debian), the link becomes a directory. Check the result with `dslim verify`, or use `--strategy mount`, which installs in this stage as before.',
    mounted:
      'Bind-mounts the build tree `{tree}` for `{install}` instead of copying it: a copied tree stays in its layer even after `rm -rf` deletes it, so every byte of it was in the image for nothing.{split}',
    refused: 'Leaves the build tree copied to `{tree}` as it is: {reason}.',
  },
  options: {
    strategy: {
      description:
        '`stage` installs in a new builder stage; `mount` bind-mounts the tree for the install RUN',
      default: 'stage',
      choices: ['stage', 'mount'],
    },
    destdir: {
      description:
        'with `strategy: stage`, `known` moves an install only where a build system that honours `DESTDIR` (`configure`, Automake, CMake, Meson) is seen setting up its tree; `assume` moves any, trusting its Makefile to honour `DESTDIR`',
      default: 'known',
      choices: ['known', 'assume'],
    },
  },
  limitations: [
    'Only the final stage is rewritten: no other stage ends up in the image.',
    "By default (`destdir: known`) the install moves only where dslim sees its tree set up by a build system whose install honours `DESTDIR`, in the exact directory it installs from: `cmake` (and `cmake --install` itself), `meson`, `autoreconf`, `automake` or `autogen.sh`, or a `configure` script, in this stage, a stage it builds on, or the stage a `COPY --from` brought the tree from. A `configure` counts even when nothing shows Automake wrote its Makefiles: the GNU standards ask every such Makefile to honour `DESTDIR`, and nearly every `configure` in a source tarball is Autoconf's and Automake's. A tree from the build context or an image, one that nothing seen set up (a hand-written Makefile may install straight into `/usr/local`), and other tools (OpenSSL's `./Configure`, `qmake`, `perl Makefile.PL`) keep the copy with a note; `destdir: assume` moves them anyway.",
    'Even a build system that honours `DESTDIR` may run install steps that do not: an Automake `install-exec-hook` or `install-data-local`, a CMake `install(CODE …)` or `install(SCRIPT …)`, a Meson install script, or a recipe that runs `ldconfig` or `update-alternatives` or appends to a file in `/etc` writes outside `DESTDIR` in the builder stage, and that file is missing from the image. An install that reads what is already there (keeps an existing configuration file, appends to one under `$(DESTDIR)`) finds `/opt/NAME` empty, and the COPY puts the file it writes there over the whole existing one. `dslim verify` shows both.',
    "The builder stage starts from this stage as it stands just before the install, so the users, tools, files, ENV, SHELL and WORKDIR that it set up are there for the install as before: when anything but the copy comes before the install, that part becomes a stage of its own (`NAME-base`; an `AS` name of this stage moves to the rest, so `--target` still builds the image), on which both the builder stage and the rest of this stage are built. An ARG there keeps the copy (an ARG lasts only to the end of its stage), and so do an ONBUILD (it would run in both stages built on that part), an ENV that sets `DESTDIR`, and a USER other than root (who may not be allowed to create `/opt/NAME`). The tree is copied after the instructions between the copy and the install, so a COPY there that writes above the tree keeps the copy too; the install RUN's own flags (`--network`, `--mount`) go with it to the builder stage.",
    'The install must be the first `RUN` after the copy: a `RUN` between them (one that edits the tree, or runs `configure` or `make` for the install) keeps the copy, with a note naming both lines.',
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
      const result = rewrite(context, options);
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
  options: TransformOptions,
): string | { data: Record<string, string | number>; edits: Edit[] } {
  const { tree } = context;
  if (tree.problem) return tree.problem;
  const install = readInstallRun(context);
  if (typeof install === 'string') return install;
  const problem = findProblem(context, install);
  if (problem) return problem;
  const destdir = context.mount ? null : destdirBasis(context, install, options.destdir);
  if (destdir && 'reason' in destdir) return destdir.reason;

  const syntax = context.mount ? mountSyntaxProblem(context.doc) : null;
  if (syntax) return syntax;
  const extra = removalExtra(context);
  const keepRemoval = extra !== null;
  const edits = context.mount
    ? mountEdits(context, install, keepRemoval)
    : stageEdits(context, install, keepRemoval);
  if (typeof edits === 'string') return edits;
  const data = {
    install: install.command.text,
    tree: tree.dest,
    line: lineRef(tree.copy),
    stage: edits.stage,
    basis: destdir?.basis ?? '',
    split: edits.split ? splitText(edits.split, extra!) : '',
  };
  return { data, edits: edits.edits };
}

/**
 * Why the install can be trusted to write every file under `DESTDIR`: the
 * build system seen setting up the directory it installs from, or the
 * `destdir: assume` option; else the reason to leave it alone. Without
 * `DESTDIR` support a Makefile writes into the builder stage's own
 * `/usr/local`, and the COPY of `/opt/NAME` then fails or misses files.
 */
function destdirBasis(
  context: TreeContext,
  install: Install,
  option: TransformOptions[string],
): { basis: string } | { reason: string } {
  const { doc, stage } = context;
  const { dir, spec } = install;
  if (spec.tool === 'cmake')
    return { basis: '`cmake --install` installs a tree CMake made, and CMake honours `DESTDIR`' };
  const setups = buildSetups(doc, stage, { run: install.run, before: 0 }, dir);
  const systems = [...new Set(setups.map((s) => s.system))];
  const first = setupList(systems.map((system) => setups.find((s) => s.system === system)!));
  if (systems.includes(null)) {
    return {
      basis: `${first} set up the tree it installs from, and the GNU standards ask the Makefiles a \`configure\` script writes to honour \`DESTDIR\``,
    };
  }
  if (systems.length > 0) {
    const verb = systems.length > 1 ? 'honour' : 'honours';
    return {
      basis: `${first} set up the tree it installs from with ${systems.join(' and ')}, which ${verb} \`DESTDIR\``,
    };
  }
  if (option === 'assume') return { basis: 'The option `destdir: assume` is set' };
  const file = spec.tool === 'ninja' ? 'ninja file' : 'Makefile';
  return {
    reason: `nothing shows that \`${install.command.text}\` honours \`DESTDIR\`: no \`RUN\` of this stage, of a stage it builds on or of one the tree is copied from runs \`configure\`, \`autoreconf\`, \`cmake\` or \`meson\` on \`${dir}\`, and a hand-written ${file} may install straight into \`/usr/local\`, which would fail the builder stage or leave files out of the image. \`extract-install-stage: { destdir: assume }\` under \`transforms\` in \`.dslimrc\` moves it anyway, and \`--strategy mount\` installs in this stage as before`,
  };
}

/** `split`: the `RUN` that the removal moved to, when it left the mounting RUN. */
type Planned = { stage: string; edits: Edit[]; split?: string } | string;

/**
 * Why a mounted install is followed by a new `RUN` of the removal: the mount
 * point cannot be removed while it is mounted, and without the copy the
 * removal still deletes `extra`, which the image did not have before.
 */
function splitText(run: string, extra: string): string {
  return ` Also moves the removal to a \`${run}\` of its own right after it, since a mount point cannot be removed while it is mounted; without the copy the removal is still needed, as it deletes ${extra}, so the image is without it as before.`;
}

/**
 * A builder stage that copies the tree and runs the install with `DESTDIR`
 * set, and a COPY of what it installs in place of the install. The builder
 * starts from this stage as it stands before the install: from the same
 * base when the copy is all that comes before, else from a stage made of
 * that part (this stage's FROM gets a new name, and the rest of this stage
 * a FROM of it, with the old name), so the install finds every user, tool
 * and file the original found.
 */
function stageEdits(context: TreeContext, install: Install, keepRemoval: boolean): Planned {
  const { doc, stage, tree, removal, dirs } = context;
  const taken = takenNames(doc);
  const name = uniqueName(`${treeName(tree)}-install`, taken);
  const destdir = `/opt/${name}`;
  const given = install.spec.destdir;
  const target = given && given !== '/' ? posix.join(destdir, given).replace(/\/$/, '') : destdir;
  const split = stage.instructions.some(
    (i) => i !== stage.from && i !== tree.copy && i.index < install.run.index,
  );
  const base = split ? uniqueName(`${treeName(tree)}-base`, taken) : fromText(stage);
  const lines = [`FROM ${base} AS ${name}`, copyText(tree)];
  if (install.dir !== dirs.get(install.run.index)) lines.push(`WORKDIR ${install.dir}`);
  // No `mkdir -p` first: an install that ignores DESTDIR then fails the build at
  // the COPY instead of leaving its files out of the image unnoticed.
  const flags = install.run.flags.map((f) => `${f.toString()} `).join('');
  lines.push(`RUN ${flags}${installText(install.command, install.spec, target)}`);
  const blank = stage.from.line > 0 && doc.lineText(stage.from.line - 1).trim() === '';
  const gap = blank ? doc.eol : '';
  const builder = lines.map((l) => l + doc.eol).join('') + gap;
  const run = install.run;
  const runStart = doc.lineStart(run.line);
  const edits: Edit[] = [{ ...instructionLines(doc, tree.copy), text: '' }];
  // Text that goes in at the start of the install RUN's line, before the COPY of what it installs.
  let head = '';
  if (split) {
    edits.push(renameStage(doc, stage, base));
    const written = (stage.from.node as From).getBuildStage();
    const before = previousLine(doc, tree, run);
    head = (before >= 0 && doc.lineText(before).trim() !== '' ? gap : '') + builder;
    head += `FROM ${base}${written ? ` AS ${written}` : ''}${doc.eol}`;
  } else {
    edits.push(insertAt(doc.lineStart(stage.from.line), builder));
  }

  const removed = new Set<number>();
  for (const [i, command] of install.chain.commands.entries()) {
    const isRemoval = install.run === removal.run && i === removal.index;
    if (i <= install.index || command.name === 'cd' || (isRemoval && !keepRemoval)) removed.add(i);
  }
  const indent = /^[ \t]*/.exec(doc.lineText(run.line))![0];
  const copyLine = `${indent}COPY --from=${name} ${destdir}/ /`;
  const runEdits = chainEdits(install.run, install.chain, removed);
  if (runEdits === 'partial') return 'the install shares a subshell with commands that must stay';
  if (runEdits === 'all') edits.push({ start: runStart, end: run.span.end, text: head + copyLine });
  else edits.push(insertAt(runStart, `${head}${copyLine}${doc.eol}`), ...runEdits);
  if (removal.run !== install.run && !keepRemoval) edits.push(...dropRemoval(doc, removal));
  return { stage: name, edits };
}

/** Gives the stage `name`: in place of its `AS` name, or after its FROM. */
function renameStage(doc: DockerDocument, stage: Stage, name: string): Edit {
  const range = (stage.from.node as From).getBuildStageRange();
  if (!range) return insertAt(stage.from.span.end, ` AS ${name}`);
  return { start: doc.offsetAt(range.start), end: doc.offsetAt(range.end), text: name };
}

/** The line before the install RUN once the copy of the tree is gone. */
function previousLine(doc: DockerDocument, tree: TreeCopy, run: InstructionInfo): number {
  const line = run.line - 1;
  return line === doc.lineAt(tree.copy.span.end) ? tree.copy.line - 1 : line;
}

/** The copy of the tree for the builder stage, with its flags and an absolute destination. */
function copyText(tree: TreeCopy): string {
  const flags = tree.copy.flags.map((f) => `${f.toString()} `).join('');
  const paths = tree.copy.execForm
    ? JSON.stringify([tree.source, tree.dest])
    : `${tree.source} ${tree.dest}`;
  return `${tree.copy.keyword} ${flags}${paths}`;
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
  let split: string | undefined;
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
      split = text;
    }
  } else if (!keepRemoval) {
    edits.push(...dropRemoval(doc, removal));
  }
  edits.push(...syntaxDirectiveEdits(doc));
  return { stage: '', edits, split };
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

import type { DockerDocument, InstructionInfo, Stage } from '../src/document';
import { buildSetups, setupList, type BuildSetup, type BuildSystem } from '../src/build-system';
import { readChain, readInstall, workingDirs, type ChainCommand } from '../src/install-script';
import { resolvePath } from '../src/paths';
import { workingDirectories } from '../src/stage-paths';
import type { Edit, Reporter, Transform } from '../src/types';

/** The strip target each build system gives each tool; none where it writes no such files. */
const STRIP_TARGETS: Record<'make' | 'ninja', Record<BuildSystem, string | null>> = {
  make: { Automake: 'install-strip', CMake: 'install/strip', Meson: null },
  ninja: { Automake: null, CMake: 'install/strip', Meson: null },
};

const stripInstalledBinaries: Transform = {
  id: 'strip-installed-binaries',
  title: 'Install stripped binaries in builder stages',
  rationale:
    'Symbol tables and debug sections are not needed to run a program. The strip target of a build tree (`make install-strip` for Automake, `make install/strip` or `ninja install/strip` for CMake) installs the same programs without them, so the files the final stage copies are smaller.',
  safety: 'content',
  messages: {
    stripped:
      'Uses `{install}` in stage `{stage}`, the strip target of the {system} build tree `{dir}` that {setup} set up: the binaries it installs lose their symbol tables and debug sections, which the image carried without running them.',
    unknown:
      'Leaves `{install}` in stage `{stage}` unstripped: {reason}. The strip target is `install-strip` in a tree Automake made and `install/strip` in one CMake made, and a target the tree lacks fails the build.',
  },
  options: {},
  limitations: [
    'Only rewrites stages whose `/opt/NAME/` the final stage copies to `/`, the shape `extract-install-stage` makes.',
    'The target is chosen from the command seen setting up the very directory the install runs in, in the install stage, a stage it builds on, or the stage a `COPY --from` brought the tree from (followed from stage to stage): `autogen.sh`, `autoreconf` or `automake` mean Automake and `install-strip`, and so does `configure` (also `sh configure`, `../configure`) when one of them or `bootstrap` ran before it in the directory that holds the script; `cmake` configuring it (`-B dir`, or run in it: `cd build && cmake ..`), `cmake --build dir` or `cmake --install dir` mean CMake and `install/strip`, for make and ninja alike. A tree set up by none of them, by two, or out of sight (in the build context, in an image, or through a COPY with a wildcard or a variable), an install in a subdirectory of the tree that was set up, and a setup whose directory holds a variable are left unstripped with a note; so is `ninja install` in a Meson tree (`meson setup`, `meson compile`…), which has no strip target.',
    "A `configure` with no Automake step seen before it is left unstripped with a note, even when it is the classic GNU one shipped ready-made in a release tarball: its text is out of sight, and one written by hand or by Autoconf alone (zlib's) makes Makefiles that may have no `install-strip` target.",
    '`cmake --install` is left alone: its `--strip` option is not used.',
    'Stripped binaries give less useful backtraces and cannot be debugged in place.',
  ],
  run(doc, report) {
    for (const stage of copiedInstallStages(doc)) {
      for (const run of stage.instructions) stripInstall(doc, stage, run, report);
    }
  },
};

export default stripInstalledBinaries;

/** Stages named NAME whose `/opt/NAME/` the final stage copies to `/`. */
function copiedInstallStages(doc: DockerDocument): Stage[] {
  const final = doc.stages[doc.stages.length - 1];
  if (!final) return [];
  return doc.stages.filter(
    (stage) =>
      stage !== final &&
      stage.name !== null &&
      final.instructions.some(
        (i) =>
          i.keyword === 'COPY' &&
          i.flags.some(
            (f) =>
              f.getName().toLowerCase() === 'from' && f.getValue()?.toLowerCase() === stage.name,
          ) &&
          i.body.text.trim() === `/opt/${stage.name}/ /`,
      ),
  );
}

/** A make or ninja `install` in an install stage, with the directory it installs from. */
interface TreeInstall {
  run: InstructionInfo;
  command: ChainCommand;
  tool: 'make' | 'ninja';
  /** Where the `install` word is, in the RUN's logical text. */
  span: { start: number; end: number };
  dir: string | null;
}

/**
 * Turns the `install` target of a make or ninja install RUN into the strip
 * target of the tree's build system, or notes why it cannot tell which.
 */
function stripInstall(doc: DockerDocument, stage: Stage, run: InstructionInfo, report: Reporter) {
  const install = readTreeInstall(doc, stage, run);
  if (!install) return;
  const chosen = stripTarget(doc, stage, install);
  const { command } = install;
  if (typeof chosen === 'string') {
    const data = { install: command.text, stage: stage.name!, reason: chosen };
    report.note(run.span.start, 'unknown', data);
    return;
  }
  const edit: Edit = {
    start: run.body.toFile(install.span.start),
    end: run.body.toFile(install.span.end - 1) + 1,
    text: chosen.target,
  };
  const data = {
    install: `${command.name} ${chosen.target}`,
    stage: stage.name!,
    system: chosen.system,
    dir: install.dir!,
    setup: chosen.setup,
  };
  report.change(run.span.start, 'stripped', data, [edit]);
}

/** The make or ninja `install` a RUN of the stage runs, or null. */
function readTreeInstall(
  doc: DockerDocument,
  stage: Stage,
  run: InstructionInfo,
): TreeInstall | null {
  if (run.keyword !== 'RUN' || run.opaque || run.execForm) return null;
  const chain = readChain(run.body.text);
  if ('problem' in chain) return null;
  const index = chain.commands.findIndex((c) => {
    const tool = readInstall(c)?.tool;
    return (tool === 'make' || tool === 'ninja') && c.args.includes('install');
  });
  if (index === -1) return null;
  const command = chain.commands[index];
  const spec = readInstall(command)!;
  const cwd = workingDirs(chain, workingDirectories(doc, stage).get(run.index) ?? null)[index];
  return {
    run,
    command,
    tool: spec.tool as 'make' | 'ninja',
    span: command.argSpans[command.args.indexOf('install')],
    dir: resolvePath(spec.dir, cwd),
  };
}

/** The strip target of the tree the install runs in, or why dslim cannot tell it. */
function stripTarget(
  doc: DockerDocument,
  stage: Stage,
  install: TreeInstall,
): { target: string; system: BuildSystem; setup: string } | string {
  const { dir, tool, command } = install;
  if (dir === null) return `dslim cannot tell the directory \`${command.text}\` runs in`;
  const setups = buildSetups(doc, stage, { run: install.run, before: install.span.start }, dir);
  const systems = [...new Set(setups.map((s) => s.system))];
  if (systems.length === 0) {
    return `no \`RUN\` of stage \`${stage.name}\`, of a stage it builds on or of one it copies the tree from runs \`configure\`, \`autoreconf\`, \`cmake\` or \`meson\` on \`${dir}\`, so dslim cannot tell which build system made it`;
  }
  const first = systems.map((system) => setups.find((s) => s.system === system)!);
  if (systems.length > 1) return `both ${setupList(first)} set up \`${dir}\``;
  if (systems[0] === null) return unconfirmedConfigure(setups, dir);
  const target = STRIP_TARGETS[tool][systems[0]];
  if (target === null && systems[0] === 'Meson' && tool === 'ninja') {
    return `${setupList(first)} set up \`${dir}\` with Meson, whose ninja files have no strip target`;
  }
  if (target === null) {
    return `${setupList(first)} set up \`${dir}\` with ${systems[0]}, which writes no files for ${tool}`;
  }
  return { target, system: systems[0], setup: setupList(first) };
}

/**
 * Why a `configure` nothing shows Automake made is left alone: only
 * Automake's Makefiles are sure to have `install-strip`.
 */
function unconfirmedConfigure(setups: BuildSetup[], dir: string): string {
  return `${setupList(setups)} set up \`${dir}\`, but no \`autoreconf\`, \`automake\`, \`autogen.sh\` or \`bootstrap\` ran before it where the script is, so nothing shows that Automake made the Makefiles it writes: a \`configure\` written by hand or by Autoconf alone (zlib's) writes Makefiles that may have no \`install-strip\` target`;
}

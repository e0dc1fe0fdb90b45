import type { DockerDocument, InstructionInfo, Stage } from '../src/document';
import { readChain, readInstall } from '../src/install-script';
import type { Edit, Transform } from '../src/types';

const stripInstalledBinaries: Transform = {
  id: 'strip-installed-binaries',
  title: 'Install stripped binaries in builder stages',
  rationale:
    'Symbol tables and debug sections are not needed to run a program. `make install-strip` installs the same programs without them, so the files the final stage copies are smaller.',
  safety: 'content',
  messages: {
    stripped:
      'Uses `make install-strip` in stage `{stage}`: the binaries it installs lose their symbol tables and debug sections, which the image carried without running them.',
  },
  options: {},
  limitations: [
    'Only rewrites stages whose `/opt/NAME/` the final stage copies to `/`, the shape `extract-install-stage` makes.',
    'The Makefile must have an `install-strip` target (automake makes one); otherwise the build fails.',
    'Stripped binaries give less useful backtraces and cannot be debugged in place.',
  ],
  run(doc, report) {
    for (const stage of copiedInstallStages(doc)) {
      for (const run of stage.instructions) {
        const edit = installTarget(run);
        if (edit) report.change(run.span.start, 'stripped', { stage: stage.name! }, [edit]);
      }
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

/** The edit turning the `install` target of a make install RUN into `install-strip`. */
function installTarget(run: InstructionInfo): Edit | null {
  if (run.keyword !== 'RUN' || run.opaque || run.execForm) return null;
  const chain = readChain(run.body.text);
  if ('problem' in chain) return null;
  const command = chain.commands.find((c) => readInstall(c)?.tool === 'make');
  const index = command ? command.args.indexOf('install') : -1;
  if (!command || index === -1) return null;
  const span = command.argSpans[index];
  const end = run.body.toFile(span.end - 1) + 1;
  return { start: run.body.toFile(span.start), end, text: 'install-strip' };
}

import { isShellRun } from '../src/document';
import { SHADOW_LIMITATION, TRAP_LIMITATION } from '../src/append';
import { lineRef } from '../src/line-ref';
import { judgeRemoval, moveContext } from '../src/moved-deletes';
import { scanScript } from '../src/script-paths';
import { analyzeScript } from '../src/shell-effects';
import type { Transform } from '../src/types';

const deleteInCreatingLayer: Transform = {
  id: 'delete-in-creating-layer',
  title: 'Delete files in the RUN that creates them',
  rationale:
    'A file written by one RUN and deleted by a later one still costs its full size in the first layer. Deleting it at the end of the RUN that writes it keeps it out of every layer; the final file system is the same.',
  safety: 'layout',
  messages: {
    moved:
      'Moves `{command}` into the `RUN` at line {creator}, which creates {paths}: deleted in the layer that writes them, the files no longer take space in any layer.',
    refused: 'Leaves `{command}` where it is: {reason}.',
  },
  options: {},
  limitations: [
    'Only paths created by `curl -o`, `wget -O`, `mkdir`, `touch`, `git clone`, `unzip -d` or an output redirection are recognized, and the `rm` must name exactly such a path.',
    'A path built from a variable or a glob is never moved; nor is a directory a `mktemp -d` made, since only a variable knows its name.',
    'Every command that runs after the creating `RUN` and before the `rm` (in a `RUN` between them, or earlier in the `RUN` of the `rm`) must provably not reach the path, or the `rm` stays: it may only be `echo`, `printf`, `true`, `:`, `set`, `cd`, `test`, `[ ]`, `mkdir`, `touch`, `chmod`, `chown`, `ln`, `cp`, `cat`, `ls`, `rm` or `rmdir`, with words free of variables, substitutions and globs (`echo` and `printf` may have them inside double quotes), naming no path at, above or inside the deleted one (nor one of its other names, see below), and not run inside it.',
    'So any other program between them keeps the `rm` where it is, even one that seems not to read the file: a script (`./install.sh`, `sh`, `python3`), `make`, `eval`, `xargs`, `find`, a shell function, a command named by a variable, and package managers too (`apt-get install`, `pip install` read configuration files, which may name a local repository in the deleted directory).',
    'A path may have other names through symbolic links, and a command that names the file by one of them reads it too. Paths that differ by a link common base images ship count as the same: merged `/usr` (`/bin`, `/sbin`, `/lib`, `/lib32`, `/lib64`, `/libx32` in `/usr`), `/var/run` → `/run`, `/var/lock` → `/run/lock`, `/var/spool/mail` → `/var/mail`, `/usr/tmp` → `/var/tmp`, `/usr/local/man` → `/usr/local/share/man`, `/etc/os-release` and `/etc/localtime` (on an image without those links this only makes dslim more careful). So do names through a link that `ln -s` or `cp -s`, or a `mv` or `cp` of such a link, makes in the stage or a stage of this file it builds on, before the `rm`. A link of that kind whose target or name holds a variable, and that may reach the path, or a `RUN` dslim cannot read that may run `ln`, keeps the `rm` where it is.',
    'Other symbolic links are not known: those an external base image has beyond the common ones, and those a package, an archive, a `COPY` of a link, or a script makes. A command that reads the deleted file through such a link is not seen.',
    'RUNs with nothing but comments between them are left to `merge-runs`.',
    'Files that the base image or an instruction before the creating RUN put at the same path are then deleted at the end of the creating RUN instead of later; nothing in between may use the path, so the final file system is the same.',
    'The `rm` must stand alone or in a chain of `&&`; one inside `if`, a loop, a subshell or beside `||` stays.',
    TRAP_LIMITATION,
    SHADOW_LIMITATION,
  ],
  run(doc, report) {
    for (const stage of doc.stages) {
      const context = moveContext(doc, stage);
      for (const run of stage.instructions.filter(isShellRun)) {
        // Most RUNs delete nothing: the cheap facts say so before a full read.
        if (
          !/\brm\b/.test(run.body.text) ||
          !analyzeScript(run.body.text).commands.includes('rm')
        ) {
          continue;
        }
        const scan = scanScript(run.body.text, context.workdirs.get(run.index) ?? null);
        for (const rm of scan.commands.filter((c) => c.name === 'rm')) {
          const verdict = judgeRemoval(context, run, rm, scan.commands);
          if (!verdict) continue;
          const command = run.body.text.slice(rm.start, rm.end).replace(/\s+/g, ' ');
          if ('reason' in verdict) {
            report.note(run.span.start, 'refused', { command, reason: verdict.reason });
            continue;
          }
          const creator = lineRef(verdict.creator);
          const paths = verdict.paths.map((p) => `\`${p}\``).join(', ');
          report.change(run.span.start, 'moved', { command, creator, paths }, verdict.edits);
          break;
        }
      }
    }
  },
};

export default deleteInCreatingLayer;

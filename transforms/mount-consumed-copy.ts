import { planMount } from '../src/consumed-copies';
import { isShellRun } from '../src/document';
import { workingDirectories } from '../src/stage-paths';
import type { Transform } from '../src/types';

const mountConsumedCopy: Transform = {
  id: 'mount-consumed-copy',
  title: 'Bind-mount a file that the next RUN uses and deletes',
  rationale:
    'A file that `COPY` or `ADD` puts in a layer keeps its size in the image even when the next RUN deletes it. Mounting it into that RUN with `--mount=type=bind` gives the RUN the same file without writing it to any layer.',
  safety: 'layout',
  messages: {
    mounted:
      'Mounts `{source}` at `{target}` in the next `RUN` instead of copying it: the `RUN` deleted it anyway, so it now never takes space in a layer.',
    refused: 'Leaves this `{keyword}` as it is: {reason}.',
  },
  options: {},
  limitations: [
    "A recursive `rm` (the source may be a directory) and an `rm` that ends the script after `;` (its exit status is the RUN's) keep the COPY.",
    'Needs BuildKit: the rewrite adds `# syntax=docker/dockerfile:1` when the file has no `syntax` directive (the change says so: BuildKit then pulls that frontend image), and leaves the COPY when the directive names a frontend older than 1.2 or one dslim does not know.',
    "A RUN under a `USER` other than root keeps the COPY, since that user may fail to delete the root-owned copy; the base image's own `USER` is not known.",
    'A command after the `rm` keeps the COPY unless it provably cannot see the file: a plain `echo`, `mkdir`, `cp`, `ln -s` and the like whose words name only other paths. A script, a `sh -c`, a variable, a glob (in a `for` loop too), a `[ ]` test of the file or a listing of a directory above it might find the mounted file where the original found none; a `trap` keeps the COPY too.',
    'A RUN that moves, replaces or hard-links the file (`mv`, `sed -i`, `ln`, `cp -l`) keeps the COPY: none of that works on a mount point.',
    'Only a single file consumed by the RUN right after it is handled, and only when its directory is known to exist already (`/`, `/tmp`, or made earlier in the stage); otherwise the COPY would have created that directory and the image would differ.',
    "The COPY stays when anything before it in the stage, or in a stage of this file it builds on, may have written its target: a COPY or ADD into the path or a directory above it, a `RUN` with any command that may reach the path (anything but a plain `echo`, `mkdir`, `cp`, `chmod`, `install` and the like naming other paths, where a mode, an owner or an option's value such as `chmod 755`, `chown root:root` or `install -m 755` is not read as a path; a package install counts), a `WORKDIR` or `VOLUME` at it. The `rm` deleted such a file, while a mount only hides it as the `RUN` runs, so it would stay in the image.",
    'Anything earlier in the stage, or in the stages of this file it is built on, that may have written the target keeps the COPY (the `rm` deleted that file, a mount would only hide it), except a system package manager (`apt-get`, `apk`, `dnf` and the like) run with plain words that do not name it, when the target is in `/tmp` or `/var/tmp`: no distribution package ships a file there.',
    'A file the external base image has at the target is not known: the original `rm` deleted it too, while with the mount it stays in the image. Keeping an `rm` of it in a `RUN` after the mounting one would add a layer, so the rewrite does not.',
    'A mounted file keeps the mode and owner it has in the build context, while `COPY` makes it owned by root; a RUN that checks ownership could see the difference.',
    'Builders other than BuildKit (buildah) may leave an empty mount point at the target path.',
    '`ADD` is only rewritten for local files whose name shows they are not tar archives, since ADD unpacks those.',
  ],
  run(doc, report) {
    for (const stage of doc.stages) {
      const workdirs = workingDirectories(doc, stage);
      stage.instructions.forEach((copy, k) => {
        const run = stage.instructions[k + 1];
        if (!['COPY', 'ADD'].includes(copy.keyword) || copy.opaque || !run) return;
        if (!isShellRun(run)) return;
        const plan = planMount(doc, stage, workdirs, copy, run);
        if (!plan) return;
        if ('reason' in plan) {
          report.note(copy.span.start, 'refused', { keyword: copy.keyword, reason: plan.reason });
        } else {
          const { source, target, edits } = plan;
          report.change(copy.span.start, 'mounted', { source, target }, edits);
        }
      });
    }
  },
};

export default mountConsumedCopy;

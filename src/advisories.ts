import type { Advisory } from './types';

/**
 * The advice for a Dockerfile that sends its whole build context into the
 * image with no ignore file in sight. Its code is in `dockerignore.ts`,
 * which the CLI loads only when it runs; this metadata stays light for
 * `dslim list`, the docs and the checks of ids.
 */
export const dockerignoreAdvice: Advisory = {
  id: 'dockerignore',
  title: 'Suggest a starter ignore file where `COPY .` sends the whole build context',
  rationale:
    'A `COPY .` or `ADD .` copies everything in the build context that no ignore file leaves out: `.git`, `node_modules`, build outputs and logs then reach a layer, and the build context grows. An ignore file that lists them keeps them out of both.',
  action:
    "`dslim fix --write --write-dockerignore` creates the starter file the note describes, and never overwrites one. When the Dockerfile is at the root of its repository (the folder holding `.git`) and no other Dockerfile is in that folder or below it, that is `.dockerignore` beside it, which every builder reads when the build context is that folder. Anywhere else, the build context may be a folder above it (`docker build -f docker/Dockerfile .`), where a `.dockerignore` beside the Dockerfile would not be read: dslim then creates `<Dockerfile name>.dockerignore` beside it (`Dockerfile.dockerignore`, `app.Dockerfile.dockerignore`), which BuildKit and buildah read for that Dockerfile whatever the build context is. Such a file replaces the context's own `.dockerignore`, so dslim writes none when it finds any ignore file up to the repository root.",
  messages: {
    suggested:
      '{copy} sends the whole build context, and dslim found no ignore file for it: {looked}. So files such as {entries} may reach the image. `dslim fix --write --write-dockerignore` creates {target}, which lists them.{kept}',
    nothingToList:
      '{copy} sends the whole build context, and dslim found no ignore file for it: {looked}. Every usual entry is a source this Dockerfile copies or uses, so none is suggested.{kept}',
    created:
      '{copy} sends the whole build context, and dslim found no ignore file for it: {looked}. Created {target} listing {entries}{readBy}.{kept}',
    notCreated:
      '{copy} sends the whole build context, and dslim found no ignore file for it: {looked}. Could not create {target}: {error}.{kept}',
  },
  limitations: [
    "dslim does not know the build context a build is given. It looks for `<Dockerfile name>.dockerignore` (or `.containerignore`) beside the Dockerfile, and for `.dockerignore` or `.containerignore` in the Dockerfile's folder and every folder above it up to the root of its repository (the folder holding `.git`), or up to `/` outside a repository; any one found means no advice, though the build may use another context where none is.",
    "The build outputs it suggests (`dist`, `build`, `target`, `out`, `__pycache__`, `*.log`) are looked for in the Dockerfile's folder only.",
    'An entry is kept out of the list when a RUN, CMD or ENTRYPOINT after the copy names it, runs `git` (for `.git`) or runs a build that may read version-control metadata, and `node_modules` when no RUN of the copying stage installs packages; a use through a variable or a script file is not seen.',
    "The Docker legacy builder (`DOCKER_BUILDKIT=0`) reads only the context's `.dockerignore`, never a `<Dockerfile name>.dockerignore`.",
    'Only `dslim fix` on files gives this advice: `--stdin` and the API have no folder to look in, and refuse an `only` list that names advice alone.',
    'A `.dockerignore` serves every Dockerfile built in its folder, so `--write-dockerignore` writes one only for a Dockerfile that is the only one in its folder and below it; otherwise it writes `<Dockerfile name>.dockerignore`, which the legacy builder does not read.',
    'The note is one per Dockerfile, about its first `COPY .` or `ADD .` with no `# dslim-ignore dockerignore` comment above it.',
    'A pip install counts as a build of the copied tree when a word of it is a relative path or an absolute path at or inside where the context was copied; a path reached through a variable or a `cd` to another name is not seen.',
  ],
};

/** Every advice, in the order its notes come after the transforms' own. */
export const advisories: readonly Advisory[] = [dockerignoreAdvice];

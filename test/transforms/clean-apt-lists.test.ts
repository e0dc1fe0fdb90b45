import { fix } from '../../src/index';
import { lines, transformTable } from '../harness';

const CLEANUP = 'rm -rf /var/lib/apt/lists/*';

transformTable('clean-apt-lists', {
  unchanged: [
    {
      name: 'a CMD that installs without an update of its own',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        'CMD apt-get install -y vim && vim',
      ),
      reason: 'the container would find no package lists to install from',
      note: 'Keeps the apt package lists of this `RUN`: the `CMD` on line 3 runs `apt-get install` when the container starts, with no `apt-get update` before it, and that reads them.',
    },
    {
      name: 'a CMD given to an entrypoint script installs',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        'ENTRYPOINT ["/entrypoint.sh"]',
        'CMD ["apt-get", "install", "-y", "vim"]',
      ),
      reason: 'an entrypoint script usually runs the words it is given',
      note: 'Keeps the apt package lists of this `RUN`: the `CMD` on line 4 gives `apt-get install` to the `ENTRYPOINT` on line 3 to run when the container starts, with no `apt-get update` before it, and that reads them.',
    },
    {
      name: 'lists on a tmpfs mount',
      input: lines(
        'FROM debian:12',
        'RUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update && apt-get install -y curl',
      ),
      reason: 'the lists go to the tmpfs, never to the layer',
      note: 'Adds no cleanup of the apt package lists: `/var/lib/apt/lists` is a tmpfs mount, so they never reach a layer.',
    },
    {
      name: 'a bind mount above the lists',
      input: lines(
        'FROM debian:12',
        'RUN --mount=type=bind,source=apt,target=/var/lib/apt,rw apt-get update && apt-get install -y curl',
      ),
      reason:
        'what apt writes there is thrown away with the mount, and the cleanup would reach into the mounted files',
      note: 'Adds no cleanup of the apt package lists: `/var/lib/apt` is a bind mount, so they never reach a layer.',
    },
    {
      name: 'a later RUN whose bind mount over the lists comes from this very stage',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'RUN --mount=type=bind,from=base,source=/var/lib/apt/lists,target=/var/lib/apt/lists apt-get install -y git',
      ),
      reason: 'a mount from a stage may bring back the very lists this RUN leaves',
      note: 'Leaves the apt package lists of this `RUN`: the `RUN --mount=from=base` on line 3 mounts `/var/lib/apt/lists` from this stage, so removing the cache would change what it reads.',
    },
    {
      name: 'a later RUN whose mount is only inside the lists still reads the rest',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        'RUN --mount=type=tmpfs,target=/var/lib/apt/lists/partial apt-get install -y git',
      ),
      reason: 'the mount covers only part of the lists',
      note: 'Keeps the apt package lists of this `RUN`: the `RUN` on line 3 runs `apt-get install` without its own `apt-get update` and reads them.',
    },
    {
      name: "a later stage built on this one through an ARG's default: FROM ${B}",
      input: lines(
        'ARG B=base',
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM ${B}',
        'RUN apt-get install -y sl',
      ),
      reason: 'with no --build-arg, the FROM names the stage, and its install reads the lists',
      note: 'Keeps the apt package lists of this `RUN`: the `RUN` on line 5 runs `apt-get install` without its own `apt-get update` and reads them.',
    },
    {
      name: "a later stage built on this one through an ARG's default, without braces: FROM $B",
      input: lines(
        'ARG B=base',
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM $B',
        'RUN apt-get install -y sl',
      ),
      reason: 'with no --build-arg, the FROM names the stage, and its install reads the lists',
      note: 'Keeps the apt package lists of this `RUN`: the `RUN` on line 5 runs `apt-get install` without its own `apt-get update` and reads them.',
    },
    {
      name: "a later stage built on this one through an ARG's default, behind a fallback: FROM ${B:-base}",
      input: lines(
        'ARG B=base',
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM ${B:-base}',
        'RUN apt-get install -y sl',
      ),
      reason: 'with no --build-arg, the FROM names the stage, and its install reads the lists',
      note: 'Keeps the apt package lists of this `RUN`: the `RUN` on line 5 runs `apt-get install` without its own `apt-get update` and reads them.',
    },
    {
      name: 'a later stage whose FROM holds an ARG without a default',
      input: lines(
        'ARG B',
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM ${B}',
        'RUN apt-get install -y sl',
      ),
      reason: '`--build-arg B=base` builds the later stage on this one',
      note: 'Keeps the apt package lists of this `RUN`: the `RUN` on line 5 runs `apt-get install` without its own `apt-get update` and reads them.',
    },
    {
      name: 'a RUN that defines a function rm',
      input: lines(
        'FROM debian:12',
        'RUN rm() { echo no; } && apt-get update && apt-get install -y curl',
      ),
      reason: 'the appended rm would call the function and delete nothing',
      note: 'Leaves the apt package lists of this `RUN`: `rm()` defines a function `rm`, which the added `rm -rf /var/lib/apt/lists/*` would run instead of the program.',
    },
    {
      name: 'a RUN that exports another PATH',
      input: lines(
        'FROM debian:12',
        'RUN export PATH=/x && apt-get update && apt-get install -y curl',
      ),
      reason: 'rm is not found on the new PATH',
      note: 'Leaves the apt package lists of this `RUN`: `export PATH=/x` changes where the shell finds `rm`, so the added `rm -rf /var/lib/apt/lists/*` may run another program, or none.',
    },
    {
      name: 'a RUN that purges packages named by a variable',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl && apt-get purge -y $DEPS',
      ),
      reason: '$DEPS may name coreutils, which holds rm',
      note: 'Leaves the apt package lists of this `RUN`: `apt-get purge -y $DEPS` removes `$DEPS`, so the added `rm -rf /var/lib/apt/lists/*` may not find the `rm` it runs.',
    },
    {
      name: 'an EXIT trap that reads the lists',
      input: lines(
        'FROM debian:12',
        "RUN trap 'apt-cache policy curl > /policy.txt' EXIT; apt-get update && apt-get install -y curl",
      ),
      reason: 'the trap runs after the appended rm, and `apt-cache policy` would find no lists',
      note: "Leaves the apt package lists of this `RUN`: it sets a trap that runs when the shell exits (`trap 'apt-cache policy curl > /policy...`), so commands added at its end would run before the trap, or set it off.",
    },
    {
      name: 'a trap on signal 0',
      input: lines(
        'FROM debian:12',
        "RUN trap 'ls /var/lib/apt/lists > /l' 0; apt-get update && apt-get install -y curl",
      ),
      reason: '0 is EXIT',
      note: "it sets a trap that runs when the shell exits (`trap 'ls /var/lib/apt/lists > /l' 0`)",
    },
    {
      name: 'a trap on signal words from a variable',
      input: lines(
        'FROM debian:12',
        "RUN trap 'ls /var/lib/apt/lists > /l' $SIGNALS; apt-get update && apt-get install -y curl",
      ),
      reason: 'the variable may name EXIT',
      note: "it sets a trap that runs on signals named by words that cannot be read before it runs, EXIT perhaps (`trap 'ls /var/lib/apt/lists > /l' $SI...`)",
    },
    {
      name: 'a trap whose unquoted action may split into more signals',
      input: lines(
        'FROM debian:12',
        'RUN trap $HANDLER INT; apt-get update && apt-get install -y curl',
      ),
      reason: '`$HANDLER` may be `cleanup EXIT`',
      note: 'it sets a trap that runs on signals named by words that cannot be read before it runs, EXIT perhaps (`trap $HANDLER INT`)',
    },
    {
      name: 'a DEBUG trap under bash',
      input: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-c"]',
        'RUN trap \'echo "$BASH_COMMAND" >> /log\' DEBUG; apt-get update && apt-get install -y curl',
      ),
      reason: 'the trap would log the appended rm too',
      note: 'it sets a trap that runs before every command, in bash',
    },
    {
      name: 'an EXIT trap set by a literal eval',
      input: lines(
        'FROM debian:12',
        'RUN eval "trap \'ls /var/lib/apt/lists > /l\' EXIT"; apt-get update && apt-get install -y curl',
      ),
      reason: 'eval runs the trap command in the same shell',
      note: 'it sets a trap that runs when the shell exits (`eval "trap \'ls /var/lib/apt/lists > /...`)',
    },
    {
      name: 'a compound command last, under set -e',
      input: lines(
        'FROM debian:12',
        'RUN set -e; if true; then apt-get update; apt-get install -y curl; fi',
      ),
      reason: 'followed by `&&`, the if would no longer stop at a failing command',
      note: 'it ends in a compound command; `&&` after it would switch off, inside it, the errexit (`set -e`) that `set -e` turns on',
    },
    {
      name: 'a compound command last, under a SHELL with -e',
      input: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-eo", "pipefail", "-c"]',
        'RUN for p in curl git; do apt-get update && apt-get install -y "$p"; done',
      ),
      reason: 'errexit comes from the SHELL and would stop applying inside the loop',
      note: 'ends in a compound command; `&&` after it would switch off, inside it, the errexit (`set -e`) that the SHELL `/bin/bash -eo pipefail -c` turns on',
    },
    {
      name: 'a call of a function the RUN defines last, under set -e',
      input: lines(
        'FROM debian:12',
        'RUN set -e; install() { apt-get update; apt-get install -y curl; }; install',
      ),
      reason: 'followed by `&&`, the function would go on past a failing `apt-get update`',
      note: 'it ends in a call of the function `install`; `&&` after it would switch off, inside it, the errexit',
    },
    {
      name: 'a name a sourced file may define, last under a SHELL with -e',
      input: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-e", "-c"]',
        'RUN . /opt/lib.sh && apt-get update && apt-get install -y curl && finish_install',
      ),
      reason:
        '`finish_install` may be a function of the sourced file, which `&&` would run without errexit',
      note: 'it ends in `finish_install`, which may be a function defined in code the script runs but does not show',
    },
    {
      name: 'lists already removed after the install',
      input: lines('FROM debian:12', `RUN apt-get update && apt-get install -y curl && ${CLEANUP}`),
      reason: 'the RUN already removes the lists',
    },
    {
      name: 'install without an update of its own',
      input: lines('FROM debian:12', 'RUN apt-get install -y curl'),
      reason: 'the lists come from an earlier layer; removing them here frees nothing',
    },
    {
      name: 'update alone',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update',
        'ENV A=1',
        'RUN apt-get install -y curl',
      ),
      reason: 'the RUN that updates installs nothing, and the one that installs has no update',
    },
    {
      name: 'lists on a cache mount',
      input: lines(
        'FROM ubuntu:24.04',
        'RUN --mount=type=cache,target=/var/lib/apt,sharing=locked \\',
        '    apt-get update && apt-get install -y gcc',
      ),
      reason: 'a cache mount never reaches a layer, and cleaning it would empty the cache',
      note: '`/var/lib/apt` is a cache mount',
    },
    {
      name: 'a later RUN installs without updating',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        'COPY . /src',
        'RUN apt-get install -y git',
      ),
      reason: 'the later install reads the lists',
      note: 'the `RUN` on line 4 runs `apt-get install`',
    },
    {
      name: 'a stage built from this one reads the lists',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM base',
        'RUN apt-cache policy curl',
      ),
      reason: 'stages built from this one inherit the lists and read them',
      note: 'line 4 runs `apt-cache policy`',
    },
    {
      name: 'exec form',
      input: lines(
        'FROM debian:12',
        'RUN ["/bin/sh", "-c", "apt-get update && apt-get install -y curl"]',
      ),
      reason: 'an exec-form RUN cannot take a shell command',
      note: 'exec-form (JSON) RUN',
    },
    {
      name: 'heredoc',
      input: lines(
        'FROM debian:12',
        'RUN <<EOF',
        'apt-get update && apt-get install -y curl',
        'EOF',
      ),
      reason: 'heredocs are never edited',
      note: 'heredoc',
    },
    {
      name: 'background job',
      input: lines('FROM debian:12', 'RUN apt-get update && apt-get install -y curl &'),
      reason: 'a command after `&` would race the background job',
      note: 'background job',
    },
    {
      name: 'comment that runs over a continuation',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl # fetch \\',
        '    tools',
      ),
      reason: 'text added after the comment would be commented out',
      note: 'runs over a line continuation',
    },
    {
      name: 'PowerShell',
      input: lines(
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
        'SHELL ["powershell", "-Command"]',
        'RUN apt-get update; apt-get install -y curl',
      ),
      reason: 'no POSIX shell runs the RUN, so no cleanup can be joined to it',
    },
    {
      name: '`apt-get dist-clean` after the install',
      input: lines(
        'FROM debian:13',
        'RUN apt-get update; apt-get install -y curl; apt-get dist-clean',
      ),
      reason: '`apt-get dist-clean` deletes the lists already',
    },
    {
      name: 'a later stage copies the lists out',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM scratch',
        'COPY --from=base /var/lib/apt/lists /lists',
      ),
      reason: 'the lists are files of the final image at `/lists`, not a cache',
      note: 'the `COPY --from=base` on line 4 copies `/var/lib/apt/lists` from this stage, so removing the cache would change what it copies',
    },
    {
      name: 'a later stage copies a directory above the lists, naming the stage by index',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        'FROM scratch',
        'COPY --from=0 /var/lib/apt /apt',
      ),
      reason: '`/var/lib/apt` holds the lists, so the copy would lose them',
      note: 'copies `/var/lib/apt` from this stage',
    },
    {
      name: 'a later stage copies one list file, in JSON form',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM scratch',
        'COPY --from=base ["/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease", "/"]',
      ),
      reason: 'the file is inside the lists directory the cleanup empties',
      note: 'copies `/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease`',
    },
    {
      name: 'a relative source reads from the root of the stage, whatever its WORKDIR',
      input: lines(
        'FROM debian:12 AS base',
        'WORKDIR /src',
        'RUN apt-get update && apt-get install -y curl',
        'FROM scratch',
        'COPY --from=base var/lib/apt/lists /lists',
      ),
      reason: '`COPY --from` resolves relative sources from `/` of the stage',
      note: 'copies `var/lib/apt/lists` from this stage',
    },
    {
      name: 'a glob that can reach the lists',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM scratch',
        'COPY --from=base /var/lib/apt/*/ /apt/',
      ),
      reason: 'the glob matches `lists`',
      note: 'copies `/var/lib/apt/*/`',
    },
    {
      name: 'the root of a stage built on this one copied elsewhere',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM base AS app',
        'RUN echo built > /built',
        'FROM scratch',
        'COPY --from=app / /rootfs',
      ),
      reason: 'the stage built on this one has the lists, and the copy moves them to `/rootfs`',
      note: "copies `/` from stage `app`, which has this stage's files",
    },
    {
      name: 'a later RUN mounts the lists',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM debian:12',
        'RUN --mount=type=bind,from=base,source=/var/lib/apt/lists,target=/lists ls /lists',
      ),
      reason: 'the mount shows the lists to the later RUN',
      note: 'the `RUN --mount=from=base` on line 4 mounts `/var/lib/apt/lists` from this stage, so removing the cache would change what it reads',
    },
    {
      name: 'a later RUN mounts the whole stage',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM debian:12',
        'RUN --mount=from=base,target=/base cp -r /base/var/lib/apt/lists /lists',
      ),
      reason: 'a mount without `source` shows the whole stage, lists included',
      note: 'mounts `/` from this stage',
    },
    {
      name: 'a `--from` holding a variable',
      input: lines(
        'ARG STAGE=base',
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM scratch',
        'COPY --from=${STAGE} /var/lib/apt/lists /lists',
      ),
      reason: 'the variable may name this stage',
      note: 'a stage named by a variable',
    },
    {
      name: 'a stage that copies the lists back in place installs without updating',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM debian:12',
        'COPY --from=base /var/lib/apt /var/lib/apt',
        'RUN apt-get install -y git',
      ),
      reason: 'the copy keeps the lists where they were, and the later install reads them there',
      note: 'the `RUN` on line 5 runs `apt-get install`',
    },
    {
      name: 'an ONBUILD RUN of a stage built on it installs without updating',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM base',
        'ONBUILD RUN apt-get install -y wget',
      ),
      reason: 'the trigger runs in the images built on this one, and reads the lists there',
      note: 'Keeps the apt package lists of this `RUN`: the `RUN` on line 4 runs `apt-get install` without its own `apt-get update` and reads them.',
    },
    {
      name: 'an ONBUILD RUN written before the RUN in its own stage',
      input: lines(
        'FROM debian:12',
        'ONBUILD RUN --network=host apt-get install -y wget',
        'RUN apt-get update && apt-get install -y curl',
      ),
      reason: 'a trigger runs after the whole stage, wherever it is written; its flags are skipped',
      note: 'the `RUN` on line 2 runs `apt-get install`',
    },
    {
      name: 'an ONBUILD COPY --from of the lists',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM debian:12',
        'ONBUILD COPY --from=base /var/lib/apt/lists /lists',
      ),
      reason: 'the trigger copies the lists into every image built on the final one',
      note: 'the `ONBUILD COPY --from=base` on line 4 copies `/var/lib/apt/lists` from this stage',
    },
    {
      name: 'a later stage copies the lists themselves back to the same path',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM debian:12',
        'COPY --from=base /var/lib/apt/lists /var/lib/apt/lists',
      ),
      reason: 'a copy of the cache directory itself asks for the lists',
      note: 'the `COPY --from=base` on line 4 copies `/var/lib/apt/lists` from this stage',
    },
  ],
  changed: [
    {
      name: 'a later RUN that bind-mounts its own lists reads them, not these',
      input: lines(
        'FROM debian:12',
        'RUN --mount=type=tmpfs,target=/var/cache/apt apt-get update && apt-get install -y curl',
        'RUN --mount=type=bind,source=lists,target=/var/lib/apt/lists apt-get install -y git',
      ),
      output: lines(
        'FROM debian:12',
        'RUN --mount=type=tmpfs,target=/var/cache/apt apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
        'RUN --mount=type=bind,source=lists,target=/var/lib/apt/lists apt-get install -y git',
      ),
    },
    {
      name: 'a later RUN with a tmpfs above the lists sees no lists at all',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        'RUN --mount=type=tmpfs,target=/var/lib/apt apt-get install -y git || true',
      ),
      output: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
        'RUN --mount=type=tmpfs,target=/var/lib/apt apt-get install -y git || true',
      ),
    },
    {
      name: 'a later stage whose FROM names an external image through an ARG',
      input: lines(
        'ARG IMG=debian:12',
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM ${IMG}',
        'RUN apt-get install -y sl',
      ),
      output: lines(
        'ARG IMG=debian:12',
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
        'FROM ${IMG}',
        'RUN apt-get install -y sl',
      ),
    },
    {
      name: 'PATH set for one command only, and a glob outside program directories',
      input: lines(
        'FROM debian:12',
        'RUN PATH=/x:$PATH apt-get update && apt-get install -y curl && rm -rf /tmp/*',
      ),
      output: lines(
        'FROM debian:12',
        'RUN PATH=/x:$PATH apt-get update && apt-get install -y curl && rm -rf /tmp/* && rm -rf /var/lib/apt/lists/*',
      ),
    },
    {
      name: 'a trap on INT only',
      input: lines(
        'FROM debian:12',
        "RUN trap 'echo stop' INT TERM; apt-get update && apt-get install -y curl",
      ),
      output: lines(
        'FROM debian:12',
        "RUN trap 'echo stop' INT TERM; apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
      ),
    },
    {
      name: 'a reset of the EXIT trap, and a trap that only prints',
      input: lines(
        'FROM debian:12',
        'RUN trap - EXIT; trap -p; apt-get update && apt-get install -y curl',
      ),
      output: lines(
        'FROM debian:12',
        'RUN trap - EXIT; trap -p; apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
      ),
    },
    {
      name: 'an EXIT trap inside a subshell, which fires before the added command',
      input: lines(
        'FROM debian:12',
        "RUN ( trap 'ls /var/lib/apt/lists > /l' EXIT; apt-get update && apt-get install -y curl )",
      ),
      output: lines(
        'FROM debian:12',
        "RUN ( trap 'ls /var/lib/apt/lists > /l' EXIT; apt-get update && apt-get install -y curl ) && rm -rf /var/lib/apt/lists/*",
      ),
    },
    {
      name: 'a compound command before the last command, under a SHELL with -e',
      input: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-e", "-c"]',
        'RUN for p in curl git; do apt-get update && apt-get install -y "$p"; done && echo ok',
      ),
      output: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-e", "-c"]',
        `RUN for p in curl git; do apt-get update && apt-get install -y "$p"; done && echo ok && ${CLEANUP}`,
      ),
    },
    {
      name: 'one-line RUN',
      input: lines('FROM debian:12', 'RUN apt-get update && apt-get install -y curl'),
      output: lines(
        'FROM debian:12',
        `RUN apt-get update && apt-get install -y curl && ${CLEANUP}`,
      ),
      message: 'no longer stay in the layer',
    },
    {
      name: 'operators at line ends',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && \\',
        '    apt-get install -y \\',
        '      curl',
      ),
      output: lines(
        'FROM debian:12',
        'RUN apt-get update && \\',
        '    apt-get install -y \\',
        '      curl && \\',
        `    ${CLEANUP}`,
      ),
    },
    {
      name: 'operators at line starts',
      input: lines('FROM debian:12', 'RUN apt-get update \\', '  && apt-get install -y curl'),
      output: lines(
        'FROM debian:12',
        'RUN apt-get update \\',
        '  && apt-get install -y curl \\',
        `  && ${CLEANUP}`,
      ),
    },
    {
      name: '`|| true` keeps its meaning: `(a || true) && cleanup`',
      input: lines('FROM debian:12', 'RUN apt-get update && apt-get install -y curl || true'),
      output: lines(
        'FROM debian:12',
        `RUN apt-get update && apt-get install -y curl || true && ${CLEANUP}`,
      ),
    },
    {
      name: 'commands after `;` and sudo',
      input: lines('FROM debian:12', 'RUN sudo apt-get update; sudo apt-get install -y curl;'),
      output: lines(
        'FROM debian:12',
        `RUN sudo apt-get update; sudo apt-get install -y curl && ${CLEANUP};`,
      ),
    },
    {
      name: 'a comment ending a one-line RUN stays at the end',
      input: lines('FROM debian:12', 'RUN apt-get update && apt-get install -y curl # tools'),
      output: lines(
        'FROM debian:12',
        `RUN apt-get update && apt-get install -y curl && ${CLEANUP} # tools`,
      ),
    },
    {
      name: 'a comment ending a longer RUN moves onto its own line',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && \\',
        '    apt-get install -y curl # tools',
      ),
      output: lines(
        'FROM debian:12',
        'RUN apt-get update && \\',
        '    apt-get install -y curl && \\',
        '    # tools',
        `    ${CLEANUP}`,
      ),
    },
    {
      name: 'a later RUN updates again before installing',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        'COPY . /src',
        'RUN apt-get update && apt-get install -y git',
      ),
      output: lines(
        'FROM debian:12',
        `RUN apt-get update && apt-get install -y curl && ${CLEANUP}`,
        'COPY . /src',
        `RUN apt-get update && apt-get install -y git && ${CLEANUP}`,
      ),
    },
    {
      name: 'lists removed before the update do not count',
      input: lines('FROM debian:12', `RUN ${CLEANUP} && apt-get update && apt install -y curl`),
      output: lines(
        'FROM debian:12',
        `RUN ${CLEANUP} && apt-get update && apt install -y curl && ${CLEANUP}`,
      ),
    },
    {
      name: 'CRLF line endings',
      input: 'FROM debian:12\r\nRUN apt-get update && \\\r\n    apt-get install -y curl\r\n',
      output: `FROM debian:12\r\nRUN apt-get update && \\\r\n    apt-get install -y curl && \\\r\n    ${CLEANUP}\r\n`,
    },
    {
      name: 'backtick escape character',
      input: lines(
        '# escape=`',
        'FROM debian:12',
        'RUN apt-get update && `',
        '    apt-get install -y curl',
      ),
      output: lines(
        '# escape=`',
        'FROM debian:12',
        'RUN apt-get update && `',
        '    apt-get install -y curl && `',
        `    ${CLEANUP}`,
      ),
    },
    {
      name: 'a later stage copies other files out',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM scratch',
        'COPY --from=base /usr/bin/curl /var/lib/apt/lists-old /',
      ),
      output: lines(
        'FROM debian:12 AS base',
        `RUN apt-get update && apt-get install -y curl && ${CLEANUP}`,
        'FROM scratch',
        'COPY --from=base /usr/bin/curl /var/lib/apt/lists-old /',
      ),
    },
    {
      name: 'a later stage copies the lists of the stage this one is built on',
      input: lines(
        'FROM debian:12 AS base',
        'FROM base AS build',
        'RUN apt-get update && apt-get install -y curl',
        'FROM scratch',
        'COPY --from=base /var/lib/apt/lists /lists',
      ),
      output: lines(
        'FROM debian:12 AS base',
        'FROM base AS build',
        `RUN apt-get update && apt-get install -y curl && ${CLEANUP}`,
        'FROM scratch',
        'COPY --from=base /var/lib/apt/lists /lists',
      ),
    },
    {
      name: 'a `--from` naming an image, not a stage',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        'FROM scratch',
        'COPY --from=debian:12 /var/lib/apt/lists /lists',
      ),
      output: lines(
        'FROM debian:12',
        `RUN apt-get update && apt-get install -y curl && ${CLEANUP}`,
        'FROM scratch',
        'COPY --from=debian:12 /var/lib/apt/lists /lists',
      ),
    },
    {
      name: 'a mount of another directory of the stage',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM debian:12',
        'RUN --mount=from=base,source=/usr/bin,target=/b ls /b',
      ),
      output: lines(
        'FROM debian:12 AS base',
        `RUN apt-get update && apt-get install -y curl && ${CLEANUP}`,
        'FROM debian:12',
        'RUN --mount=from=base,source=/usr/bin,target=/b ls /b',
      ),
    },
    {
      name: 'an ONBUILD RUN that updates first',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        'ONBUILD RUN apt-get update && apt-get install -y wget',
      ),
      output: lines(
        'FROM debian:12',
        `RUN apt-get update && apt-get install -y curl && ${CLEANUP}`,
        'ONBUILD RUN apt-get update && apt-get install -y wget',
      ),
    },
    {
      name: 'the whole stage copied back in place, as a stage built on it would have it',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM scratch',
        'COPY --from=base / /',
      ),
      output: lines(
        'FROM debian:12 AS base',
        `RUN apt-get update && apt-get install -y curl && ${CLEANUP}`,
        'FROM scratch',
        'COPY --from=base / /',
      ),
    },
    {
      name: 'a relative destination copies back in place from WORKDIR /',
      input: lines(
        'FROM debian:12 AS base',
        'RUN apt-get update && apt-get install -y curl',
        'FROM scratch',
        'WORKDIR /',
        'COPY --from=base --chown=0:0 /var/lib/ var/lib',
      ),
      output: lines(
        'FROM debian:12 AS base',
        `RUN apt-get update && apt-get install -y curl && ${CLEANUP}`,
        'FROM scratch',
        'WORKDIR /',
        'COPY --from=base --chown=0:0 /var/lib/ var/lib',
      ),
    },
  ],
});

test('an `apt-get update` RUN is joined to the install, then the lists are removed', async () => {
  const input = lines('FROM debian:12', 'RUN apt-get update', 'RUN apt-get install -y curl');
  const result = await fix(input, { only: ['merge-runs', 'clean-apt-lists'] });
  expect(result.output).toBe(
    lines(
      'FROM debian:12',
      'RUN apt-get update && \\',
      '    apt-get install -y curl && \\',
      `    ${CLEANUP}`,
    ),
  );
  expect(result.changes.map((c) => c.transform)).toEqual(['merge-runs', 'clean-apt-lists']);
});

const MOUNTS =
  '--mount=type=cache,target=/var/lib/apt/lists,sharing=locked --mount=type=cache,target=/var/cache/apt,sharing=locked';
const SYNTAX = '# syntax=docker/dockerfile:1';

transformTable(
  'clean-apt-lists',
  {
    unchanged: [
      {
        name: 'lists already on a cache mount',
        input: lines(
          'FROM debian:12',
          'RUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y curl',
        ),
        reason: 'the lists never reach a layer',
        note: 'Adds no cleanup of the apt package lists: `/var/lib/apt` is a cache mount',
      },
      {
        name: 'lists already removed after the install',
        input: lines(
          'FROM debian:12',
          `RUN apt-get update && apt-get install -y curl && ${CLEANUP}`,
        ),
        reason: 'the lists are gone from the layer already, and a mount would add nothing to it',
      },
      {
        name: 'a later RUN installs without updating',
        input: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y curl',
          'RUN apt-get install -y git',
        ),
        reason: 'with a mount the lists would be missing from the layer the later RUN reads',
        note: 'the `RUN` on line 3 runs `apt-get install`',
      },
      {
        name: 'heredoc',
        input: lines(
          'FROM debian:12',
          'RUN <<EOF',
          'apt-get update && apt-get install -y curl',
          'EOF',
        ),
        reason: 'heredocs are never edited',
        note: 'Leaves the apt package lists of this `RUN`: the RUN has a heredoc',
      },
    ],
    changed: [
      {
        name: 'update and install: both caches are mounted, and BuildKit is asked for',
        input: lines('FROM debian:12', 'RUN apt-get update && apt-get install -y curl'),
        output: lines(
          SYNTAX,
          'FROM debian:12',
          `RUN ${MOUNTS} apt-get update && apt-get install -y curl`,
        ),
        message:
          "Mounts build caches at `/var/lib/apt/lists` and `/var/cache/apt` for `apt-get install`: the package lists stay in BuildKit's cache, not in the layer, and the next `apt-get update` only fetches what changed. Downloaded packages stay there only where the image keeps them: the official Debian and Ubuntu images delete them after each install (`/etc/apt/apt.conf.d/docker-clean`).",
      },
      {
        name: 'after the flags the RUN has, on their line; a syntax directive there stays',
        input: lines(
          '# syntax=docker/dockerfile:1.7',
          'FROM debian:12',
          'RUN --mount=type=secret,id=netrc \\',
          '    apt-get update && \\',
          '    apt-get install -y curl',
        ),
        output: lines(
          '# syntax=docker/dockerfile:1.7',
          'FROM debian:12',
          `RUN --mount=type=secret,id=netrc ${MOUNTS} \\`,
          '    apt-get update && \\',
          '    apt-get install -y curl',
        ),
      },
      {
        name: 'CRLF line endings and the backtick escape',
        input:
          '# escape=`\r\nFROM debian:12\r\nRUN apt-get update && `\r\n    apt-get install -y curl\r\n',
        output: `${SYNTAX}\r\n# escape=\`\r\nFROM debian:12\r\nRUN ${MOUNTS} apt-get update && \`\r\n    apt-get install -y curl\r\n`,
      },
      {
        name: 'the lists are read before the update: cleaned up instead',
        input: lines(
          'FROM debian:12',
          'RUN apt-cache policy curl && apt-get update && apt-get install -y curl',
        ),
        output: lines(
          'FROM debian:12',
          `RUN apt-cache policy curl && apt-get update && apt-get install -y curl && ${CLEANUP}`,
        ),
        message:
          'Adds `rm -rf /var/lib/apt/lists/*` after the install instead of cache mounts, because `apt-cache policy` reads the package lists before `apt-get update`, and a mount would hide the ones the image has: the package lists that `apt-get update` downloaded no longer stay in the layer.',
      },
      {
        name: 'the RUN removes a directory that would be a mount point: cleaned up instead',
        input: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y curl && rm -rf /var/cache/apt',
        ),
        output: lines(
          'FROM debian:12',
          `RUN apt-get update && apt-get install -y curl && rm -rf /var/cache/apt && ${CLEANUP}`,
        ),
        message:
          'instead of cache mounts, because its `rm` removes `/var/cache/apt` or a directory above it, which fails on a mount point:',
      },
      {
        name: '`find -delete` above a mount point: cleaned up instead',
        input: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y curl && find /var/lib/apt -delete',
        ),
        output: lines(
          'FROM debian:12',
          `RUN apt-get update && apt-get install -y curl && find /var/lib/apt -delete && ${CLEANUP}`,
        ),
        message:
          'because its `find` names `/var/lib/apt`, at, above or below `/var/lib/apt/lists`: what it writes there would go into the cache mount instead of the layer, and a mount point cannot be moved or deleted:',
      },
      {
        name: 'a mount point moved away: cleaned up instead',
        input: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y curl && mv /var/lib/apt/lists /tmp/l',
        ),
        output: lines(
          'FROM debian:12',
          `RUN apt-get update && apt-get install -y curl && mv /var/lib/apt/lists /tmp/l && ${CLEANUP}`,
        ),
        message:
          'because its `mv` names `/var/lib/apt/lists`, at, above or below `/var/lib/apt/lists`',
      },
      {
        name: 'a removal relative to a `cd` above the mount: cleaned up instead',
        input: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y curl && cd /var/lib && rm -rf apt',
        ),
        output: lines(
          'FROM debian:12',
          `RUN apt-get update && apt-get install -y curl && cd /var/lib && rm -rf apt && ${CLEANUP}`,
        ),
        message: 'because its `cd` names `/var/lib`, at, above or below `/var/lib/apt/lists`',
      },
      {
        name: 'a removal through a variable: cleaned up instead',
        input: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y curl && d=/var/lib; rm -rf $d/apt',
        ),
        output: lines(
          'FROM debian:12',
          `RUN apt-get update && apt-get install -y curl && d=/var/lib; rm -rf $d/apt && ${CLEANUP}`,
        ),
        message:
          'because its `rm` has an operand dslim cannot resolve (`$d/apt`), which may be `/var/lib/apt/lists` or a directory above it, and a mount point cannot be moved or deleted:',
      },
      {
        name: 'something else is mounted there already: cleaned up instead',
        input: lines(
          'FROM debian:12',
          'RUN --mount=type=tmpfs,target=/var/cache apt-get update && apt-get install -y curl',
        ),
        output: lines(
          'FROM debian:12',
          `RUN --mount=type=tmpfs,target=/var/cache apt-get update && apt-get install -y curl && ${CLEANUP}`,
        ),
        message: 'because the `RUN` already mounts something at `/var/cache`:',
      },
    ],
  },
  { caches: 'mount' },
);

test('with cache mounts, an `apt-get update` RUN is joined to the install, then mounted', async () => {
  const input = lines(
    'FROM debian:12',
    'RUN apt-get update',
    'RUN apt-get install -y curl',
    'RUN rm -rf /var/cache/apt/archives/partial',
  );
  const result = await fix(input, { only: ['merge-runs', 'clean-apt-lists'], caches: 'mount' });
  expect(result.output).toBe(
    lines(
      SYNTAX,
      'FROM debian:12',
      `RUN ${MOUNTS} apt-get update && \\`,
      '    apt-get install -y curl && \\',
      '    rm -rf /var/cache/apt/archives/partial',
    ),
  );
  expect(result.changes.map((c) => c.transform)).toEqual(['merge-runs', 'clean-apt-lists']);
});

test('with cache mounts, a RUN joined after the install is judged with it', async () => {
  const input = lines(
    'FROM debian:12',
    'RUN apt-get update && apt-get install -y curl',
    'RUN rm -rf /var/cache/apt',
  );
  const result = await fix(input, { only: ['merge-runs', 'clean-apt-lists'], caches: 'mount' });
  expect(result.output).toBe(
    lines(
      'FROM debian:12',
      'RUN apt-get update && apt-get install -y curl && \\',
      '    rm -rf /var/cache/apt && \\',
      `    ${CLEANUP}`,
    ),
  );
});

/** A later install without a network reads the lists this RUN leaves, even after its own `apt-get update`. */
transformTable('clean-apt-lists', {
  unchanged: [
    {
      name: 'a later `apt-cache` without a network, after an `apt-get update` that cannot fetch',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        'RUN --network=none apt-get update && apt-cache policy jq',
      ),
      reason: 'the failed update leaves the lists of this RUN for `apt-cache` to read',
      note: '`apt-cache policy` in the `RUN` on line 3 runs from the cache rather than the network (`RUN --network=none`)',
    },
  ],
  changed: [
    {
      name: 'a later install in a `RUN --network=none`, after an `apt-get update` that cannot fetch',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        'RUN --network=none apt-get update && apt-get install -y jq',
      ),
      output: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        'RUN --network=none apt-get update && apt-get install -y jq && rm -rf /var/lib/apt/lists/*',
      ),
      note: 'Leaves the apt package lists of this `RUN`: `apt-get install` in the `RUN` on line 3 runs from the cache rather than the network (`RUN --network=none`), so it needs what this `RUN` leaves there.',
    },
    {
      name: 'a later `--no-download` after its own `update`: the lists cleanup keeps the packages it reads',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        'RUN apt-get update && apt-get install -y --no-download curl',
      ),
      output: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
        'RUN apt-get update && apt-get install -y --no-download curl && rm -rf /var/lib/apt/lists/*',
      ),
    },
    {
      name: 'a download-only install: the lists go, the downloaded packages stay',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y --download-only curl',
      ),
      output: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y --download-only curl && rm -rf /var/lib/apt/lists/*',
      ),
    },
  ],
});

/** A mount at `/var/cache/apt` would take the downloaded packages out of the layer, where the cleanup keeps them. */
transformTable(
  'clean-apt-lists',
  {
    unchanged: [
      {
        name: 'a later `apt-cache` without a network, after an `apt-get update` that cannot fetch',
        input: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y curl',
          'RUN --network=none apt-get update && apt-cache policy jq',
        ),
        reason: 'the failed update leaves the lists of this RUN for `apt-cache` to read',
        note: '`apt-cache policy` in the `RUN` on line 3 runs from the cache rather than the network (`RUN --network=none`)',
      },
    ],
    changed: [
      {
        name: 'a download-only install: the cleanup instead',
        input: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y --download-only curl',
        ),
        output: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y --download-only curl && rm -rf /var/lib/apt/lists/*',
        ),
        message:
          'instead of cache mounts, because `apt-get install` only downloads packages into the cache (`--download-only`), for a later step to install them from there:',
      },
      {
        name: '`-d` grouped with `-y`: the cleanup instead',
        input: lines('FROM debian:12', 'RUN apt-get update && apt-get install -yd curl'),
        output: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -yd curl && rm -rf /var/lib/apt/lists/*',
        ),
        message: '(`-d`)',
      },
      {
        name: '`-o APT::Get::Download-Only=true`: the cleanup instead',
        input: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y -o APT::Get::Download-Only=true curl',
        ),
        output: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y -o APT::Get::Download-Only=true curl && rm -rf /var/lib/apt/lists/*',
        ),
        message: '(`-o APT::Get::Download-Only=true`)',
      },
      {
        name: 'a later RUN names the downloaded packages: the cleanup instead',
        input: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y curl',
          'RUN dpkg -i /var/cache/apt/archives/*.deb',
        ),
        output: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
          'RUN dpkg -i /var/cache/apt/archives/*.deb',
        ),
        message: 'because `dpkg` in the `RUN` on line 3 names the cache, which it may read:',
      },
      {
        name: 'a later stage copies the downloaded packages: the cleanup instead',
        input: lines(
          'FROM debian:12 AS a',
          'RUN apt-get update && apt-get install -y curl',
          'FROM debian:12',
          'COPY --from=a /var/cache/apt/archives /debs',
        ),
        output: lines(
          'FROM debian:12 AS a',
          'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
          'FROM debian:12',
          'COPY --from=a /var/cache/apt/archives /debs',
        ),
        message:
          'because the `COPY --from=a` on line 4 copies `/var/cache/apt/archives` from this stage',
      },
      {
        name: 'a later `--no-download`, and one of its own: the cleanup instead for both',
        input: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y curl',
          'RUN apt-get update && apt-get install -y --no-download curl',
        ),
        output: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
          'RUN apt-get update && apt-get install -y --no-download curl && rm -rf /var/lib/apt/lists/*',
        ),
        message:
          'because `apt-get install` in the `RUN` on line 3 runs from the cache rather than the network (`--no-download`), so it needs what this `RUN` leaves there:',
      },
      {
        name: 'an install of its own with `--no-download`: the cleanup instead',
        input: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y --no-download curl',
        ),
        output: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y --no-download curl && rm -rf /var/lib/apt/lists/*',
        ),
        message:
          'because `apt-get install` runs from the cache rather than the network (`--no-download`), and a mount would hide the cache the image has:',
      },
    ],
  },
  { caches: 'mount' },
);

/** Wrappers a later install runs through; each still reads the lists. */
const LATER_APT_INSTALLS = [
  'env VAR=x apt-get install -y b',
  'sudo -u root apt-get install -y b',
  'xargs apt-get install -y < pkgs.txt',
  'command apt-get install -y b',
  'exec apt-get install -y b',
  'time apt-get install -y b',
  'nice -n 5 apt-get install -y b',
  'nohup apt-get install -y b',
  'timeout 600 apt-get install -y b',
  "sh -c 'apt-get install -y b'",
  'bash -c "apt-get install -y b"',
];

transformTable('clean-apt-lists', {
  unchanged: [
    ...LATER_APT_INSTALLS.map((later) => ({
      name: `a later \`${later}\` reads the lists`,
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y a',
        'ENV X=1',
        `RUN ${later}`,
      ),
      reason: 'the later install runs no `apt-get update`: without the lists it cannot locate `b`',
      note: 'the `RUN` on line 4 runs `apt-get install` without its own `apt-get update` and reads them',
    })),
    {
      name: 'a later `env apt-cache policy` reads the lists',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y a',
        'RUN env LC_ALL=C apt-cache policy a',
      ),
      reason: 'the policy is read from the lists',
      note: 'the `RUN` on line 3 runs `apt-cache policy` without its own `apt-get update` and reads them',
    },
    {
      name: 'a later `env` install in a `RUN --network=none`',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y a',
        'RUN --network=none env A=1 apt-get install -y b',
      ),
      reason: 'without a network the later install has only the lists this RUN leaves',
      note: '`apt-get install` in the `RUN` on line 3 runs from the cache rather than the network (`RUN --network=none`)',
    },
  ],
  changed: [
    {
      name: 'the install behind `env`',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && env DEBIAN_FRONTEND=noninteractive apt-get install -y a',
      ),
      output: lines(
        'FROM debian:12',
        'RUN apt-get update && env DEBIAN_FRONTEND=noninteractive apt-get install -y a && rm -rf /var/lib/apt/lists/*',
      ),
    },
    {
      name: 'update and install behind `sudo` and `time`',
      input: lines('FROM debian:12', 'RUN sudo apt-get update && time -p apt-get install -y a'),
      output: lines(
        'FROM debian:12',
        'RUN sudo apt-get update && time -p apt-get install -y a && rm -rf /var/lib/apt/lists/*',
      ),
    },
    {
      name: 'update and install in a `sh -c` script: the cleanup goes after it, not into it',
      input: lines('FROM debian:12', "RUN sh -c 'apt-get update && apt-get install -y a'"),
      output: lines(
        'FROM debian:12',
        "RUN sh -c 'apt-get update && apt-get install -y a' && rm -rf /var/lib/apt/lists/*",
      ),
    },
    {
      name: 'an install through `xargs`: the cleanup goes after it',
      input: lines('FROM debian:12', 'RUN apt-get update && xargs apt-get install -y < pkgs.txt'),
      output: lines(
        'FROM debian:12',
        'RUN apt-get update && xargs apt-get install -y < pkgs.txt && rm -rf /var/lib/apt/lists/*',
      ),
    },
    {
      name: '`command -v apt-get` later runs nothing',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y a',
        'RUN command -v apt-get',
      ),
      output: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y a && rm -rf /var/lib/apt/lists/*',
        'RUN command -v apt-get',
      ),
    },
  ],
});

/**
 * A later install behind a wrapper reads the lists as one written alone
 * would: the wrapper is looked through (`su -c`, `gosu`, `flock`), or, when
 * it runs its program where dslim cannot follow it (`chroot`, an option
 * dslim does not know), counts as a reader of the lists.
 */
transformTable('clean-apt-lists', {
  unchanged: [
    ...[
      "su -c 'apt-get install -y git'",
      "su root -c 'apt-get install -y git'",
      "su - app -c 'sudo apt-get install -y git'",
      "su -s /bin/sh -c 'apt-get install -y git' root",
      "runuser -l root -c 'apt-get install -y git'",
      'runuser -u root -- apt-get install -y git',
      'setpriv --reuid=0 --regid=0 --clear-groups apt-get install -y git',
      'gosu root apt-get install -y git',
      'su-exec root apt-get install -y git',
      "busybox sh -c 'apt-get install -y git'",
      'flock /tmp/apt.lock apt-get install -y git',
      "flock -w 60 /tmp/apt.lock -c 'apt-get install -y git'",
      'unshare --net --fork apt-get install -y git',
      'eatmydata apt-get install -y git',
      'fakeroot -u apt-get install -y git',
      'strace -f -o /tmp/trace apt-get install -y git',
      'catchsegv apt-get install -y git',
      'taskset -c 0 nice -n 5 apt-get install -y git',
      'setsid -w apt-get install -y git',
    ].map((later) => ({
      name: `a later \`${later}\` reads the lists`,
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        `RUN ${later}`,
      ),
      reason: 'the later install needs the lists this RUN leaves; without them it fails',
      note: 'Keeps the apt package lists of this `RUN`: the `RUN` on line 3 runs `apt-get install` without its own `apt-get update` and reads them.',
    })),
    ...[
      '["su", "-c", "apt-get install -y git"]',
      '["sudo", "sh", "-c", "apt-get install -y git"]',
      '["gosu", "root", "apt-get", "install", "-y", "git"]',
    ].map((later) => ({
      name: `a later exec-form \`${later}\` reads the lists`,
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        `RUN ${later}`,
      ),
      reason: 'the later install needs the lists this RUN leaves; without them it fails',
      note: 'the `RUN` on line 3 runs `apt-get install` without its own `apt-get update`',
    })),
    {
      name: 'a later `chroot` may read them: it runs its program under another root',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        'RUN chroot / apt-get install -y git',
      ),
      reason: 'dslim cannot tell which files a program under another root reads',
      note: 'Leaves the apt package lists of this `RUN`: `chroot` in the `RUN` on line 3 may read the cache: it runs its program under another root directory, so dslim cannot tell which files that program uses.',
    },
    {
      name: 'a later wrapper with an option dslim does not know',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        'RUN setpriv --reu 0 apt-get install -y git',
      ),
      reason: 'which word is the program, and so whether it reads the lists, cannot be told',
      note: 'Leaves the apt package lists of this `RUN`: `setpriv` in the `RUN` on line 3 may read the cache: dslim does not know its option `--reu`, so cannot tell which word is the program it runs.',
    },
    {
      name: 'a later `unshare --root`',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        'RUN unshare --root / apt-get install -y git',
      ),
      reason: 'the program runs under another root',
      note: '`unshare` in the `RUN` on line 3 may read the cache: it runs its program under another root directory',
    },
    {
      name: 'a later `env -S`',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        "RUN env -S 'apt-get install -y git'",
      ),
      reason: 'the program is split out of a string dslim does not read',
      note: '`env` in the `RUN` on line 3 may read the cache: it splits the program it runs out of a string (`-S`)',
    },
    {
      name: 'a later `su` whose script is glued to its option',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        "RUN su --command='apt-get install -y git'",
      ),
      reason: 'the script is not a word of its own, so dslim does not read it',
      note: '`su` in the `RUN` on line 3 may read the cache: its script is glued to `--command`, where dslim does not read it.',
    },
    {
      name: 'a later `su -s` with a program that is not a shell',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        "RUN su -s /usr/bin/python3 -c 'import os' root",
      ),
      reason: 'what the script does is not shell, and may read anything',
      note: 'it runs its script with `/usr/bin/python3`, which is not a shell dslim reads.',
    },
  ],
  changed: [
    ...[
      "su -c 'apt-get update && apt-get install -y a'",
      "su - root -c 'apt-get update && apt-get install -y a'",
      'gosu root apt-get update && gosu root apt-get install -y a',
      'runuser -u root -- apt-get update && eatmydata apt-get install -y a',
      'flock /tmp/apt.lock apt-get update && flock /tmp/apt.lock apt-get install -y a',
    ].map((run) => ({
      name: `update and install in \`${run}\`: the cleanup goes after it`,
      input: lines('FROM debian:12', `RUN ${run}`),
      output: lines('FROM debian:12', `RUN ${run} && ${CLEANUP}`),
    })),
    {
      name: 'a later `su -c` and `busybox` applet that do not read the lists',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl',
        "RUN su app -c 'ls /tmp' && busybox wget -q http://example.com/x",
      ),
      output: lines(
        'FROM debian:12',
        `RUN apt-get update && apt-get install -y curl && ${CLEANUP}`,
        "RUN su app -c 'ls /tmp' && busybox wget -q http://example.com/x",
      ),
    },
    {
      name: 'a `chroot` in the same RUN runs before the cleanup',
      input: lines('FROM debian:12', 'RUN apt-get update && apt-get install -y a && chroot / true'),
      output: lines(
        'FROM debian:12',
        `RUN apt-get update && apt-get install -y a && chroot / true && ${CLEANUP}`,
      ),
    },
  ],
});

transformTable(
  'clean-apt-lists',
  {
    unchanged: [
      {
        name: 'a later `chroot` may read the lists: no mount, no cleanup',
        input: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y curl',
          'RUN chroot / apt-get install -y git',
        ),
        reason: 'a mount would keep the lists out of the layer the later install may read',
        note: '`chroot` in the `RUN` on line 3 may read the cache',
      },
    ],
    changed: [
      {
        name: 'a `chroot` in the RUN: the cleanup instead of mounts it may write into',
        input: lines(
          'FROM debian:12',
          'RUN apt-get update && apt-get install -y a && chroot /target true',
        ),
        output: lines(
          'FROM debian:12',
          `RUN apt-get update && apt-get install -y a && chroot /target true && ${CLEANUP}`,
        ),
        message:
          'instead of cache mounts, because its `chroot` may write into the cache mount instead of the layer: it runs its program under another root directory, so dslim cannot tell which files that program uses:',
      },
    ],
  },
  { caches: 'mount' },
);

/** The note for a RUN whose apt runs as `user` while the RUN runs as `own`. */
function otherUserNote(command: string, user: string, own: string): string {
  return `Leaves the apt package lists of this \`RUN\`: \`${command}\` runs as ${user} while the \`RUN\` runs as \`${own}\`, so the added \`${CLEANUP}\` would run as \`${own}\`: it may be denied what that command leaves, or clean the cache of \`${own}\` instead of the one that command fills.`;
}

/**
 * The cleanup runs as the RUN's user: when a wrapper runs apt as another
 * one (`USER app` then `sudo apt-get`), the added `rm` would be denied the
 * lists root wrote, and fail the build.
 */
transformTable('clean-apt-lists', {
  unchanged: [
    ...[
      ['sudo apt-get update', 'sudo apt-get install -y curl', 'root'],
      ['sudo -E apt-get update', 'sudo -E apt-get install -y curl', 'root'],
      ['sudo -u root apt-get update', 'sudo --user=root apt-get install -y curl', 'root'],
      ['doas apt-get update', 'doas apt-get install -y curl', 'root'],
      ['gosu root apt-get update', 'gosu root apt-get install -y curl', 'root'],
      ['su-exec 0:0 apt-get update', 'su-exec 0:0 apt-get install -y curl', '0:0'],
      ['runuser -u root -- apt-get update', 'runuser -u root -- apt-get install -y curl', 'root'],
      ['setpriv --reuid=0 apt-get update', 'setpriv --reuid=0 apt-get install -y curl', '0'],
    ].map(([update, install, user]) => ({
      name: `\`USER app\`, then \`${update}\``,
      input: lines('FROM debian:12', 'USER app', `RUN ${update} && ${install}`),
      reason: 'the added rm would run as app, and be denied the lists root wrote',
      note: otherUserNote(update, `\`${user}\``, 'app'),
    })),
    {
      name: '`USER app`, then a `su -c` script',
      input: lines(
        'FROM debian:12',
        'USER app',
        "RUN su -c 'apt-get update && apt-get install -y a'",
      ),
      reason: 'the script runs as root, the added rm as app',
      note: otherUserNote('apt-get update', '`root`', 'app'),
    },
    {
      name: '`USER app`, then `sudo sh -c`',
      input: lines(
        'FROM debian:12',
        'USER app',
        'RUN sudo sh -c "apt-get update && apt-get install -y a"',
      ),
      reason: 'the script runs as root, the added rm as app',
      note: otherUserNote('apt-get update', '`root`', 'app'),
    },
    {
      name: 'a USER written with a variable, then `sudo`',
      input: lines(
        'FROM debian:12',
        'ARG APP_USER=app',
        'USER ${APP_USER}',
        'RUN sudo apt-get update && sudo apt-get install -y a',
      ),
      reason: 'dslim cannot tell that the RUN runs as root',
      note: 'Leaves the apt package lists of this `RUN`: `sudo apt-get update` may run as another user than the `RUN` (it runs as `root`, the `RUN` as `${APP_USER}`), so the added `rm -rf /var/lib/apt/lists/*` would run as `${APP_USER}`: it may be denied what that command leaves, or clean the cache of `${APP_USER}` instead of the one that command fills.',
    },
    {
      name: 'a USER of a stage built on, then `sudo`',
      input: lines(
        'FROM debian:12 AS base',
        'USER 1000:1000',
        'FROM base',
        'RUN sudo apt-get update && sudo apt-get install -y a',
      ),
      reason: 'the RUN runs as 1000, which the stage it builds on set',
      note: otherUserNote('sudo apt-get update', '`root`', '1000:1000'),
    },
  ],
  changed: [
    ...[
      ['FROM debian:12', 'RUN sudo apt-get update && sudo apt-get install -y a'],
      [
        'FROM debian:12',
        'USER app',
        'USER root',
        'RUN sudo apt-get update && sudo apt-get install -y a',
      ],
      ['FROM debian:12', 'USER 0:0', 'RUN doas apt-get update && gosu 0 apt-get install -y a'],
      ['FROM debian:12', 'USER root', "RUN su - -c 'apt-get update && apt-get install -y a'"],
      ['FROM debian:12', 'USER app', 'RUN sudo -g staff apt-get update && apt-get install -y a'],
      ['FROM debian:12', 'USER app', 'RUN gosu app apt-get update && apt-get install -y a'],
      [
        'FROM debian:12',
        'USER app',
        "RUN sudo -u app sh -c 'apt-get update && apt-get install -y a'",
      ],
      [
        'FROM debian:12',
        'USER app',
        'RUN apt-get update && apt-get install -y a && sudo rm -rf /tmp/x',
      ],
    ].map((input) => ({
      name: `the same user: ${input.slice(1).join(', ')}`,
      input: lines(...input),
      output: lines(...input.slice(0, -1), `${input[input.length - 1]} && ${CLEANUP}`),
    })),
  ],
});

/** A RUN that ends with `apt-get update` refills the lists on purpose: they stay. */
transformTable('clean-apt-lists', {
  unchanged: [
    {
      name: '`apt-get update` after the install',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl && apt-get update',
      ),
      reason: 'the last update refills the lists for the image, which the cleanup would undo',
      note: 'Leaves the apt package lists of this `RUN`: `apt-get update` after the install only fills the cache, so the `RUN` ends by filling it on purpose.',
    },
    {
      name: '`apt update` then `apt-get clean`, which keeps the lists',
      input: lines(
        'FROM debian:12',
        'RUN apt update && apt install -y curl && apt update && apt-get clean',
      ),
      reason: '`apt-get clean` empties `/var/cache/apt`, not the lists',
      note: '`apt update` after the install only fills the cache',
    },
  ],
  changed: [
    {
      name: 'an install after the second update is cleaned',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y curl && apt-get update && apt-get install -y git',
      ),
      output: lines(
        'FROM debian:12',
        `RUN apt-get update && apt-get install -y curl && apt-get update && apt-get install -y git && ${CLEANUP}`,
      ),
    },
  ],
});

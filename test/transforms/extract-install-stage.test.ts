import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../cli-harness';
import { fix } from '../../src/index';
import { lines, transformTable } from '../harness';

const mount = { transforms: { 'extract-install-stage': { strategy: 'mount' } } };
const assume = { transforms: { 'extract-install-stage': { destdir: 'assume' } } };

/** A builder stage that set up `/src/tool` with a `configure` script, as most source tarballs ship. */
const CONFIGURED = ['FROM gcc:14 AS build', 'RUN cd /src/tool && ./configure && make'];

/** What every move assumes, in its message. */
const ASSUMES =
  'so the move assumes that the install writes every file under `DESTDIR`: a file it writes elsewhere (a hook that runs `ldconfig` or appends to a file in `/etc`) would be missing from the image.';

/** The note for an install in a tree that nothing seen set up, at `dir`. */
const unknownTree = (install: string, dir: string, file = 'Makefile') =>
  `nothing shows that \`${install}\` honours \`DESTDIR\`: no \`RUN\` of this stage, of a stage it builds on or of one the tree is copied from runs \`configure\`, \`autoreconf\`, \`cmake\` or \`meson\` on \`${dir}\`, and a hand-written ${file} may install straight into \`/usr/local\`, which would fail the builder stage or leave files out of the image. \`extract-install-stage: { destdir: assume }\` under \`transforms\` in \`.dslimrc\` moves it anyway, and \`--strategy mount\` installs in this stage as before.`;

transformTable('extract-install-stage', {
  unchanged: [
    {
      name: 'a hand-written Makefile that nothing sets up',
      input: lines(
        'FROM busybox AS build',
        'COPY src /src',
        'RUN make -C /src',
        'FROM busybox',
        'COPY --from=build /src /tmp/src',
        'RUN make -C /tmp/src install && rm -rf /tmp/src',
      ),
      reason:
        'a Makefile that ignores DESTDIR fails the builder stage, and one that writes a file outside it loses that file',
      note: `Leaves the build tree copied to \`/tmp/src\` as it is: ${unknownTree('make -C /tmp/src install', '/tmp/src')}`,
    },
    {
      name: 'a build-context tree, set up out of sight',
      input: lines(
        'FROM debian:bookworm-slim',
        'RUN apt-get update && apt-get install -y make',
        'COPY . /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'nothing in the Dockerfile shows which build system made the tree',
      note: unknownTree('make install', '/tmp/tool'),
    },
    {
      name: 'a tree copied from an image',
      input: lines(
        'FROM debian:bookworm-slim',
        'COPY --from=ghcr.io/acme/tool-src:1.2 /src /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'what set up the tree in that image is out of sight',
      note: unknownTree('make install', '/tmp/tool'),
    },
    {
      name: 'ninja in a tree that nothing sets up',
      input: lines(
        'FROM gcc:14 AS build',
        'RUN ninja -C /src/tool/build',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN ninja -C /tmp/tool/build install && rm -rf /tmp/tool',
      ),
      reason: 'a hand-written ninja file may ignore DESTDIR as a Makefile may',
      note: unknownTree('ninja -C /tmp/tool/build install', '/tmp/tool/build', 'ninja file'),
    },
    {
      name: 'a tree configured in another directory',
      input: lines(
        'FROM gcc:14 AS build',
        'RUN cd /src/other && ./configure && make',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'the configure run set up /src/other, not the tree the install runs in',
      note: unknownTree('make install', '/tmp/tool'),
    },
    {
      name: 'an ARG of the final stage before the copy',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'ARG PREFIX=/opt/app',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
        'LABEL prefix=$PREFIX',
      ),
      reason:
        'an ARG ends with its stage: the builder stage and the rest of the final one would lose it',
      note: 'Leaves the build tree copied to `/tmp/tool` as it is: the `ARG` at line 4 lasts only to the end of its stage, so neither the builder stage nor the rest of this stage, both built on the part before the install, would see it.',
    },
    {
      name: 'an ARG between the copy and the install',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'ARG JOBS=4',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'an ARG is in the environment of the RUN after it, and ends with its stage',
      note: 'the `ARG` at line 5 lasts only to the end of its stage',
    },
    {
      name: 'an ONBUILD before the install',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'ONBUILD RUN echo built >> /log',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason:
        'a stage built on one with an ONBUILD runs it, so both new stages would, and the image would lose the trigger',
      note: 'Leaves the build tree copied to `/tmp/tool` as it is: the `ONBUILD` at line 4 would run in the builder stage and again in the rest of this stage, both built on the part before the install.',
    },
    {
      name: 'an ENV that sets DESTDIR',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'ENV DESTDIR=/staging',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'the original installs under /staging; the builder would install under /opt/NAME',
      note: "Leaves the build tree copied to `/tmp/tool` as it is: the `ENV` at line 4 sets `DESTDIR`, which the builder stage's own `DESTDIR` would override.",
    },
    {
      name: 'a COPY above the tree between the copy and the install',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'COPY patches/ /tmp/',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason:
        'the builder stage copies the tree after it, so a `tool/` it holds would be overwritten the other way round',
      note: 'Leaves the build tree copied to `/tmp/tool` as it is: the `COPY` at line 5 may add files to the tree.',
    },
    {
      name: 'a tree that stays in the image',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /opt/tool',
        'RUN cd /opt/tool && make install',
      ),
      reason: 'without a removal the tree is part of the image, so nothing is wasted',
    },
    {
      name: 'a tree used after the install',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install',
        'RUN /tmp/tool/build/selftest',
        'RUN rm -rf /tmp/tool',
      ),
      reason: 'the self test reads the tree, which a builder stage would take away',
      note: '`/tmp/tool/build/selftest` uses the tree after the install',
    },
    {
      name: 'a tree read later in the same RUN',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && cp tool.conf /etc/ && rm -rf /tmp/tool',
      ),
      reason: '`cp` reads a file from the tree after the install',
      note: '`cp tool.conf /etc/` uses the tree after the install',
    },
    {
      name: 'a RUN that edits the tree between the copy and the install',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tree',
        'RUN sed -i s/a/b/ /tree/hello',
        'ENV X=1',
        'RUN cd /tree && make install && rm -rf /tree',
      ),
      reason: 'the builder stage would need the RUN between the copy and the install too',
      note: 'Leaves the build tree copied to `/tree` as it is: the `RUN` at line 5 runs between the copy and the install at line 7, and dslim moves an install to a builder stage only when it is the first `RUN` after the copy.',
    },
    {
      name: 'the build and the install in RUNs of their own (as merge-runs leaves them when skipped)',
      input: lines(
        'FROM debian:bookworm-slim',
        'COPY src /src',
        'WORKDIR /src',
        'RUN ./configure && make',
        'RUN make install && rm -rf /src',
      ),
      reason: 'the RUN that builds stands between the copy and the install',
      note: 'Leaves the build tree copied to `/src` as it is: the `RUN` at line 4 runs between the copy and the install at line 5, and dslim moves an install to a builder stage only when it is the first `RUN` after the copy.',
    },
    {
      name: 'an install script instead of make',
      input: lines(
        'FROM debian:bookworm-slim',
        'COPY . /tmp/tool',
        'RUN cd /tmp/tool && ./install.sh && rm -rf /tmp/tool',
      ),
      reason: 'dslim cannot tell which files a script installs or whether it honours DESTDIR',
      note: 'runs no make, cmake or ninja install',
    },
    {
      name: 'a tree under a VOLUME',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'VOLUME /srv/data',
        'COPY --from=build /src/tool /srv/data/tool',
        'RUN cd /srv/data/tool && make install && rm -rf /srv/data/tool',
      ),
      reason: 'a VOLUME path is handled apart from the layers',
      note: '`/srv/data` is a VOLUME',
    },
    {
      name: 'a heredoc install',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN <<EOF',
        'cd /tmp/tool && make install && rm -rf /tmp/tool',
        'EOF',
        'RUN rm -rf /tmp/tool',
      ),
      reason: 'dslim never edits a heredoc',
      note: 'has a heredoc, which dslim never edits',
    },
    {
      name: 'a relative destination without a WORKDIR',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool tool',
        'RUN cd tool && make install && cd .. && rm -rf tool',
      ),
      reason: 'the base image decides the working directory, so where the tree lands is unknown',
      note: 'Leaves the build tree copied to `tool` as it is: the destination is relative',
    },
    {
      name: 'an install directory set by a variable',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'WORKDIR /',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd "$TOOL_DIR" && make install && rm -rf /tmp/tool',
      ),
      reason: 'the working directory of the install depends on a variable',
      note: 'the working directory of `make install` cannot be determined',
    },
    {
      name: 'an install outside the tree',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN make -C /usr/src/other install && rm -rf /tmp/tool',
      ),
      reason: 'the install does not install the copied tree',
      note: '`make -C /usr/src/other install` runs in `/usr/src/other`, outside the tree',
    },
    {
      name: 'an install as another user',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'USER app',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: '`app` may be allowed to write where the install goes but not to create /opt/NAME',
      note: 'Leaves the build tree copied to `/tmp/tool` as it is: the install runs as `app`, who may not be allowed to create the directory the builder stage installs into.',
    },
    {
      name: 'a command that prepares the install',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN apt-get update && cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'what runs before the install may be what it needs',
      note: '`apt-get update` runs after the copy and before the install, and a builder stage would run the install alone on the tree as copied, without what that command made or changed (a `Makefile`, built files); `--strategy mount` keeps the commands together and bind-mounts the tree for them instead.',
    },
    {
      name: 'a copy that changes ownership',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build --chown=app /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'the copied files differ from the ones in the source stage',
      note: "the copy's `--chown` flag changes the copied files",
    },
    {
      name: 'a parent directory only the copy creates',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /build/src/tool',
        'RUN cd /build/src/tool && make install && rm -rf /build/src/tool',
      ),
      reason: '`/build/src` stays in the original image after the removal',
      note: 'the copy also creates `/build/src`, which the removal leaves in the image',
    },
    {
      name: 'a pipeline in the install RUN',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install | tee /var/log/install.log',
        'RUN rm -rf /tmp/tool',
      ),
      reason: 'dslim only splits RUNs that are plain `&&` chains',
      note: 'is not a plain command',
    },
    {
      name: 'a redirection in the RUN that installs and removes the tree',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && echo done > /installed && rm -rf /tmp/tool',
      ),
      reason: 'the removal is found in a RUN dslim cannot split, and that is said, not skipped',
      note: 'dslim cannot split the `RUN` at line 5 that removes it: `echo done > /installed` is not a plain command',
    },
    {
      name: 'a removal of a directory above the tree after a semicolon',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install; rm -rf /tmp',
      ),
      reason: 'a `;` list is not an `&&` chain, so the install cannot be taken out of it',
      note: 'dslim cannot split the `RUN` at line 5 that removes it',
    },
    {
      name: 'an archive unpacked by ADD',
      input: lines(
        'FROM debian:bookworm-slim',
        'ADD tool.tar.gz /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'ADD unpacks archives, so the tree is not what the source names',
      note: '`ADD` of an archive or URL unpacks or downloads',
    },
    {
      name: 'the pattern in a stage that is not the final one',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim AS runtime',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
        'FROM runtime',
      ),
      reason: 'only the final stage becomes the image; the other stages cost nothing in it',
    },
  ],
  changed: [
    {
      name: 'users, tools and ENV the final stage set up before the install: the stage is split',
      input: lines(
        ...CONFIGURED,
        '',
        'FROM debian:bookworm-slim AS runtime',
        'RUN apt-get update && apt-get install -y make && useradd -r svc',
        'ENV PREFIX=/opt/app',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
        'USER svc',
        'CMD ["tool"]',
      ),
      output: lines(
        ...CONFIGURED,
        '',
        'FROM debian:bookworm-slim AS tool-base',
        'RUN apt-get update && apt-get install -y make && useradd -r svc',
        'ENV PREFIX=/opt/app',
        '',
        'FROM tool-base AS tool-install',
        'COPY --from=build /src/tool /tmp/tool',
        'WORKDIR /tmp/tool',
        'RUN make install DESTDIR=/opt/tool-install',
        '',
        // The final stage keeps its name, so `--target runtime` still builds the image.
        'FROM tool-base AS runtime',
        'COPY --from=tool-install /opt/tool-install/ /',
        'USER svc',
        'CMD ["tool"]',
      ),
      message: `Runs \`make install\` in a new stage \`tool-install\` and copies only the files it installs: the build tree \`/tmp/tool\` that line 7 copied stayed in that layer even after \`rm -rf\` deleted it, so every byte of it was in the image for nothing. \`./configure\` (line 2) set up the tree it installs from, and the GNU standards ask the Makefiles a \`configure\` script writes to honour \`DESTDIR\`, ${ASSUMES} And a COPY does not follow a symbolic link to a directory as \`make install\` did: where the install writes below one in the final image (merged-/usr \`/bin\`, \`/sbin\`, \`/lib\`; \`/usr/local/man\` on Debian), the link becomes a directory. Check the result with \`dslim verify\`, or use \`--strategy mount\`, which installs in this stage as before.`,
    },
    {
      name: 'an ENV between the copy and the install stays before it',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'ENV PREFIX=/usr',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      output: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim AS tool-base',
        'ENV PREFIX=/usr',
        'FROM tool-base AS tool-install',
        'COPY --from=build /src/tool /tmp/tool',
        'WORKDIR /tmp/tool',
        'RUN make install DESTDIR=/opt/tool-install',
        'FROM tool-base',
        'COPY --from=tool-install /opt/tool-install/ /',
      ),
    },
    {
      name: 'ENV and ARG of the stage the tree comes from do not reach the install',
      input: lines(
        'FROM gcc:14 AS build',
        'ENV CC=clang',
        'ARG VERSION=1.2',
        'USER builder',
        'RUN cd /src/tool && ./configure && make',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      output: lines(
        'FROM gcc:14 AS build',
        'ENV CC=clang',
        'ARG VERSION=1.2',
        'USER builder',
        'RUN cd /src/tool && ./configure && make',
        'FROM debian:bookworm-slim AS tool-install',
        'COPY --from=build /src/tool /tmp/tool',
        'WORKDIR /tmp/tool',
        'RUN make install DESTDIR=/opt/tool-install',
        'FROM debian:bookworm-slim',
        'COPY --from=tool-install /opt/tool-install/ /',
      ),
    },
    {
      name: 'install and removal joined in one RUN, relative destination under a WORKDIR',
      input: lines(
        'FROM compiled-toolchain:latest AS build',
        'RUN cd /src/tool/build && ../configure && make',
        'FROM base:latest',
        'WORKDIR /temp-dir',
        'COPY --from=build /src/tool .',
        'RUN cd build && make install DESTDIR=/ && rm -rf /temp-dir',
      ),
      output: lines(
        'FROM compiled-toolchain:latest AS build',
        'RUN cd /src/tool/build && ../configure && make',
        'FROM base:latest AS tool-base',
        'WORKDIR /temp-dir',
        'FROM tool-base AS tool-install',
        'COPY --from=build /src/tool /temp-dir',
        'WORKDIR /temp-dir/build',
        'RUN make install DESTDIR=/opt/tool-install',
        'FROM tool-base',
        'COPY --from=tool-install /opt/tool-install/ /',
        // The WORKDIR made /temp-dir, and the original removed it: so must the rewrite.
        'RUN rm -rf /temp-dir',
      ),
      message:
        'the build tree `/temp-dir` that line 5 copied stayed in that layer even after `rm -rf` deleted it',
    },
    {
      name: 'install and removal in separate RUNs',
      input: lines(
        'FROM compiled-toolchain:latest AS build',
        'RUN cd /src/tool/build && ../configure && make',
        'FROM base:latest',
        'WORKDIR /temp-dir',
        'COPY --from=build /src/tool .',
        'RUN cd build && make install DESTDIR=/',
        'RUN rm -rf /temp-dir',
      ),
      output: lines(
        'FROM compiled-toolchain:latest AS build',
        'RUN cd /src/tool/build && ../configure && make',
        'FROM base:latest AS tool-base',
        'WORKDIR /temp-dir',
        'FROM tool-base AS tool-install',
        'COPY --from=build /src/tool /temp-dir',
        'WORKDIR /temp-dir/build',
        'RUN make install DESTDIR=/opt/tool-install',
        'FROM tool-base',
        'COPY --from=tool-install /opt/tool-install/ /',
        'RUN rm -rf /temp-dir',
      ),
    },
    {
      name: 'the shape merge-runs leaves: the install in a subshell',
      input: lines(
        'FROM compiled-toolchain:latest AS build',
        'RUN cd /src/tool/build && ../configure && make',
        'FROM base:latest',
        'WORKDIR /temp-dir',
        'COPY --from=build /src/tool .',
        'RUN ( cd build && make install DESTDIR=/ ) && \\',
        '    rm -rf /temp-dir',
      ),
      output: lines(
        'FROM compiled-toolchain:latest AS build',
        'RUN cd /src/tool/build && ../configure && make',
        'FROM base:latest AS tool-base',
        'WORKDIR /temp-dir',
        'FROM tool-base AS tool-install',
        'COPY --from=build /src/tool /temp-dir',
        'WORKDIR /temp-dir/build',
        'RUN make install DESTDIR=/opt/tool-install',
        'FROM tool-base',
        'COPY --from=tool-install /opt/tool-install/ /',
        'RUN rm -rf /temp-dir',
      ),
    },
    {
      name: 'only the copy before the install: the builder starts from the same base',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
        'CMD ["tool"]',
      ),
      output: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim AS tool-install',
        'COPY --from=build /src/tool /tmp/tool',
        'WORKDIR /tmp/tool',
        'RUN make install DESTDIR=/opt/tool-install',
        'FROM debian:bookworm-slim',
        'COPY --from=tool-install /opt/tool-install/ /',
        'CMD ["tool"]',
      ),
    },
    {
      name: 'a DESTDIR in the environment, PREFIX kept, ldconfig kept',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && DESTDIR=/staging make install PREFIX=/usr \\',
        '    && ldconfig \\',
        '    && rm -rf /tmp/tool',
      ),
      output: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim AS tool-install',
        'COPY --from=build /src/tool /tmp/tool',
        'WORKDIR /tmp/tool',
        'RUN DESTDIR=/opt/tool-install/staging make install PREFIX=/usr',
        'FROM debian:bookworm-slim',
        'COPY --from=tool-install /opt/tool-install/ /',
        'RUN ldconfig',
      ),
    },
    {
      name: 'the install RUN keeps its flags in the builder stage; an indented RUN keeps its indent',
      input: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim',
        '  COPY --from=build /src/tool /tmp/tool',
        '  RUN --network=none cd /tmp/tool && make install && ldconfig && rm -rf /tmp/tool',
      ),
      output: lines(
        ...CONFIGURED,
        'FROM debian:bookworm-slim AS tool-install',
        'COPY --from=build /src/tool /tmp/tool',
        'WORKDIR /tmp/tool',
        'RUN --network=none make install DESTDIR=/opt/tool-install',
        'FROM debian:bookworm-slim',
        '  COPY --from=tool-install /opt/tool-install/ /',
        '  RUN --network=none ldconfig',
      ),
    },
    {
      name: 'a stage name that clashes in another case',
      input: lines(
        'FROM gcc:14 AS build',
        'RUN cmake -S /src/tool -B /src/tool/build',
        'FROM Build AS Tool-Install',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN make -C /tmp/tool/build install && rm -rf /tmp/tool',
      ),
      output: lines(
        'FROM gcc:14 AS build',
        'RUN cmake -S /src/tool -B /src/tool/build',
        'FROM Build AS Tool-Install',
        'FROM debian:bookworm-slim AS tool-install-2',
        'COPY --from=build /src/tool /tmp/tool',
        'WORKDIR /tmp/tool/build',
        'RUN make install DESTDIR=/opt/tool-install-2',
        'FROM debian:bookworm-slim',
        'COPY --from=tool-install-2 /opt/tool-install-2/ /',
      ),
      message:
        '`cmake -S /src/tool -B /src/tool/build` (line 2) set up the tree it installs from with CMake, which honours `DESTDIR`, so the move assumes',
    },
    {
      name: 'cmake --install from an unnamed stage chosen by number',
      input: lines(
        'FROM gcc:14',
        'RUN make',
        'FROM debian:bookworm-slim',
        'COPY --from=0 /src/tool /opt/src',
        'RUN cmake --install /opt/src/build --prefix /usr/local',
        'RUN rm -rf /opt/src',
      ),
      output: lines(
        'FROM gcc:14',
        'RUN make',
        'FROM debian:bookworm-slim AS tool-install',
        'COPY --from=0 /src/tool /opt/src',
        'WORKDIR /opt/src/build',
        'RUN DESTDIR=/opt/tool-install cmake --install . --prefix /usr/local',
        'FROM debian:bookworm-slim',
        'COPY --from=tool-install /opt/tool-install/ /',
      ),
      message:
        '`cmake --install` installs a tree CMake made, and CMake honours `DESTDIR`, so the move assumes',
    },
    {
      name: 'a Meson tree installed with ninja',
      input: lines(
        'FROM gcc:14 AS build',
        'WORKDIR /src/tool',
        'RUN meson setup --prefix /usr build && meson compile -C build',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN ninja -C /tmp/tool/build install && rm -rf /tmp/tool',
      ),
      output: lines(
        'FROM gcc:14 AS build',
        'WORKDIR /src/tool',
        'RUN meson setup --prefix /usr build && meson compile -C build',
        'FROM debian:bookworm-slim AS tool-install',
        'COPY --from=build /src/tool /tmp/tool',
        'WORKDIR /tmp/tool/build',
        'RUN DESTDIR=/opt/tool-install ninja install',
        'FROM debian:bookworm-slim',
        'COPY --from=tool-install /opt/tool-install/ /',
      ),
      message:
        '`meson setup --prefix /usr build` (line 3) set up the tree it installs from with Meson, which honours `DESTDIR`',
    },
    {
      name: 'an Automake tree, copied on through a second stage',
      input: lines(
        'FROM gcc:14 AS build',
        'WORKDIR /src/tool',
        'RUN autoreconf -fi && ./configure && make',
        'FROM alpine AS stash',
        'COPY --from=build /src /stash/src',
        'FROM debian:bookworm-slim',
        'COPY --from=stash /stash/src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      output: lines(
        'FROM gcc:14 AS build',
        'WORKDIR /src/tool',
        'RUN autoreconf -fi && ./configure && make',
        'FROM alpine AS stash',
        'COPY --from=build /src /stash/src',
        'FROM debian:bookworm-slim AS tool-install',
        'COPY --from=stash /stash/src/tool /tmp/tool',
        'WORKDIR /tmp/tool',
        'RUN make install DESTDIR=/opt/tool-install',
        'FROM debian:bookworm-slim',
        'COPY --from=tool-install /opt/tool-install/ /',
      ),
      message:
        '`autoreconf -fi` (line 3) set up the tree it installs from with Automake, which honours `DESTDIR`',
    },
    {
      name: 'a source stage that ends as another user',
      input: lines(
        'FROM gcc:14 AS build',
        'RUN cd /home/builder/tool && ./configure --prefix=/usr && make',
        'USER builder',
        '',
        'FROM debian:bookworm-slim',
        'COPY --from=build /home/builder/tool /tmp/tool',
        'RUN cd /tmp/tool && make install-strip PREFIX=/usr \\',
        ' && rm -rf /tmp/tool',
      ),
      output: lines(
        'FROM gcc:14 AS build',
        'RUN cd /home/builder/tool && ./configure --prefix=/usr && make',
        'USER builder',
        '',
        // The builder stage is made from the final stage's base, whose user installs as before.
        'FROM debian:bookworm-slim AS tool-install',
        'COPY --from=build /home/builder/tool /tmp/tool',
        'WORKDIR /tmp/tool',
        'RUN make install-strip PREFIX=/usr DESTDIR=/opt/tool-install',
        '',
        'FROM debian:bookworm-slim',
        'COPY --from=tool-install /opt/tool-install/ /',
      ),
    },
    {
      name: 'the strip target of a CMake tree, install/strip',
      input: lines(
        'FROM gcc:14 AS build',
        'RUN cmake -S /src -B /src/build && cmake --build /src/build',
        '',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src /src',
        'RUN make -C /src/build install/strip && rm -rf /src',
      ),
      output: lines(
        'FROM gcc:14 AS build',
        'RUN cmake -S /src -B /src/build && cmake --build /src/build',
        '',
        'FROM debian:bookworm-slim AS src-install',
        'COPY --from=build /src /src',
        'WORKDIR /src/build',
        'RUN make install/strip DESTDIR=/opt/src-install',
        '',
        'FROM debian:bookworm-slim',
        'COPY --from=src-install /opt/src-install/ /',
      ),
    },
    {
      name: 'a named final stage with a blank line and CRLF line endings',
      input:
        'FROM gcc:14 AS build\r\nRUN cd /src/tool && ./configure && make\r\n\r\nFROM debian:bookworm-slim as Runtime\r\n' +
        'RUN useradd -r svc\r\nCOPY --from=build /src/tool /tmp/tool\r\n' +
        'RUN cd /tmp/tool \\\r\n    && make install \\\r\n    && rm -rf /tmp/tool\r\nCMD ["tool"]\r\n',
      output:
        'FROM gcc:14 AS build\r\nRUN cd /src/tool && ./configure && make\r\n\r\nFROM debian:bookworm-slim as tool-base\r\n' +
        'RUN useradd -r svc\r\n\r\nFROM tool-base AS tool-install\r\nCOPY --from=build /src/tool /tmp/tool\r\n' +
        'WORKDIR /tmp/tool\r\nRUN make install DESTDIR=/opt/tool-install\r\n\r\n' +
        'FROM tool-base AS Runtime\r\nCOPY --from=tool-install /opt/tool-install/ /\r\nCMD ["tool"]\r\n',
    },
    {
      name: 'mount strategy: adds the syntax directive, moves a removal that must stay',
      input: lines(
        'FROM compiled-toolchain:latest AS build',
        'FROM base:latest',
        'WORKDIR /temp-dir',
        'COPY --from=build /src/tool .',
        'RUN cd build && make install DESTDIR=/ && rm -rf /temp-dir',
      ),
      output: lines(
        '# syntax=docker/dockerfile:1',
        'FROM compiled-toolchain:latest AS build',
        'FROM base:latest',
        'WORKDIR /temp-dir',
        'RUN --mount=type=bind,from=build,source=/src/tool,target=/temp-dir,rw cd build && make install DESTDIR=/',
        'RUN rm -rf /temp-dir',
      ),
      options: mount,
      message:
        'Bind-mounts the build tree `/temp-dir` for `make install DESTDIR=/` instead of copying it',
    },
    {
      name: 'mount strategy below an escape directive',
      input: lines(
        '# escape=\\',
        'FROM compiled-toolchain:latest AS build',
        'FROM base:latest',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool/build && make install && rm -rf /tmp/tool',
      ),
      output: lines(
        '# syntax=docker/dockerfile:1',
        '# escape=\\',
        'FROM compiled-toolchain:latest AS build',
        'FROM base:latest',
        'RUN --mount=type=bind,from=build,source=/src/tool,target=/tmp/tool,rw cd /tmp/tool/build && make install',
      ),
      options: mount,
    },
    {
      name: 'mount strategy with a syntax directive already there, from the build context',
      input: lines(
        '# syntax=docker/dockerfile:1.7',
        'FROM debian:bookworm-slim',
        'COPY . /tmp/tool',
        'RUN make -C /tmp/tool install',
        'RUN ldconfig && rm -rf /tmp/tool',
      ),
      output: lines(
        '# syntax=docker/dockerfile:1.7',
        'FROM debian:bookworm-slim',
        'RUN --mount=type=bind,source=.,target=/tmp/tool,rw make -C /tmp/tool install',
        'RUN ldconfig',
      ),
      options: mount,
    },
    {
      name: 'mount strategy keeps the byte-order mark first',
      input: lines(
        '\ufeffFROM gcc:14 AS build',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN make -C /tmp/tool install',
        'RUN rm -rf /tmp/tool && ldconfig',
      ),
      output: lines(
        '\ufeff# syntax=docker/dockerfile:1',
        'FROM gcc:14 AS build',
        'FROM debian:bookworm-slim',
        'RUN --mount=type=bind,from=build,source=/src/tool,target=/tmp/tool,rw make -C /tmp/tool install',
        'RUN ldconfig',
      ),
      options: mount,
    },
  ],
});

transformTable(
  'extract-install-stage',
  {
    unchanged: [
      {
        name: 'mount strategy under a syntax directive that pins frontend 1.1',
        input: lines(
          '# syntax=docker/dockerfile:1.1',
          'FROM debian:bookworm-slim',
          'COPY . /tmp/tool',
          'RUN make -C /tmp/tool install && rm -rf /tmp/tool',
        ),
        reason: 'that frontend does not know `RUN --mount`',
        note: 'Leaves the build tree copied to `/tmp/tool` as it is: the `syntax` directive pins `docker/dockerfile:1.1`, and the Dockerfile frontend reads `RUN --mount` only from 1.2 on.',
      },
      {
        name: 'mount strategy under an unknown frontend',
        input: lines(
          '# syntax=example.com/frontend',
          'FROM debian:bookworm-slim',
          'COPY . /tmp/tool',
          'RUN make -C /tmp/tool install && rm -rf /tmp/tool',
        ),
        reason: 'what that frontend reads is not known',
        note: 'names the frontend `example.com/frontend`',
      },
    ],
    changed: [
      {
        name: 'mount strategy: configure, make and install in one RUN, the removal split out',
        input: lines(
          'FROM debian:bookworm-slim',
          'COPY . /src',
          'WORKDIR /src',
          'RUN ./configure --prefix=/usr/local && make && make install && rm -rf /src',
        ),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM debian:bookworm-slim',
          'WORKDIR /src',
          'RUN --mount=type=bind,source=.,target=/src,rw ./configure --prefix=/usr/local && make && make install',
          'RUN rm -rf /src',
        ),
        message:
          'so every byte of it was in the image for nothing. Also moves the removal to a `RUN rm -rf /src` of its own right after it, since a mount point cannot be removed while it is mounted; without the copy the removal is still needed, as it deletes the directory `/src` itself, which a `WORKDIR` makes, so the image is without it as before. Also adds',
      },
      {
        name: 'mount strategy under the experimental channel of 1.0',
        input: lines(
          '# syntax=docker/dockerfile:1.0-experimental',
          'FROM debian:bookworm-slim',
          'COPY . /tmp/tool',
          'RUN make -C /tmp/tool install && rm -rf /tmp/tool',
        ),
        output: lines(
          '# syntax=docker/dockerfile:1.0-experimental',
          'FROM debian:bookworm-slim',
          'RUN --mount=type=bind,source=.,target=/tmp/tool,rw make -C /tmp/tool install',
        ),
      },
    ],
  },
  mount,
);

transformTable(
  'extract-install-stage',
  {
    unchanged: [
      {
        name: 'an ARG before the install, whatever the Makefile',
        input: lines(
          'FROM debian:bookworm-slim',
          'ARG PREFIX=/usr',
          'COPY . /tmp/tool',
          'RUN make -C /tmp/tool install && rm -rf /tmp/tool',
        ),
        reason: 'the option vouches for DESTDIR, not for state the split would lose',
        note: 'the `ARG` at line 2 lasts only to the end of its stage',
      },
    ],
    changed: [
      {
        name: 'a hand-written Makefile, with the users and tools the final stage set up',
        input: lines(
          'FROM busybox AS build',
          'COPY src /src',
          'RUN make -C /src',
          '',
          'FROM busybox',
          'RUN echo "svc:x:1234:1234::/:/bin/sh" >> /etc/passwd',
          'COPY --from=build /src /tmp/src',
          'RUN make -C /tmp/src install && rm -rf /tmp/src',
          'CMD ["hello"]',
        ),
        output: lines(
          'FROM busybox AS build',
          'COPY src /src',
          'RUN make -C /src',
          '',
          'FROM busybox AS src-base',
          'RUN echo "svc:x:1234:1234::/:/bin/sh" >> /etc/passwd',
          '',
          // An install that runs `chown svc` finds the user here as it did in the final stage.
          'FROM src-base AS src-install',
          'COPY --from=build /src /tmp/src',
          'WORKDIR /tmp/src',
          'RUN make install DESTDIR=/opt/src-install',
          '',
          'FROM src-base',
          'COPY --from=src-install /opt/src-install/ /',
          'CMD ["hello"]',
        ),
        message:
          'for nothing. The option `destdir: assume` is set, so the move assumes that the install writes every file under `DESTDIR`',
      },
      {
        name: 'a numeric --from keeps pointing at its stage',
        input: lines(
          'FROM debian:bookworm-slim AS build',
          'WORKDIR /src/app',
          "RUN mkdir -p build && echo 'install:' > build/Makefile",
          'FROM debian:bookworm-slim',
          'COPY --from=0 /src/app /tmp/app',
          'RUN cd /tmp/app/build && make install && rm -rf /tmp/app',
        ),
        output: lines(
          'FROM debian:bookworm-slim AS build',
          'WORKDIR /src/app',
          "RUN mkdir -p build && echo 'install:' > build/Makefile",
          'FROM debian:bookworm-slim AS app-install',
          'COPY --from=0 /src/app /tmp/app',
          'WORKDIR /tmp/app/build',
          'RUN make install DESTDIR=/opt/app-install',
          'FROM debian:bookworm-slim',
          'COPY --from=app-install /opt/app-install/ /',
        ),
      },
      {
        name: 'a tree from an image, under an unrelated WORKDIR; later commands stay in order',
        input: lines(
          'FROM gcc:14 AS build',
          'FROM debian:bookworm-slim',
          'WORKDIR /app',
          'COPY --from=ghcr.io/acme/tool-src:1.2 /src /tmp/tool',
          'RUN cd /tmp/tool && make install && cd / && rm -rf /tmp/tool && useradd app',
        ),
        output: lines(
          'FROM gcc:14 AS build',
          'FROM debian:bookworm-slim AS src-base',
          'WORKDIR /app',
          'FROM src-base AS src-install',
          'COPY --from=ghcr.io/acme/tool-src:1.2 /src /tmp/tool',
          'WORKDIR /tmp/tool',
          'RUN make install DESTDIR=/opt/src-install',
          'FROM src-base',
          'COPY --from=src-install /opt/src-install/ /',
          'RUN useradd app',
        ),
      },
      {
        name: 'ninja from the build context under a global ARG base',
        input: lines(
          'ARG BASE=debian:bookworm-slim',
          'FROM ${BASE}',
          'COPY tool /tmp/tool',
          'WORKDIR /tmp/tool',
          'RUN ninja -C build install',
          'WORKDIR /',
          'RUN rm -rf /tmp/tool',
        ),
        output: lines(
          'ARG BASE=debian:bookworm-slim',
          'FROM ${BASE} AS tool-base',
          // The WORKDIR comes before the copy now, in the stage both others start from.
          'WORKDIR /tmp/tool',
          'FROM tool-base AS tool-install',
          'COPY tool /tmp/tool',
          'WORKDIR /tmp/tool/build',
          'RUN DESTDIR=/opt/tool-install ninja install',
          'FROM tool-base',
          'COPY --from=tool-install /opt/tool-install/ /',
          'WORKDIR /',
          'RUN rm -rf /tmp/tool',
        ),
      },
      {
        name: 'an exec-form copy of the build context, with a space, from the same base',
        input: lines(
          'ARG BASE=debian:bookworm-slim',
          'FROM --platform=linux/amd64 ${BASE}',
          'COPY [".", "/usr/src/my tool"]',
          'RUN make -C "/usr/src/my tool" install PREFIX=/usr/local && rm -rf "/usr/src/my tool"',
          'CMD ["tool"]',
        ),
        output: lines(
          'ARG BASE=debian:bookworm-slim',
          'FROM --platform=linux/amd64 ${BASE} AS my-tool-install',
          'COPY [".","/usr/src/my tool"]',
          'WORKDIR /usr/src/my tool',
          'RUN make install PREFIX=/usr/local DESTDIR=/opt/my-tool-install',
          'FROM --platform=linux/amd64 ${BASE}',
          'COPY --from=my-tool-install /opt/my-tool-install/ /',
          'CMD ["tool"]',
        ),
      },
    ],
  },
  assume,
);

describe('extract-install-stage in the whole pipeline', () => {
  const example = path.resolve(__dirname, '..', '..', 'examples', 'compiler');
  const read = (file: string) => readFileSync(path.join(example, file), 'utf8');

  test('examples/compiler becomes expected.Dockerfile', async () => {
    const result = await fix(read('Dockerfile'));
    expect(result.output).toBe(read('expected.Dockerfile'));
    expect(result.changes.map((c) => c.transform)).toEqual(['extract-install-stage']);
    expect((await fix(result.output)).output).toBe(result.output);
  });

  test('the separate-RUN shape is extracted before merge-runs joins what stays', async () => {
    const input = lines(
      'FROM compiled-toolchain:latest AS build',
      'RUN cd /src/tool/build && cmake ..',
      'FROM base:latest',
      'WORKDIR /temp-dir',
      'COPY --from=build /src/tool .',
      'RUN cd build && make install DESTDIR=/',
      'RUN rm -rf /temp-dir',
      'RUN ldconfig',
    );
    const { output } = await fix(input);
    expect(output).toBe(
      lines(
        'FROM compiled-toolchain:latest AS build',
        'RUN cd /src/tool/build && cmake ..',
        'FROM base:latest AS tool-base',
        'WORKDIR /temp-dir',
        'FROM tool-base AS tool-install',
        'COPY --from=build /src/tool /temp-dir',
        'WORKDIR /temp-dir/build',
        'RUN make install DESTDIR=/opt/tool-install',
        'FROM tool-base',
        'COPY --from=tool-install /opt/tool-install/ /',
        'RUN rm -rf /temp-dir && \\',
        '    ldconfig',
      ),
    );
  });

  describe('mount strategy beside merge-runs', () => {
    const BUILD = ['FROM gcc:14 AS build', 'FROM debian:bookworm-slim'];
    const MOUNT = '--mount=type=bind,from=build,source=/src/tool,target=/opt/tool,rw';

    /** The whole engine with the mount strategy; the result must be a fixed point. */
    async function fixTwice(input: string) {
      const result = await fix(input, mount);
      expect((await fix(result.output, mount)).output).toBe(result.output);
      return result;
    }

    test('a RUN before the copy stays apart from the mounting RUN', async () => {
      const result = await fixTwice(
        lines(
          ...BUILD,
          'RUN mkdir -p /usr/local/share/tool',
          'COPY --from=build /src/tool /opt/tool',
          'RUN make -C /opt/tool install && rm -rf /opt/tool',
        ),
      );

      expect(result.output).toBe(
        lines(
          '# syntax=docker/dockerfile:1',
          ...BUILD,
          'RUN mkdir -p /usr/local/share/tool',
          `RUN ${MOUNT} make -C /opt/tool install`,
        ),
      );
      expect(result.changes.map((c) => c.transform)).toEqual(['extract-install-stage']);
      // The RUNs differ only in the mount dslim wrote, so no note says that: in
      // the file as read a COPY stood between them, and the change says why it went.
      expect(result.notes.map((n) => n.message)).toEqual([]);
    });

    test('the next RUN is not joined under the mount in the same round', async () => {
      // Joined, `mkdir` would write into the mount, and /opt/tool/data would be lost.
      const result = await fixTwice(
        lines(
          ...BUILD,
          'COPY --from=build /src/tool /opt/tool',
          'RUN make -C /opt/tool install && rm -rf /opt/tool',
          'RUN mkdir -p /opt/tool/data',
        ),
      );

      expect(result.output).toBe(
        lines(
          '# syntax=docker/dockerfile:1',
          ...BUILD,
          `RUN ${MOUNT} make -C /opt/tool install`,
          'RUN mkdir -p /opt/tool/data',
        ),
      );
    });

    test('a use of the tree path after the removal in the same RUN keeps the copy', async () => {
      const input = lines(
        ...BUILD,
        'COPY --from=build /src/tool /opt/tool',
        'RUN make -C /opt/tool install',
        'RUN rm -rf /opt/tool && mkdir -p /opt/tool/data',
      );

      const result = await fixTwice(input);

      expect(result.output).toBe(
        lines(
          ...BUILD,
          'COPY --from=build /src/tool /opt/tool',
          'RUN make -C /opt/tool install && \\',
          '    rm -rf /opt/tool && mkdir -p /opt/tool/data',
        ),
      );
      expect(result.notes.map((n) => n.message)).toContain(
        "Leaves the build tree copied to `/opt/tool` as it is: `mkdir -p /opt/tool/data` uses the tree's path after the removal, where the mount would still be.",
      );
    });

    test("the mount goes after the RUN's own flags, as cache mounts do", async () => {
      const result = await fixTwice(
        lines(
          ...BUILD,
          'COPY --from=build /src/tool /opt/tool',
          'RUN --network=none \\',
          '    make -C /opt/tool install && rm -rf /opt/tool',
        ),
      );

      expect(result.output).toBe(
        lines(
          '# syntax=docker/dockerfile:1',
          ...BUILD,
          `RUN --network=none ${MOUNT} \\`,
          '    make -C /opt/tool install',
        ),
      );
    });
  });

  test('--strategy mount reaches the transform from the command line', async () => {
    const { code, out } = await runCli(['fix', '--stdin', '--strategy', 'mount'], {
      stdin: read('Dockerfile'),
    });
    expect(code).toBe(0);
    expect(out).toContain(
      'RUN --mount=type=bind,from=build,source=/src/greet,target=/temp-dir,rw cd build && make install DESTDIR=/\nRUN rm -rf /temp-dir\n',
    );
    expect(out.startsWith('# syntax=docker/dockerfile:1\n')).toBe(true);
  });
});

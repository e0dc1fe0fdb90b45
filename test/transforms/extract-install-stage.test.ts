import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../cli-harness';
import { fix } from '../../src/index';
import { lines, transformTable } from '../harness';

const mount = { transforms: { 'extract-install-stage': { strategy: 'mount' } } };

transformTable('extract-install-stage', {
  unchanged: [
    {
      name: 'an ENV of the final stage before the copy',
      input: lines(
        'FROM gcc:14 AS build',
        'FROM debian:bookworm-slim',
        'ENV PREFIX=/opt/app',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'make reads PREFIX from the environment; a builder stage would install elsewhere',
      note: 'the `ENV` at line 3 sets state the install could depend on',
    },
    {
      name: 'a tree that stays in the image',
      input: lines(
        'FROM gcc:14 AS build',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /opt/tool',
        'RUN cd /opt/tool && make install',
      ),
      reason: 'without a removal the tree is part of the image, so nothing is wasted',
    },
    {
      name: 'a tree used after the install',
      input: lines(
        'FROM gcc:14 AS build',
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
        'FROM gcc:14 AS build',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && cp tool.conf /etc/ && rm -rf /tmp/tool',
      ),
      reason: '`cp` reads a file from the tree after the install',
      note: '`cp tool.conf /etc/` uses the tree after the install',
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
        'FROM gcc:14 AS build',
        'FROM debian:bookworm-slim',
        'VOLUME /srv/data',
        'COPY --from=build /src/tool /srv/data/tool',
        'RUN cd /srv/data/tool && make install && rm -rf /srv/data/tool',
      ),
      reason: 'a VOLUME path is handled apart from the layers',
      note: '`/srv/data` is a VOLUME',
    },
    {
      name: 'an ENV between the copy and the install',
      input: lines(
        'FROM gcc:14 AS build',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'ENV PREFIX=/usr',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'make reads PREFIX from the environment, which the builder stage would not have',
      note: 'the `ENV` at line 4 sets state the install could depend on',
    },
    {
      name: 'an ARG between the copy and the install',
      input: lines(
        'FROM gcc:14 AS build',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'ARG JOBS=4',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'an ARG is in the environment of the RUN after it',
      note: 'the `ARG` at line 4 sets state the install could depend on',
    },
    {
      name: 'a heredoc install',
      input: lines(
        'FROM gcc:14 AS build',
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
        'FROM gcc:14 AS build',
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
        'FROM gcc:14 AS build',
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
        'FROM gcc:14 AS build',
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
        'FROM gcc:14 AS build',
        'FROM debian:bookworm-slim',
        'USER app',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'the installed files belong to `app`; the builder stage would run as someone else',
      note: 'the install runs as `app`',
    },
    {
      name: 'a command that prepares the install',
      input: lines(
        'FROM gcc:14 AS build',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN apt-get update && cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'what runs before the install may be what it needs',
      note: '`apt-get update` runs before the install in the same `RUN`',
    },
    {
      name: 'a copy that changes ownership',
      input: lines(
        'FROM gcc:14 AS build',
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
        'FROM gcc:14 AS build',
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
        'FROM gcc:14 AS build',
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
        'FROM gcc:14 AS build',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && echo done > /installed && rm -rf /tmp/tool',
      ),
      reason: 'the removal is found in a RUN dslim cannot split, and that is said, not skipped',
      note: 'dslim cannot split the `RUN` at line 4 that removes it: `echo done > /installed` is not a plain command',
    },
    {
      name: 'a removal of a directory above the tree after a semicolon',
      input: lines(
        'FROM gcc:14 AS build',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install; rm -rf /tmp',
      ),
      reason: 'a `;` list is not an `&&` chain, so the install cannot be taken out of it',
      note: 'dslim cannot split the `RUN` at line 4 that removes it',
    },
    {
      name: 'a build-context tree in a stage that installed its tools first',
      input: lines(
        'FROM debian:bookworm-slim',
        'RUN apt-get update && apt-get install -y make',
        'COPY . /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'a builder stage from the same base would have no `make`',
      note: 'without what the `RUN` at line 2 did',
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
      name: 'an ENV in the stage the tree comes from',
      input: lines(
        'FROM gcc:14 AS build',
        'ENV PREFIX=/opt/tool',
        'RUN make -C /src/tool',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'make reads PREFIX from its environment, which the original install did not have',
      note: 'the `ENV` at line 2 in the stage the tree comes from would apply to the install',
    },
    {
      name: 'an ENV in a stage the tree stage is built on',
      input: lines(
        'FROM gcc:14 AS tools',
        'ENV CC=clang',
        'FROM tools AS build',
        'RUN make -C /src/tool',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'an ENV passes to the stages built on its stage',
      note: 'the `ENV` at line 2 in the stage the tree comes from',
    },
    {
      name: 'an ARG in the stage the tree comes from',
      input: lines(
        'FROM gcc:14 AS build',
        'ARG VERSION=1.2',
        'RUN make -C /src/tool',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: 'a stage ARG is in the environment of the RUNs after it in that stage',
      note: 'the `ARG` at line 2 in the stage the tree comes from',
    },
    {
      name: 'the pattern in a stage that is not the final one',
      input: lines(
        'FROM gcc:14 AS build',
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
      name: 'install and removal joined in one RUN, relative destination under a WORKDIR',
      input: lines(
        'FROM compiled-toolchain:latest AS build',
        'FROM base:latest',
        'WORKDIR /temp-dir',
        'COPY --from=build /src/tool .',
        'RUN cd build && make install DESTDIR=/ && rm -rf /temp-dir',
      ),
      output: lines(
        'FROM compiled-toolchain:latest AS build',
        'FROM build AS tool-install',
        'WORKDIR /src/tool/build',
        'RUN make install DESTDIR=/opt/tool-install',
        'FROM base:latest',
        'WORKDIR /temp-dir',
        'COPY --from=tool-install /opt/tool-install/ /',
        // The WORKDIR made /temp-dir, and the original removed it: so must the rewrite.
        'RUN rm -rf /temp-dir',
      ),
      message:
        'the build tree `/temp-dir` that line 4 copied stayed in that layer even after `rm -rf` deleted it',
    },
    {
      name: 'install and removal in separate RUNs',
      input: lines(
        'FROM compiled-toolchain:latest AS build',
        'FROM base:latest',
        'WORKDIR /temp-dir',
        'COPY --from=build /src/tool .',
        'RUN cd build && make install DESTDIR=/',
        'RUN rm -rf /temp-dir',
      ),
      output: lines(
        'FROM compiled-toolchain:latest AS build',
        'FROM build AS tool-install',
        'WORKDIR /src/tool/build',
        'RUN make install DESTDIR=/opt/tool-install',
        'FROM base:latest',
        'WORKDIR /temp-dir',
        'COPY --from=tool-install /opt/tool-install/ /',
        'RUN rm -rf /temp-dir',
      ),
    },
    {
      name: 'an ARG of a stage the tree stage is built on ends with that stage',
      input: lines(
        'FROM compiled-toolchain:latest AS tools',
        'ARG VERSION=1.2',
        'FROM tools AS build',
        'FROM base:latest',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      output: lines(
        'FROM compiled-toolchain:latest AS tools',
        'ARG VERSION=1.2',
        'FROM tools AS build',
        'FROM build AS tool-install',
        'WORKDIR /src/tool',
        'RUN make install DESTDIR=/opt/tool-install',
        'FROM base:latest',
        'COPY --from=tool-install /opt/tool-install/ /',
      ),
    },
    {
      name: 'the shape merge-runs leaves: the install in a subshell',
      input: lines(
        'FROM compiled-toolchain:latest AS build',
        'FROM base:latest',
        'WORKDIR /temp-dir',
        'COPY --from=build /src/tool .',
        'RUN ( cd build && make install DESTDIR=/ ) && \\',
        '    rm -rf /temp-dir',
      ),
      output: lines(
        'FROM compiled-toolchain:latest AS build',
        'FROM build AS tool-install',
        'WORKDIR /src/tool/build',
        'RUN make install DESTDIR=/opt/tool-install',
        'FROM base:latest',
        'WORKDIR /temp-dir',
        'COPY --from=tool-install /opt/tool-install/ /',
        'RUN rm -rf /temp-dir',
      ),
    },
    {
      name: 'absolute destination without a WORKDIR; the removal goes',
      input: lines(
        'FROM gcc:14 AS build',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
        'CMD ["tool"]',
      ),
      output: lines(
        'FROM gcc:14 AS build',
        'FROM build AS tool-install',
        'WORKDIR /src/tool',
        'RUN make install DESTDIR=/opt/tool-install',
        'FROM debian:bookworm-slim',
        'COPY --from=tool-install /opt/tool-install/ /',
        'CMD ["tool"]',
      ),
    },
    {
      name: 'absolute destination under an unrelated WORKDIR; later commands stay in order',
      input: lines(
        'FROM gcc:14 AS build',
        'FROM debian:bookworm-slim',
        'WORKDIR /app',
        'COPY --from=ghcr.io/acme/tool-src:1.2 /src /tmp/tool',
        'RUN cd /tmp/tool && make install && cd / && rm -rf /tmp/tool && useradd app',
      ),
      output: lines(
        'FROM gcc:14 AS build',
        'FROM ghcr.io/acme/tool-src:1.2 AS src-install',
        'WORKDIR /src',
        'RUN make install DESTDIR=/opt/src-install',
        'FROM debian:bookworm-slim',
        'WORKDIR /app',
        'COPY --from=src-install /opt/src-install/ /',
        'RUN useradd app',
      ),
    },
    {
      name: 'a DESTDIR in the environment, PREFIX kept, ldconfig kept',
      input: lines(
        'FROM gcc:14 AS build',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && DESTDIR=/staging make install PREFIX=/usr \\',
        '    && ldconfig \\',
        '    && rm -rf /tmp/tool',
      ),
      output: lines(
        'FROM gcc:14 AS build',
        'FROM build AS tool-install',
        'WORKDIR /src/tool',
        'RUN DESTDIR=/opt/tool-install/staging make install PREFIX=/usr',
        'FROM debian:bookworm-slim',
        'COPY --from=tool-install /opt/tool-install/ /',
        'RUN ldconfig',
      ),
    },
    {
      name: 'a stage name that clashes in another case',
      input: lines(
        'FROM gcc:14 AS build',
        'FROM Build AS Tool-Install',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN make -C /tmp/tool/build install && rm -rf /tmp/tool',
      ),
      output: lines(
        'FROM gcc:14 AS build',
        'FROM Build AS Tool-Install',
        'FROM build AS tool-install-2',
        'WORKDIR /src/tool/build',
        'RUN make install DESTDIR=/opt/tool-install-2',
        'FROM debian:bookworm-slim',
        'COPY --from=tool-install-2 /opt/tool-install-2/ /',
      ),
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
        'FROM gcc:14 AS builder',
        'RUN make',
        'FROM builder AS tool-install',
        'WORKDIR /src/tool/build',
        'RUN DESTDIR=/opt/tool-install cmake --install . --prefix /usr/local',
        'FROM debian:bookworm-slim',
        'COPY --from=tool-install /opt/tool-install/ /',
      ),
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
        'FROM build AS app-install',
        'WORKDIR /src/app/build',
        'RUN make install DESTDIR=/opt/app-install',
        'FROM debian:bookworm-slim',
        'COPY --from=app-install /opt/app-install/ /',
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
        'FROM ${BASE} AS tool-install',
        'COPY tool /tmp/tool',
        'WORKDIR /tmp/tool/build',
        'RUN DESTDIR=/opt/tool-install ninja install',
        'FROM ${BASE}',
        'WORKDIR /tmp/tool',
        'COPY --from=tool-install /opt/tool-install/ /',
        'WORKDIR /',
        'RUN rm -rf /tmp/tool',
      ),
    },
    {
      name: 'the build context copied to a relative destination',
      input: lines(
        'FROM debian:bookworm-slim',
        'WORKDIR /usr/src/tool',
        'COPY . .',
        'RUN make install PREFIX=/usr/local && rm -rf /usr/src/tool',
        'CMD ["tool"]',
      ),
      output: lines(
        'FROM debian:bookworm-slim AS tool-install',
        'COPY . /usr/src/tool',
        'WORKDIR /usr/src/tool',
        'RUN make install PREFIX=/usr/local DESTDIR=/opt/tool-install',
        'FROM debian:bookworm-slim',
        'WORKDIR /usr/src/tool',
        'COPY --from=tool-install /opt/tool-install/ /',
        'RUN rm -rf /usr/src/tool',
        'CMD ["tool"]',
      ),
    },
    {
      name: 'a source stage that ends as another user',
      input: lines(
        'FROM gcc:14 AS build',
        'USER builder',
        '',
        'FROM debian:bookworm-slim',
        'COPY --from=build /home/builder/tool /tmp/tool',
        'RUN cd /tmp/tool && make install-strip PREFIX=/usr \\',
        ' && rm -rf /tmp/tool',
      ),
      output: lines(
        'FROM gcc:14 AS build',
        'USER builder',
        '',
        'FROM build AS tool-install',
        'USER root',
        'WORKDIR /home/builder/tool',
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
        'FROM build AS src-install',
        'WORKDIR /src/build',
        'RUN make install/strip DESTDIR=/opt/src-install',
        '',
        'FROM debian:bookworm-slim',
        'COPY --from=src-install /opt/src-install/ /',
      ),
    },
    {
      name: 'CRLF line endings',
      input:
        'FROM gcc:14 AS build\r\nFROM debian:bookworm-slim\r\nCOPY --from=build /src/tool /tmp/tool\r\n' +
        'RUN cd /tmp/tool \\\r\n    && make install \\\r\n    && rm -rf /tmp/tool\r\nCMD ["tool"]\r\n',
      output:
        'FROM gcc:14 AS build\r\nFROM build AS tool-install\r\nWORKDIR /src/tool\r\n' +
        'RUN make install DESTDIR=/opt/tool-install\r\n' +
        'FROM debian:bookworm-slim\r\nCOPY --from=tool-install /opt/tool-install/ /\r\nCMD ["tool"]\r\n',
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
        'FROM build AS tool-install',
        'WORKDIR /src/tool/build',
        'RUN make install DESTDIR=/opt/tool-install',
        'FROM base:latest',
        'WORKDIR /temp-dir',
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
      expect(result.notes.map((n) => n.message)).toEqual([
        `Leaves this \`RUN\` apart from the one before: the two RUNs have different flags: the one before has none, this one has \`${MOUNT}\`.`,
      ]);
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

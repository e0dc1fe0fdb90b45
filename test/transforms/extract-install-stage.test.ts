import { lines, transformTable } from '../harness';

const mount = { transformOptions: { 'extract-install-stage': { strategy: 'mount' } } };

transformTable('extract-install-stage', {
  unchanged: [
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
  changed: [],
});

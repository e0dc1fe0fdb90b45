import { fix } from '../../src/index';
import { lines, transformTable } from '../harness';

/** A builder stage set up by `setup`, and the install stage made from it. */
const installStage = (setup: string, install: string, workdir = '/src/tool') =>
  lines(
    'FROM gcc:14 AS build',
    'WORKDIR /src/tool',
    `RUN ${setup}`,
    'FROM build AS tool-install',
    `WORKDIR ${workdir}`,
    `RUN ${install}`,
    'FROM debian:bookworm-slim',
    'COPY --from=tool-install /opt/tool-install/ /',
  );

const UNKNOWN = 'so dslim cannot tell which build system made it';

transformTable('strip-installed-binaries', {
  unchanged: [
    {
      name: 'a stage the final stage does not copy from /opt',
      input: lines(
        'FROM gcc:14 AS build',
        'RUN cd /src && ./configure && make install DESTDIR=/out',
        'FROM debian:bookworm-slim',
        'COPY --from=build /out/ /',
      ),
      reason:
        'only the install stages that extract-install-stage makes are known to be copied whole',
    },
    {
      name: 'an install already stripped',
      input: installStage('./configure && make', 'make install-strip DESTDIR=/opt/tool-install'),
      reason: 'there is nothing left to strip',
    },
    {
      name: 'a CMake install already stripped',
      input: installStage('cmake -B build', 'make install/strip DESTDIR=/opt/tool-install'),
      reason: 'there is nothing left to strip',
    },
    {
      name: 'a cmake install',
      input: installStage('cmake -B build', 'DESTDIR=/opt/tool-install cmake --install build'),
      reason: 'cmake --install has no strip target; `--strip` is a different option',
    },
    {
      name: 'make install in the final stage',
      input: lines('FROM debian:bookworm-slim', 'RUN cd /src && ./configure && make install'),
      reason: 'a final-stage install is not one of the copied install stages',
    },
    {
      name: 'a tree from the build context, set up outside the Dockerfile',
      input: lines(
        'FROM debian:bookworm-slim AS tool-install',
        'COPY tool /tmp/tool',
        'WORKDIR /tmp/tool',
        'RUN make install DESTDIR=/opt/tool-install',
        'FROM debian:bookworm-slim',
        'COPY --from=tool-install /opt/tool-install/ /',
      ),
      reason:
        'an Autotools tree has `install-strip` and a CMake one `install/strip`; the wrong one fails the build',
      note: 'Leaves `make install DESTDIR=/opt/tool-install` in stage `tool-install` unstripped: no `RUN` of stage `tool-install`, of a stage it builds on or of one it copies the tree from runs `configure`, `autoreconf`, `cmake` or `meson` on `/tmp/tool`, so dslim cannot tell which build system made it. The strip target is `install-strip` in a tree Automake made and `install/strip` in one CMake made, and a target the tree lacks fails the build.',
    },
    {
      name: 'a tree copied with a wildcard from the stage that set it up',
      input: lines(
        'FROM gcc:14 AS build',
        'RUN cmake -S /src -B /src/build',
        'FROM debian:bookworm-slim AS src-install',
        'COPY --from=build /sr[c] /tmp/src',
        'RUN make -C /tmp/src/build install DESTDIR=/opt/src-install',
        'FROM debian:bookworm-slim',
        'COPY --from=src-install /opt/src-install/ /',
      ),
      reason: 'dslim cannot tell which directory the wildcard copies',
      note: `on \`/tmp/src/build\`, ${UNKNOWN}`,
    },
    {
      name: 'a tree configured in another directory',
      input: installStage('cd /src/other && ./configure', 'make install DESTDIR=/opt/tool-install'),
      reason: 'the configure run set up /src/other, not the tree the install runs in',
      note: `runs \`configure\`, \`autoreconf\`, \`cmake\` or \`meson\` on \`/src/tool\`, ${UNKNOWN}`,
    },
    {
      name: 'a subdirectory of a configured tree',
      input: installStage(
        './configure',
        'make install DESTDIR=/opt/tool-install',
        '/src/tool/vendor/lib',
      ),
      reason: 'the subdirectory may be a project of its own, with another build system',
      note: `on \`/src/tool/vendor/lib\`, ${UNKNOWN}`,
    },
    {
      name: 'a build directory named by a variable',
      input: installStage('cmake -B "$BUILD"', 'make -C build install DESTDIR=/opt/tool-install'),
      reason: 'dslim cannot tell whether `$BUILD` is `build`',
      note: `on \`/src/tool/build\`, ${UNKNOWN}`,
    },
    {
      name: 'cmake used as a tool, configuring nothing',
      input: installStage(
        'cmake -E make_directory build && cmake --version',
        'make -C build install DESTDIR=/opt/tool-install',
      ),
      reason: '`cmake -E` and `cmake --version` make no build tree',
      note: `on \`/src/tool/build\`, ${UNKNOWN}`,
    },
    {
      name: 'a Meson tree installed with ninja',
      input: installStage('meson setup build', 'ninja -C build install'),
      reason: 'Meson ninja files have no `install/strip` target',
      note: 'Leaves `ninja -C build install` in stage `tool-install` unstripped: `meson setup build` (line 3) set up `/src/tool/build` with Meson, whose ninja files have no strip target.',
    },
    {
      name: 'a tree both configure and cmake set up',
      input: installStage(
        './autogen.sh && ./configure && cmake .',
        'make install DESTDIR=/opt/tool-install',
      ),
      reason: 'which Makefile the install reads depends on which ran last and what it wrote',
      note: 'unstripped: both `./autogen.sh` (line 3) and `cmake .` (line 3) set up `/src/tool`.',
    },
    {
      name: 'ninja in a tree Automake set up',
      input: installStage('autoreconf -fi && ./configure', 'ninja install'),
      reason: 'Automake writes Makefiles, so the tree has no ninja strip target',
      note: 'unstripped: `autoreconf -fi` (line 3) set up `/src/tool` with Automake, which writes no files for ninja.',
    },
    {
      name: 'a configure with no Automake step, as zlib ships',
      input: installStage(
        './configure --prefix=/usr && make',
        'make install DESTDIR=/opt/tool-install',
      ),
      reason:
        "zlib's configure is written by hand and its Makefile has no install-strip target: the build would fail",
      note: "Leaves `make install DESTDIR=/opt/tool-install` in stage `tool-install` unstripped: `./configure --prefix=/usr` (line 3) set up `/src/tool`, but no `autoreconf`, `automake`, `autogen.sh` or `bootstrap` ran before it where the script is, so nothing shows that Automake made the Makefiles it writes: a `configure` written by hand or by Autoconf alone (zlib's) writes Makefiles that may have no `install-strip` target. The strip target is `install-strip` in a tree Automake made and `install/strip` in one CMake made, and a target the tree lacks fails the build.",
    },
    {
      name: 'autoconf alone before configure',
      input: installStage('autoconf && ./configure', 'make install DESTDIR=/opt/tool-install'),
      reason: 'autoconf makes the configure script but not the Makefile.in it fills in',
      note: 'unstripped: `./configure` (line 3) set up `/src/tool`, but no `autoreconf`',
    },
    {
      name: 'sh configure with no Automake step',
      input: installStage('sh configure', 'gmake install DESTDIR=/opt/tool-install'),
      reason: 'running the script through sh tells nothing more about who wrote it',
      note: 'unstripped: `sh configure` (line 3) set up `/src/tool`, but no `autoreconf`',
    },
    {
      name: 'an Automake step in another directory',
      input: installStage(
        'autoreconf -i /src/lib && ./configure',
        'make install DESTDIR=/opt/tool-install',
      ),
      reason:
        "Automake ran on /src/lib's sources, not on the tree whose configure set up /src/tool",
      note: 'unstripped: `./configure` (line 3) set up `/src/tool`, but no `autoreconf`',
    },
    {
      name: 'an Automake step only after configure',
      input: installStage(
        './configure',
        'autoreconf -i /src/other && make install DESTDIR=/opt/tool-install',
      ),
      reason: 'the Makefile the install reads was written before any Automake step',
      note: 'unstripped: `./configure` (line 3) set up `/src/tool`, but no `autoreconf`',
    },
    {
      name: 'an out-of-tree configure whose sources saw no Automake step',
      input: installStage(
        'autoreconf -i /src/tool/build && cd build && ../configure',
        'make install DESTDIR=/opt/tool-install',
        '/src/tool/build',
      ),
      reason:
        'the Automake step ran in the build directory, not where ../configure and its Makefile.in are',
      note: 'unstripped: both `autoreconf -i /src/tool/build` (line 3) and `../configure` (line 3) set up `/src/tool/build`.',
    },
    {
      name: "a bootstrap script with no configure, as CMake's own sources have",
      input: installStage('./bootstrap && make', 'make install DESTDIR=/opt/tool-install'),
      reason: "CMake's ./bootstrap writes a CMake tree, whose strip target is install/strip",
      note: `runs \`configure\`, \`autoreconf\`, \`cmake\` or \`meson\` on \`/src/tool\`, ${UNKNOWN}`,
    },
  ],
  changed: [
    {
      name: 'a CMake tree copied from the stage that set it up, the shape extract-install-stage makes',
      input: lines(
        'FROM gcc:14 AS build',
        'RUN cmake -S /src -B /src/build && cmake --build /src/build',
        'FROM debian:bookworm-slim AS src-install',
        'COPY --from=build /src /tmp/src',
        'WORKDIR /tmp/src/build',
        'RUN make install DESTDIR=/opt/src-install',
        'FROM debian:bookworm-slim',
        'COPY --from=src-install /opt/src-install/ /',
      ),
      output: lines(
        'FROM gcc:14 AS build',
        'RUN cmake -S /src -B /src/build && cmake --build /src/build',
        'FROM debian:bookworm-slim AS src-install',
        'COPY --from=build /src /tmp/src',
        'WORKDIR /tmp/src/build',
        'RUN make install/strip DESTDIR=/opt/src-install',
        'FROM debian:bookworm-slim',
        'COPY --from=src-install /opt/src-install/ /',
      ),
      message:
        'Uses `make install/strip` in stage `src-install`, the strip target of the CMake build tree `/tmp/src/build` that `cmake -S /src -B /src/build` (line 2) set up',
    },
    {
      name: 'an Automake tree that autogen.sh made and configure set up',
      input: installStage(
        './autogen.sh && ./configure --prefix=/usr && make',
        'make install PREFIX=/usr DESTDIR=/opt/tool-install',
      ),
      output: installStage(
        './autogen.sh && ./configure --prefix=/usr && make',
        'make install-strip PREFIX=/usr DESTDIR=/opt/tool-install',
      ),
      message:
        'Uses `make install-strip` in stage `tool-install`, the strip target of the Automake build tree `/src/tool` that `./autogen.sh` (line 3) set up: the binaries it installs lose their symbol tables and debug sections, which the image carried without running them.',
    },
    {
      name: 'an Automake tree configured out of the source tree',
      input: installStage(
        'autoreconf -fi && mkdir build && cd build && ../configure && make',
        'make install DESTDIR=/opt/tool-install',
        '/src/tool/build',
      ),
      output: installStage(
        'autoreconf -fi && mkdir build && cd build && ../configure && make',
        'make install-strip DESTDIR=/opt/tool-install',
        '/src/tool/build',
      ),
      message: 'the Automake build tree `/src/tool/build` that `../configure` (line 3) set up',
    },
    {
      name: 'a gnulib bootstrap, sh running configure, and gmake',
      input: installStage(
        './bootstrap && sh ./configure',
        'gmake install DESTDIR=/opt/tool-install',
      ),
      output: installStage(
        './bootstrap && sh ./configure',
        'gmake install-strip DESTDIR=/opt/tool-install',
      ),
      message:
        'Uses `gmake install-strip` in stage `tool-install`, the strip target of the Automake build tree `/src/tool` that `sh ./configure` (line 3) set up',
    },
    {
      name: 'automake in one RUN, configure by its full path in a later one',
      input: lines(
        'FROM gcc:14 AS build',
        'WORKDIR /src/tool',
        'RUN aclocal && automake --add-missing && autoconf',
        'RUN mkdir /build && cd /build && /src/tool/configure',
        'FROM build AS tool-install',
        'WORKDIR /build',
        'RUN make install DESTDIR=/opt/tool-install',
        'FROM debian:bookworm-slim',
        'COPY --from=tool-install /opt/tool-install/ /',
      ),
      output: lines(
        'FROM gcc:14 AS build',
        'WORKDIR /src/tool',
        'RUN aclocal && automake --add-missing && autoconf',
        'RUN mkdir /build && cd /build && /src/tool/configure',
        'FROM build AS tool-install',
        'WORKDIR /build',
        'RUN make install-strip DESTDIR=/opt/tool-install',
        'FROM debian:bookworm-slim',
        'COPY --from=tool-install /opt/tool-install/ /',
      ),
      message: 'the Automake build tree `/build` that `/src/tool/configure` (line 4) set up',
    },
    {
      name: 'autoreconf on the tree, configure in the install RUN itself',
      input: installStage(
        'autoreconf -fi /src/tool',
        './configure && make install DESTDIR=/opt/tool-install',
      ),
      output: installStage(
        'autoreconf -fi /src/tool',
        './configure && make install-strip DESTDIR=/opt/tool-install',
      ),
      message: 'that `autoreconf -fi /src/tool` (line 3) set up',
    },
    {
      name: 'a CMake tree named with -B, installed with make -C',
      input: installStage(
        'cmake -S . -B build && cmake --build build',
        'make -C build install DESTDIR=/opt/tool-install',
      ),
      output: installStage(
        'cmake -S . -B build && cmake --build build',
        'make -C build install/strip DESTDIR=/opt/tool-install',
      ),
      message:
        'Uses `make install/strip` in stage `tool-install`, the strip target of the CMake build tree `/src/tool/build` that `cmake -S . -B build` (line 3) set up',
    },
    {
      name: 'a CMake tree configured from inside it',
      input: installStage(
        'mkdir build && cd build && cmake .. && make',
        'make install DESTDIR=/opt/tool-install',
        '/src/tool/build',
      ),
      output: installStage(
        'mkdir build && cd build && cmake .. && make',
        'make install/strip DESTDIR=/opt/tool-install',
        '/src/tool/build',
      ),
      message: 'the CMake build tree `/src/tool/build` that `cmake ..` (line 3) set up',
    },
    {
      name: 'a CMake tree with the Ninja generator',
      input: installStage(
        'cmake -G Ninja -Bbuild',
        'DESTDIR=/opt/tool-install ninja install',
        '/src/tool/build',
      ),
      output: installStage(
        'cmake -G Ninja -Bbuild',
        'DESTDIR=/opt/tool-install ninja install/strip',
        '/src/tool/build',
      ),
      message: 'Uses `ninja install/strip` in stage `tool-install`',
    },
    {
      name: 'a CMake tree only built with cmake --build',
      input: installStage('cmake --build /src/tool/out', 'ninja -C out install'),
      output: installStage('cmake --build /src/tool/out', 'ninja -C out install/strip'),
      message: 'that `cmake --build /src/tool/out` (line 3) set up',
    },
  ],
});

test('stripping waits for the content safety class', async () => {
  const input = installStage(
    'autoreconf -i && ./configure',
    'make install DESTDIR=/opt/tool-install',
  );
  expect((await fix(input)).output).toBe(input);
  const opted = await fix(input, { safety: ['layout', 'cache', 'content'] });
  expect(opted.output).toContain('make install-strip DESTDIR=/opt/tool-install');
});

test('a CMake tree that extract-install-stage moves to a stage gets install/strip', async () => {
  const input = lines(
    'FROM gcc:14 AS build',
    'COPY . /src',
    'RUN cmake -S /src -B /src/build && cmake --build /src/build',
    '',
    'FROM debian:bookworm-slim',
    'COPY --from=build /src /src',
    'RUN cd /src/build && make install && rm -rf /src',
  );
  const result = await fix(input, {
    safety: ['layout', 'cache', 'content'],
    only: ['extract-install-stage', 'strip-installed-binaries'],
  });
  expect(result.output).toBe(
    lines(
      'FROM gcc:14 AS build',
      'COPY . /src',
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
  );
  expect(result.notes).toEqual([]);
});

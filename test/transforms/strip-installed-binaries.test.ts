import { fix } from '../../src/index';
import { lines, transformTable } from '../harness';

const installStage = (install: string) =>
  lines(
    'FROM gcc:14 AS build',
    'FROM build AS tool-install',
    'WORKDIR /src/tool',
    `RUN ${install}`,
    'FROM debian:bookworm-slim',
    'COPY --from=tool-install /opt/tool-install/ /',
  );

transformTable('strip-installed-binaries', {
  unchanged: [
    {
      name: 'a stage the final stage does not copy from /opt',
      input: lines(
        'FROM gcc:14 AS build',
        'RUN cd /src && make install DESTDIR=/out',
        'FROM debian:bookworm-slim',
        'COPY --from=build /out/ /',
      ),
      reason:
        'only the install stages that extract-install-stage makes are known to be copied whole',
    },
    {
      name: 'an install already stripped',
      input: installStage('make install-strip DESTDIR=/opt/tool-install'),
      reason: 'there is nothing left to strip',
    },
    {
      name: 'a cmake install',
      input: installStage('DESTDIR=/opt/tool-install cmake --install .'),
      reason: 'cmake has no install-strip target; `--strip` is a different option',
    },
    {
      name: 'make install in the final stage',
      input: lines('FROM debian:bookworm-slim', 'RUN cd /src && make install'),
      reason: 'a final-stage install is not one of the copied install stages',
    },
  ],
  changed: [
    {
      name: 'the install stage extract-install-stage makes',
      input: installStage('make install PREFIX=/usr DESTDIR=/opt/tool-install'),
      output: installStage('make install-strip PREFIX=/usr DESTDIR=/opt/tool-install'),
      message: 'Uses `make install-strip` in stage `tool-install`',
    },
  ],
});

test('stripping waits for the content safety class', async () => {
  const input = installStage('make install DESTDIR=/opt/tool-install');
  expect((await fix(input)).output).toBe(input);
  const opted = await fix(input, { safety: ['layout', 'cache', 'content'] });
  expect(opted.output).toContain('make install-strip DESTDIR=/opt/tool-install');
});

import { fix } from '../../src/index';
import { lines, transformTable } from '../harness';

transformTable('pip-no-cache', {
  unchanged: [
    {
      name: 'a CMD that installs from the wheels in the cache',
      input: lines(
        'FROM python:3.12',
        'RUN pip install flask',
        'CMD ["sh", "-c", "pip install --no-index --find-links /root/.cache/pip/wheels app && app"]',
      ),
      reason: 'the container reads the wheels this RUN leaves in the cache',
      note: 'Leaves `pip install` as it is: the `CMD` on line 3 runs `pip` when the container starts, and it names the cache, which it may read.',
    },
    {
      name: 'a tmpfs above the pip cache',
      input: lines(
        'FROM python:3.12',
        'RUN --mount=type=tmpfs,target=/root/.cache pip install flask',
      ),
      reason: 'the cache goes to the tmpfs, never to the layer',
      note: 'Adds no `--no-cache-dir`: `/root/.cache` is a tmpfs mount, so the pip cache never reaches a layer.',
    },
    {
      name: 'wheels bind-mounted inside the pip cache',
      input: lines(
        'FROM python:3.12',
        'RUN --mount=type=bind,source=wheels,target=/root/.cache/pip/wheels pip install flask',
      ),
      reason: '`--no-cache-dir` would keep pip from the wheels the mount provides',
      note: 'Leaves `pip install` as it is: its bind mount at `/root/.cache/pip/wheels` is inside the cache (`/root/.cache/pip`): a cleanup would reach into the mount, whose mount point it cannot delete, and the install may read what the mount holds.',
    },
    {
      name: 'the same RUN reads the cache after the install',
      input: lines('FROM python:3.12', 'RUN pip install requests && cp -r /root/.cache/pip /keep'),
      reason: '/keep holds the wheels only while pip keeps them',
      note: 'Leaves `pip install` as it is: `cp` after the install names the cache, which it may read.',
    },
    {
      name: 'a later RUN reads the cache',
      input: lines('FROM python:3.12', 'RUN pip install requests', 'RUN cp -r ~/.cache /keep'),
      reason: 'a directory above the cache holds it',
      note: '`cp` in the `RUN` on line 3 names the cache',
    },
    {
      name: 'already `--no-cache-dir`',
      input: lines('FROM python:3.12', 'RUN pip install --no-cache-dir flask'),
      reason: 'the flag is there',
    },
    ...['--no-cache', '--no-ca', '--no-cache-d', '--cache=/tmp/c', '--ca /tmp/c'].map((flag) => ({
      name: `already \`${flag}\`, which pip reads as \`--no-cache-dir\` or \`--cache-dir\``,
      input: lines('FROM python:3.12', `RUN pip install ${flag} flask`),
      reason: 'optparse takes a prefix of a long option that no other pip option shares',
    })),
    {
      name: 'PIP_NO_CACHE_DIR set by ENV',
      input: lines('FROM python:3.12', 'ENV PIP_NO_CACHE_DIR=1', 'RUN pip install flask'),
      reason: 'the environment already turns the cache off',
    },
    {
      name: 'PIP_NO_CACHE_DIR set by ENV in the stage built from',
      input: lines(
        'FROM python:3.12 AS base',
        'ENV PIP_NO_CACHE_DIR=1',
        'FROM base',
        'RUN pip install flask',
      ),
      reason: 'the stage inherits the environment',
    },
    {
      name: 'PIP_NO_CACHE_DIR on the command',
      input: lines('FROM python:3.12', 'RUN PIP_NO_CACHE_DIR=1 pip install flask'),
      reason: 'the command already turns the cache off',
    },
    {
      name: 'PIP_NO_CACHE_DIR exported earlier in the RUN',
      input: lines('FROM python:3.12', 'RUN export PIP_NO_CACHE_DIR=1 && pip install flask'),
      reason: 'the RUN turns the cache off in its own shell before pip runs',
    },
    {
      name: 'PIP_NO_CACHE_DIR assigned, then exported by name',
      input: lines(
        'FROM python:3.12',
        'RUN PIP_NO_CACHE_DIR=1; export PIP_NO_CACHE_DIR; pip install flask',
      ),
      reason: 'pip sees the setting the shell exports',
    },
    {
      name: 'PIP_NO_CACHE_DIR set by `declare -x` under bash',
      input: lines(
        'FROM python:3.12',
        'SHELL ["/bin/bash", "-c"]',
        'RUN declare -x PIP_NO_CACHE_DIR=1; pip install flask',
      ),
      reason: '`declare -x` exports the setting as `export` does',
    },
    {
      name: 'a cache directory chosen on purpose',
      input: lines('FROM python:3.12', 'RUN pip install --cache-dir=/wheels flask'),
      reason: 'the user wants that cache',
    },
    {
      name: 'not an install',
      input: lines('FROM python:3.12', 'RUN pip freeze && python -m pip download x'),
      reason: 'only installs write the cache this flag turns off',
    },
    {
      name: 'cache mount',
      input: lines(
        'FROM python:3.12',
        'RUN --mount=type=cache,target=/root/.cache pip install flask',
      ),
      reason: 'the cache never reaches a layer',
      note: '`/root/.cache` is a cache mount',
    },
    {
      name: 'heredoc',
      input: lines('FROM python:3.12', 'RUN <<EOF', 'pip install flask', 'EOF'),
      reason: 'heredocs are never edited',
      note: 'Leaves `pip install` as it is: the RUN has a heredoc',
    },
    {
      name: "a later RUN mounts root's home",
      input: lines(
        'FROM python:3.12 AS build',
        'RUN pip install flask',
        'FROM python:3.12',
        'RUN --mount=type=bind,from=build,source=/root,target=/build-root \\',
        '    cp -r /build-root/.cache/pip /wheels',
      ),
      reason: 'the later RUN reads the wheels the cache holds',
      note: 'the `RUN --mount=from=build` on line 4 mounts `/root` from this stage',
    },
    {
      name: 'a later stage copies the pip cache back to the same path',
      input: lines(
        'FROM python:3.12-slim AS build',
        'RUN pip install flask',
        'FROM python:3.12-slim',
        'COPY --from=build /root/.cache/pip /root/.cache/pip',
      ),
      reason: 'a copy of the cache directory itself asks for the cache, which would then be gone',
      note: 'Leaves `pip install` as it is: the `COPY --from=build` on line 4 copies `/root/.cache/pip` from this stage, so removing the cache would change what it copies.',
    },
    {
      name: 'a later stage copies `/root/.cache` back to the same path',
      input: lines(
        'FROM python:3.12-slim AS build',
        'RUN pip install flask',
        'FROM python:3.12-slim',
        'COPY --from=build /root/.cache /root/.cache',
      ),
      reason: '`/root/.cache` holds only caches, so copying it asks for them',
      note: 'copies `/root/.cache` from this stage',
    },
    {
      name: 'a later stage copies a path inside the pip cache back to the same path',
      input: lines(
        'FROM python:3.12-slim AS build',
        'RUN pip install flask',
        'FROM python:3.12-slim',
        'COPY --from=build /root/.cache/pip/wheels /root/.cache/pip/wheels',
      ),
      reason: 'a copy of a path inside the cache asks for those files by name',
      note: 'copies `/root/.cache/pip/wheels` from this stage',
    },
    {
      name: 'an ONBUILD COPY --from reads the pip cache',
      input: lines(
        'FROM python:3.12-slim AS build',
        'RUN pip install flask',
        'ONBUILD COPY --from=build /root/.cache/pip /wheels',
      ),
      reason: 'the trigger copies the cache in every image built on this one',
      note: 'the `ONBUILD COPY --from=build` on line 3 copies `/root/.cache/pip` from this stage',
    },
  ],
  changed: [
    {
      name: 'later commands that delete the cache or name only a top-level directory',
      input: lines(
        'FROM python:3.12',
        'RUN pip install requests && rm -rf /root/.cache/pip',
        'RUN chown -R root /root',
      ),
      output: lines(
        'FROM python:3.12',
        'RUN pip install --no-cache-dir requests && rm -rf /root/.cache/pip',
        'RUN chown -R root /root',
      ),
    },
    {
      name: 'pip',
      input: lines('FROM python:3.12', 'RUN pip install flask'),
      output: lines('FROM python:3.12', 'RUN pip install --no-cache-dir flask'),
      message: 'Adds `--no-cache-dir` to `pip install`',
    },
    {
      name: 'python -m pip, pip3 and a versioned pip in one RUN',
      input: lines(
        'FROM python:3.12',
        'RUN python3 -m pip install -U pip && pip3 install a; /usr/bin/pip3.12 install b',
      ),
      output: lines(
        'FROM python:3.12',
        'RUN python3 -m pip install --no-cache-dir -U pip && pip3 install --no-cache-dir a; /usr/bin/pip3.12 install --no-cache-dir b',
      ),
      message: '`python3 -m pip install`',
    },
    {
      name: 'mount flags on continuation lines stay once and in order',
      input: lines(
        'FROM python:3.12-slim',
        'RUN --mount=type=bind,source=reqs.lock,target=/tmp/reqs.lock \\',
        '    --mount=type=ssh \\',
        '    pip install -r /tmp/reqs.lock',
      ),
      output: lines(
        'FROM python:3.12-slim',
        'RUN --mount=type=bind,source=reqs.lock,target=/tmp/reqs.lock \\',
        '    --mount=type=ssh \\',
        '    pip install --no-cache-dir -r /tmp/reqs.lock',
      ),
    },
    {
      name: 'install at the end of a line',
      input: lines('FROM python:3.12', 'RUN pip install \\', '      flask'),
      output: lines('FROM python:3.12', 'RUN pip install --no-cache-dir \\', '      flask'),
    },
    {
      name: 'CRLF and the backtick escape',
      input: '# escape=`\r\nFROM python:3.12\r\nRUN pip install `\r\n    flask\r\n',
      output: '# escape=`\r\nFROM python:3.12\r\nRUN pip install --no-cache-dir `\r\n    flask\r\n',
    },
    {
      name: 'PIP_NO_CACHE_DIR exported only after the install',
      input: lines('FROM python:3.12', 'RUN pip install flask && export PIP_NO_CACHE_DIR=1'),
      output: lines(
        'FROM python:3.12',
        'RUN pip install --no-cache-dir flask && export PIP_NO_CACHE_DIR=1',
      ),
    },
    {
      name: 'PIP_NO_CACHE_DIR exported in a subshell that ends before the install',
      input: lines('FROM python:3.12', 'RUN (export PIP_NO_CACHE_DIR=1) && pip install flask'),
      output: lines(
        'FROM python:3.12',
        'RUN (export PIP_NO_CACHE_DIR=1) && pip install --no-cache-dir flask',
      ),
    },
    {
      name: 'a later stage copies the installed packages only',
      input: lines(
        'FROM python:3.12 AS build',
        'RUN pip install --user flask',
        'FROM python:3.12-slim',
        'COPY --from=build /root/.local /root/.local',
      ),
      output: lines(
        'FROM python:3.12 AS build',
        'RUN pip install --no-cache-dir --user flask',
        'FROM python:3.12-slim',
        'COPY --from=build /root/.local /root/.local',
      ),
    },
    {
      name: "a later stage copies root's home, which holds the cache, back in place",
      input: lines(
        'FROM python:3.12-slim AS build',
        'RUN pip install flask',
        'FROM python:3.12-slim',
        'COPY --from=build /root /root',
      ),
      output: lines(
        'FROM python:3.12-slim AS build',
        'RUN pip install --no-cache-dir flask',
        'FROM python:3.12-slim',
        'COPY --from=build /root /root',
      ),
    },
  ],
});

const MOUNT = '--mount=type=cache,target=/root/.cache/pip';
const SYNTAX = '# syntax=docker/dockerfile:1';

transformTable(
  'pip-no-cache',
  {
    unchanged: [
      {
        name: 'a cache mount over the pip cache already',
        input: lines('FROM python:3.12', `RUN ${MOUNT} pip install flask`),
        reason: 'the cache never reaches a layer, so a second run adds nothing',
        note: 'Adds no `--no-cache-dir`: `/root/.cache/pip` is a cache mount',
      },
      {
        name: 'already `--no-cache-dir`',
        input: lines('FROM python:3.12', 'RUN pip install --no-cache-dir flask'),
        reason: 'the user turned the cache off, and nothing would go into a mount',
      },
      {
        name: 'PIP_NO_CACHE_DIR exported earlier in the RUN',
        input: lines('FROM python:3.12', 'RUN export PIP_NO_CACHE_DIR=1 && pip install flask'),
        reason: 'pip writes no cache, so a mount would hold nothing',
      },
      {
        name: 'exec form',
        input: lines('FROM python:3.12', 'RUN ["pip", "install", "flask"]'),
        reason: 'no shell runs, and the RUN is never edited',
        note: 'Leaves `pip install` as it is: it is an exec-form (JSON) RUN',
      },
    ],
    changed: [
      {
        name: 'pip install gets the mount, and the file the syntax directive',
        input: lines('FROM python:3.12', 'RUN pip install flask'),
        output: lines(SYNTAX, 'FROM python:3.12', `RUN ${MOUNT} pip install flask`),
        message:
          "Mounts a build cache at `/root/.cache/pip` for `pip install`: the wheels stay in BuildKit's cache, not in the layer, and the next build reuses them.",
      },
      {
        name: 'after flags on continuation lines, before the command',
        input: lines(
          'FROM python:3.12-slim',
          'RUN --mount=type=bind,source=reqs.lock,target=/tmp/reqs.lock \\',
          '    --mount=type=ssh \\',
          '    pip install -r /tmp/reqs.lock',
        ),
        output: lines(
          SYNTAX,
          'FROM python:3.12-slim',
          'RUN --mount=type=bind,source=reqs.lock,target=/tmp/reqs.lock \\',
          `    --mount=type=ssh ${MOUNT} \\`,
          '    pip install -r /tmp/reqs.lock',
        ),
      },
      {
        name: '`USER root` after another user',
        input: lines('FROM python:3.12', 'USER app', 'USER 0:0', 'RUN python -m pip install flask'),
        output: lines(
          SYNTAX,
          'FROM python:3.12',
          'USER app',
          'USER 0:0',
          `RUN ${MOUNT} python -m pip install flask`,
        ),
      },
      {
        name: 'another user: `--no-cache-dir` instead',
        input: lines('FROM python:3.12', 'USER app', 'RUN pip install flask'),
        output: lines('FROM python:3.12', 'USER app', 'RUN pip install --no-cache-dir flask'),
        message:
          'Adds `--no-cache-dir` to `pip install` instead of a cache mount, because it runs as `USER app`, whose home may not be `/root`: the wheels pip downloads are no longer kept in the layer.',
      },
      ...[
        ['gosu app pip install flask', 'gosu app pip install --no-cache-dir flask', '`app`'],
        [
          'sudo -u app python -m pip install a',
          'sudo -u app python -m pip install --no-cache-dir a',
          '`app`',
        ],
        ['su-exec 1000 pip install a', 'su-exec 1000 pip install --no-cache-dir a', '`1000`'],
      ].map(([run, output, user]) => ({
        name: `a wrapper runs pip as another user: \`${run}\`, \`--no-cache-dir\` instead`,
        input: lines('FROM python:3.12', `RUN ${run}`),
        output: lines('FROM python:3.12', `RUN ${output}`),
        message: `instead of a cache mount, because \`${run}\` runs as ${user}, whose home may not be \`/root\`:`,
      })),
      {
        name: 'HOME moved in the stage built from: `--no-cache-dir` instead',
        input: lines(
          'FROM python:3.12 AS base',
          'ENV HOME=/home/app',
          'FROM base',
          'RUN pip install flask',
        ),
        output: lines(
          'FROM python:3.12 AS base',
          'ENV HOME=/home/app',
          'FROM base',
          'RUN pip install --no-cache-dir flask',
        ),
        message: 'because the `ENV` on line 2 sets `HOME`:',
      },
      {
        name: 'an ARG moves the cache: `--no-cache-dir` instead',
        input: lines('FROM python:3.12', 'ARG PIP_CACHE_DIR=/wheels', 'RUN pip install flask'),
        output: lines(
          'FROM python:3.12',
          'ARG PIP_CACHE_DIR=/wheels',
          'RUN pip install --no-cache-dir flask',
        ),
        message: 'because the `ARG` on line 2 sets `PIP_CACHE_DIR`:',
      },
      {
        name: 'HOME moved only after the install: the mount',
        input: lines('FROM python:3.12', 'RUN pip install flask && export HOME=/srv'),
        output: lines(
          SYNTAX,
          'FROM python:3.12',
          `RUN ${MOUNT} pip install flask && export HOME=/srv`,
        ),
      },
      {
        name: 'the RUN removes a directory above the mount point: `--no-cache-dir` instead',
        input: lines('FROM python:3.12', 'RUN pip install flask && rm -rf ~/.cache'),
        output: lines(
          'FROM python:3.12',
          'RUN pip install --no-cache-dir flask && rm -rf ~/.cache',
        ),
        message:
          'because its `rm` removes `/root/.cache/pip` or a directory above it, which fails on a mount point:',
      },
      {
        name: 'a glob that may match the mount point: `--no-cache-dir` instead',
        input: lines('FROM python:3.12', 'RUN pip install flask && rm -rf /root/.cache/p*'),
        output: lines(
          'FROM python:3.12',
          'RUN pip install --no-cache-dir flask && rm -rf /root/.cache/p*',
        ),
      },
      {
        name: 'a file written into the cache directory: `--no-cache-dir` instead',
        input: lines(
          'FROM python:3.12',
          'RUN mkdir -p /root/.cache/pip && echo x > /root/.cache/pip/keep && pip install requests',
        ),
        output: lines(
          'FROM python:3.12',
          'RUN mkdir -p /root/.cache/pip && echo x > /root/.cache/pip/keep && pip install --no-cache-dir requests',
        ),
        message:
          'instead of a cache mount, because its `mkdir` names `/root/.cache/pip`, at, above or below `/root/.cache/pip`: what it writes there would go into the cache mount instead of the layer',
      },
      {
        name: 'removing what is inside the mount is fine',
        input: lines('FROM python:3.12', 'RUN pip install flask && rm -rf /root/.cache/pip/*'),
        output: lines(
          SYNTAX,
          'FROM python:3.12',
          `RUN ${MOUNT} pip install flask && rm -rf /root/.cache/pip/*`,
        ),
      },
      {
        name: 'CRLF and the backtick escape',
        input: '# escape=`\r\nFROM python:3.12\r\nRUN pip install `\r\n    flask\r\n',
        output: `${SYNTAX}\r\n# escape=\`\r\nFROM python:3.12\r\nRUN ${MOUNT} pip install \`\r\n    flask\r\n`,
      },
    ],
  },
  { caches: 'mount' },
);

transformTable(
  'pip-no-cache',
  {
    unchanged: [
      {
        name: 'a COPY into the cache before the RUN',
        input: lines(
          'FROM python:3.12-slim',
          'COPY wheels /root/.cache/pip',
          'RUN pip install --no-index --find-links /root/.cache/pip flask',
        ),
        reason:
          'the copied cache stays in the COPY layer, and `--no-cache-dir` would keep pip from reading it',
        note: 'Leaves `pip install` as it is: the `COPY` on line 2 first writes into `/root/.cache/pip`: what it brings there stays in its layer whatever this `RUN` does, and the `RUN` may be meant to use it.',
      },
      {
        name: "a COPY --from of a cache into root's home of a stage built on",
        input: lines(
          'FROM python:3.12-slim AS wheels',
          'FROM python:3.12-slim AS base',
          'COPY --from=wheels /root/.cache/ /root/',
          'FROM base',
          'RUN pip install flask',
        ),
        reason: 'the COPY of the stage the RUN builds on fills the cache first',
        note: 'the `COPY` on line 3 first writes into `/root`, above `/root/.cache/pip`',
      },
      {
        name: 'a later stage copies the pip cache back to the same path',
        input: lines(
          'FROM python:3.12-slim AS build',
          'RUN pip install flask',
          'FROM python:3.12-slim',
          'COPY --from=build /root/.cache/pip /root/.cache/pip',
        ),
        reason: 'the copy asks for the cache, which a mount would keep out of the layer',
        note: 'copies `/root/.cache/pip` from this stage',
      },
    ],
    changed: [
      {
        name: "a file copied into root's home beside the cache leaves the mount",
        input: lines('FROM python:3.12-slim', 'COPY pip.conf /root/', 'RUN pip install flask'),
        output: lines(
          SYNTAX,
          'FROM python:3.12-slim',
          'COPY pip.conf /root/',
          `RUN ${MOUNT} pip install flask`,
        ),
      },
      {
        name: 'a syntax directive that pins frontend 1.0: `--no-cache-dir` instead',
        input: lines('# syntax=docker/dockerfile:1.0', 'FROM python:3.12', 'RUN pip install flask'),
        output: lines(
          '# syntax=docker/dockerfile:1.0',
          'FROM python:3.12',
          'RUN pip install --no-cache-dir flask',
        ),
        message:
          'instead of a cache mount, because the `syntax` directive pins `docker/dockerfile:1.0`, and the Dockerfile frontend reads `RUN --mount` only from 1.2 on:',
      },
      {
        name: 'an unknown frontend: `--no-cache-dir` instead',
        input: lines(
          '# syntax=myregistry.example/custom-frontend:latest',
          'FROM python:3.12',
          'RUN pip install flask',
        ),
        output: lines(
          '# syntax=myregistry.example/custom-frontend:latest',
          'FROM python:3.12',
          'RUN pip install --no-cache-dir flask',
        ),
        message:
          'because the `syntax` directive names the frontend `myregistry.example/custom-frontend:latest`, which may not know `RUN --mount`:',
      },
      {
        name: 'a syntax directive that pins 1.4 keeps the mount',
        input: lines('# syntax=docker/dockerfile:1.4', 'FROM python:3.12', 'RUN pip install flask'),
        output: lines(
          '# syntax=docker/dockerfile:1.4',
          'FROM python:3.12',
          `RUN ${MOUNT} pip install flask`,
        ),
      },
    ],
  },
  { caches: 'mount' },
);

test('with `caches: mount`, a file written into the cache by the RUN before stays in the layer', async () => {
  const input = lines(
    'FROM python:3.12',
    'RUN mkdir -p /root/.cache/pip && echo x > /root/.cache/pip/keep',
    'RUN pip install requests',
  );
  const result = await fix(input, { caches: 'mount' });
  expect(result.output).toBe(
    lines(
      'FROM python:3.12',
      'RUN mkdir -p /root/.cache/pip && echo x > /root/.cache/pip/keep && \\',
      '    pip install --no-cache-dir requests',
    ),
  );
});

/** pip has no offline option that needs its cache, but without a network it is served from it. */
transformTable('pip-no-cache', {
  unchanged: [
    {
      name: 'an install in a `RUN --network=none`',
      input: lines('FROM python:3.12', 'RUN --network=none pip install -r requirements.txt'),
      reason: 'without a network, pip can only take what its HTTP cache still serves',
      note: 'Leaves `pip install` as it is: `pip install` here runs from the cache rather than the network (`RUN --network=none`), so the change would leave it nothing to read.',
    },
    {
      name: 'a later install in a `RUN --network=none`',
      input: lines(
        'FROM python:3.12',
        'RUN pip install flask',
        'RUN --network=none python -m pip install flask-cors',
      ),
      reason: 'the later install may be served from the cache the first one fills',
      note: '`python -m pip install` in the `RUN` on line 3 runs from the cache rather than the network (`RUN --network=none`)',
    },
  ],
  changed: [
    {
      name: 'a later `pip list` without a network reads no cache',
      input: lines('FROM python:3.12', 'RUN pip install flask', 'RUN --network=none pip list'),
      output: lines(
        'FROM python:3.12',
        'RUN pip install --no-cache-dir flask',
        'RUN --network=none pip list',
      ),
    },
    {
      name: 'a later `--no-index` install reads the links, not the cache',
      input: lines(
        'FROM python:3.12',
        'RUN pip download -d /wheels flask',
        'RUN pip install --no-index --find-links /wheels flask',
      ),
      output: lines(
        'FROM python:3.12',
        'RUN pip download -d /wheels flask',
        'RUN pip install --no-cache-dir --no-index --find-links /wheels flask',
      ),
    },
  ],
});

transformTable('pip-no-cache', {
  unchanged: [
    ...[
      [
        "sh -c 'pip install a'",
        'it runs `pip` in the script of `sh -c`, a quoted word, which dslim does not edit.',
      ],
      [
        'xargs pip install < reqs.txt',
        'it runs `pip` through `xargs`, which gives it more words from its input, so dslim does not edit it.',
      ],
      [
        'xargs -n 1 python3 -m pip install < reqs.txt',
        'it runs `python3` through `xargs`, which gives it more words from its input, so dslim does not edit it.',
      ],
      [
        "su - app -c 'pip install a'",
        'it runs `pip` in the script of `su -c`, a quoted word, which dslim does not edit.',
      ],
      [
        'runuser -u app pip install a',
        'it runs `pip` through `runuser` with no `--` before it, so `runuser` would take an option added to it as its own, and dslim does not edit it.',
      ],
      [
        "flock /tmp/pip.lock -c 'pip install a'",
        'it runs `pip` in the script of `flock -c`, a quoted word, which dslim does not edit.',
      ],
    ].map(([run, note]) => ({
      name: `an install in \`${run}\``,
      input: lines('FROM python:3.12', `RUN ${run}`),
      reason:
        'the flag would have to go inside a quoted script, among words read from stdin, or where the wrapper would read it',
      note,
    })),
    ...[
      'pip cache list',
      'env LC_ALL=C pip cache dir',
      "sh -c 'python -m pip cache info'",
      'pip3 cache list --format=abspath',
    ].map((later) => ({
      name: `a later \`${later}\` looks into the cache`,
      input: lines('FROM python:3.12', 'RUN pip install a', `RUN ${later} > /x`),
      reason: 'it would print something else with the cache gone',
      note: 'in the `RUN` on line 3 looks into the cache this `RUN` leaves',
    })),
    {
      name: '`pip cache list` later in the same RUN',
      input: lines('FROM python:3.12', 'RUN pip install a && pip cache list > /x'),
      reason: 'it lists what the install left in the cache',
      note: 'Leaves `pip install` as it is: `pip cache list` after the install looks into the cache.',
    },
    {
      name: '`PIP_NO_CACHE_DIR` set by `env`',
      input: lines('FROM python:3.12', 'RUN env PIP_NO_CACHE_DIR=1 pip install a'),
      reason: 'the cache is already off',
    },
    ...[
      "su app -c 'pip cache list'",
      "runuser -l app -c 'pip cache dir'",
      "busybox sh -c 'python3 -m pip cache info'",
    ].map((later) => ({
      name: `a later \`${later}\` looks into the cache`,
      input: lines('FROM python:3.12', 'RUN pip install a', `RUN ${later} > /x`),
      reason: 'it would print something else with the cache gone',
      note: 'in the `RUN` on line 3 looks into the cache this `RUN` leaves',
    })),
    {
      name: 'a later `chroot` may read the cache',
      input: lines(
        'FROM python:3.12',
        'RUN pip install a',
        'RUN chroot / pip install --no-index b',
      ),
      reason: 'dslim cannot tell which files a program under another root reads',
      note: 'Leaves `pip install` as it is: `chroot` in the `RUN` on line 3 may read the cache: it runs its program under another root directory, so dslim cannot tell which files that program uses.',
    },
    {
      name: 'a `strace` with an option dslim does not know after the install',
      input: lines(
        'FROM python:3.12',
        'RUN pip install a && strace --seccomp-bpf -f pip install b',
      ),
      reason: 'which word is the program strace runs cannot be told, and it may read the cache',
      note: 'Leaves `pip install` as it is: `strace` after the install may read the cache: dslim does not know its option `--seccomp-bpf`, so cannot tell which word is the program it runs.',
    },
    {
      name: 'a later install through `env` in a `RUN --network=none`',
      input: lines(
        'FROM python:3.12',
        'RUN pip install a',
        'RUN --network=none env A=1 pip install a',
      ),
      reason: 'without a network the later install is served from the cache',
      note: '`pip install` in the `RUN` on line 3 runs from the cache rather than the network',
    },
  ],
  changed: [
    ...[
      'env A=1',
      'sudo -H',
      'time',
      'nice',
      'command',
      'exec',
      'timeout 600',
      'gosu app',
      'su-exec app:app',
      'runuser -u app --',
      'setpriv --reuid=1000 --regid=1000 --init-groups',
      'unshare --net=/run/netns/x --fork',
      'flock -w 600 /tmp/pip.lock',
      'eatmydata --',
      'fakeroot -u',
      'strace -f -e trace=file',
      'catchsegv',
      'taskset -c 0-3',
      'setsid',
    ].map((wrapper) => ({
      name: `an install behind \`${wrapper}\``,
      input: lines('FROM python:3.12', `RUN ${wrapper} pip install a`),
      output: lines('FROM python:3.12', `RUN ${wrapper} pip install --no-cache-dir a`),
    })),
    {
      name: "a cache mount at root's home does not hold the cache of a user `gosu` runs pip as",
      input: lines(
        'FROM python:3.12',
        'RUN --mount=type=cache,target=/root/.cache/pip gosu app pip install a',
      ),
      output: lines(
        'FROM python:3.12',
        'RUN --mount=type=cache,target=/root/.cache/pip gosu app pip install --no-cache-dir a',
      ),
    },
    {
      name: '`pip cache purge` later only removes the cache',
      input: lines('FROM python:3.12', 'RUN pip install a', 'RUN pip cache purge'),
      output: lines('FROM python:3.12', 'RUN pip install --no-cache-dir a', 'RUN pip cache purge'),
    },
  ],
});

transformTable('pip-no-cache', {
  unchanged: [
    {
      name: 'a later RUN reads the cache PIP_CACHE_DIR moved',
      input: lines(
        'FROM python:3.12-slim',
        'ENV PIP_CACHE_DIR=/pc',
        'RUN pip install requests',
        'RUN du -s /pc > /size',
      ),
      reason: '`du` fails when the flag keeps `/pc` from being created',
      note: 'Leaves `pip install` as it is: `du` in the `RUN` on line 4 names the cache, which it may read.',
    },
    {
      name: 'a later RUN reads the cache XDG_CACHE_HOME moved',
      input: lines(
        'FROM python:3.12-slim',
        'ENV XDG_CACHE_HOME=/cache',
        'RUN pip install requests',
        'RUN ls -R /cache/pip',
      ),
      reason: 'pip caches in `$XDG_CACHE_HOME/pip`',
      note: 'Leaves `pip install` as it is: `ls` in the `RUN` on line 4 names the cache, which it may read.',
    },
    {
      name: 'a later RUN reads the cache HOME moved',
      input: lines(
        'FROM python:3.12-slim',
        'ENV HOME=/app',
        'RUN pip install requests',
        'RUN du -s /app/.cache/pip',
      ),
      reason: 'pip caches in `$HOME/.cache/pip`',
      note: 'Leaves `pip install` as it is: `du` in the `RUN` on line 4 names the cache, which it may read.',
    },
    {
      name: 'a later stage copies the cache PIP_CACHE_DIR moved',
      input: lines(
        'FROM python:3.12-slim AS build',
        'ENV PIP_CACHE_DIR=/opt/pc',
        'RUN pip install requests',
        'FROM python:3.12-slim',
        'COPY --from=build /opt/pc /opt/pc',
      ),
      reason: 'the COPY fails when the cache is never written',
      note: 'Leaves `pip install` as it is: the `COPY --from=build` on line 5 copies `/opt/pc` from this stage, so removing the cache would change what it copies.',
    },
    {
      name: 'an ENV moves the cache to a path written with a variable',
      input: lines(
        'FROM python:3.12-slim',
        'ARG BASE=/opt',
        'ENV PIP_CACHE_DIR=$BASE/pc',
        'RUN pip install requests',
      ),
      reason: 'a later reader of the moved cache could not be told',
      note: 'Leaves `pip install` as it is: the `ENV` on line 3 sets `PIP_CACHE_DIR` to a value that is not an absolute path written out, so the cache moves to a path dslim cannot read.',
    },
    {
      name: 'the RUN itself moves the cache',
      input: lines('FROM python:3.12-slim', 'RUN export HOME=/app && pip install requests'),
      reason: 'the value set in the script is not read',
      note: 'Leaves `pip install` as it is: the `RUN` sets `HOME`, which moves the cache to a path dslim does not read.',
    },
  ],
  changed: [
    {
      name: 'a moved cache that nothing reads',
      input: lines('FROM python:3.12-slim', 'ENV PIP_CACHE_DIR=/pc', 'RUN pip install requests'),
      output: lines(
        'FROM python:3.12-slim',
        'ENV PIP_CACHE_DIR=/pc',
        'RUN pip install --no-cache-dir requests',
      ),
    },
    {
      name: 'a moved cache, and a later RUN reads the default one only',
      input: lines(
        'FROM python:3.12-slim',
        'ENV HOME=/app',
        'RUN pip install requests',
        'RUN ls /app/src',
      ),
      output: lines(
        'FROM python:3.12-slim',
        'ENV HOME=/app',
        'RUN pip install --no-cache-dir requests',
        'RUN ls /app/src',
      ),
    },
  ],
});

transformTable(
  'pip-no-cache',
  {
    unchanged: [
      {
        name: 'the RUN exports XDG_CACHE_HOME',
        input: lines('FROM python:3.12', 'RUN export XDG_CACHE_HOME=/c && pip install flask'),
        reason: 'the cache moves to a directory a later reader may name',
        note: 'Leaves `pip install` as it is: the `RUN` sets `XDG_CACHE_HOME`, which moves the cache to a path dslim does not read.',
      },
    ],
    changed: [
      {
        name: 'an ENV moves the cache and nothing reads it: `--no-cache-dir` instead',
        input: lines('FROM python:3.12', 'ENV PIP_CACHE_DIR=/pc', 'RUN pip install flask'),
        output: lines(
          'FROM python:3.12',
          'ENV PIP_CACHE_DIR=/pc',
          'RUN pip install --no-cache-dir flask',
        ),
        message: 'because the `ENV` on line 2 sets `PIP_CACHE_DIR`:',
      },
    ],
  },
  { caches: 'mount' },
);

/** A mount holds the cache only where the environment puts it. */
transformTable('pip-no-cache', {
  unchanged: [
    {
      name: 'a cache mount where `PIP_CACHE_DIR` moves the cache',
      input: lines(
        'FROM python:3.12-slim',
        'ENV PIP_CACHE_DIR=/pipcache',
        'RUN --mount=type=cache,target=/pipcache pip install flask',
      ),
      reason: 'pip writes its cache into the mount',
      note: 'Adds no `--no-cache-dir`: `/pipcache` is a cache mount, so the pip cache never reaches a layer.',
    },
    {
      name: 'a cache mount where `XDG_CACHE_HOME` moves the cache',
      input: lines(
        'FROM python:3.12-slim',
        'ENV XDG_CACHE_HOME=/xdg',
        'RUN --mount=type=cache,target=/xdg pip install flask',
      ),
      reason: 'pip writes its cache to `/xdg/pip`, inside the mount',
      note: '`/xdg` is a cache mount',
    },
  ],
  changed: [
    {
      name: 'a cache mount at the default where `PIP_CACHE_DIR` moves the cache',
      input: lines(
        'FROM python:3.12-slim',
        'ENV PIP_CACHE_DIR=/pipcache',
        'RUN --mount=type=cache,target=/root/.cache/pip pip install flask',
      ),
      output: lines(
        'FROM python:3.12-slim',
        'ENV PIP_CACHE_DIR=/pipcache',
        'RUN --mount=type=cache,target=/root/.cache/pip pip install --no-cache-dir flask',
      ),
      message: 'Adds `--no-cache-dir` to `pip install`',
    },
    {
      name: '`PIP_CACHE_DIR` wins over `XDG_CACHE_HOME` and `HOME`',
      input: lines(
        'FROM python:3.12-slim',
        'ENV HOME=/app XDG_CACHE_HOME=/xdg PIP_CACHE_DIR=/pipcache',
        'RUN --mount=type=cache,target=/xdg pip install flask',
      ),
      output: lines(
        'FROM python:3.12-slim',
        'ENV HOME=/app XDG_CACHE_HOME=/xdg PIP_CACHE_DIR=/pipcache',
        'RUN --mount=type=cache,target=/xdg pip install --no-cache-dir flask',
      ),
    },
    {
      name: 'a cache mount at the default where `HOME` moves the cache',
      input: lines(
        'FROM python:3.12-slim',
        'ARG HOME=/app',
        'RUN --mount=type=cache,target=/root/.cache/pip pip install flask',
      ),
      output: lines(
        'FROM python:3.12-slim',
        'ARG HOME=/app',
        'RUN --mount=type=cache,target=/root/.cache/pip pip install --no-cache-dir flask',
      ),
    },
  ],
});

import { fix } from '../../src/index';
import { lines, transformTable } from '../harness';

transformTable('clean-node-cache', {
  unchanged: [
    {
      name: 'a wrapper that runs npm as a user id, under a USER that names a user',
      input: lines('FROM node:20', 'USER node', 'RUN setpriv --reuid=1000 npm ci'),
      reason: '`node` may or may not have the id 1000: only the image knows',
      note: 'Leaves the npm cache of this `RUN`: `setpriv --reuid=1000 npm ci` may run as another user: it runs as `1000` and the `RUN` as `node`, and dslim cannot tell whether `node` has the id `1000` in the image, so the added `npm cache clean --force` would run as `node`: it may be denied what that command leaves, or clean the cache of `node` instead of the one that command fills.',
    },
    {
      name: 'a wrapper whose user is a variable',
      input: lines('FROM node:20', 'ARG U', 'USER node', 'RUN gosu $U npm ci'),
      reason: 'the variable may name the same user or another',
      note: 'Leaves the npm cache of this `RUN`: `gosu $U npm ci` may run as another user than the `RUN` (it runs as `$U`, the `RUN` as `node`), so the added `npm cache clean --force` would run as `node`: it may be denied what that command leaves, or clean the cache of `node` instead of the one that command fills.',
    },
    {
      name: 'a later RUN whose mount covers only part of the npm cache reads the rest',
      input: lines(
        'FROM node:20',
        'RUN npm ci',
        'RUN --mount=type=tmpfs,target=/root/.npm/_cacache ls /root/.npm',
      ),
      reason: 'the tmpfs hides only `_cacache`; `ls` still sees the rest of the layer',
      note: 'Leaves the npm cache of this `RUN`: `ls` in the `RUN` on line 3 names the cache, which it may read.',
    },
    {
      name: 'an ENTRYPOINT and CMD that install offline when the container starts',
      input: lines(
        'FROM node:22',
        'WORKDIR /app',
        'RUN npm ci',
        'ENTRYPOINT ["npm"]',
        'CMD ["ci", "--offline"]',
      ),
      reason: 'the container installs from the cache this RUN leaves',
      note: 'Leaves the npm cache of this `RUN`: the `ENTRYPOINT` on line 4 and the `CMD` on line 5 run `npm` when the container starts, and it runs from the cache rather than the network (`--offline`).',
    },
    {
      name: 'a CMD that installs under an offline ENV',
      input: lines(
        'FROM node:22',
        'WORKDIR /app',
        'RUN npm ci',
        'ENV npm_config_offline=true',
        'CMD npm install && node server.js',
      ),
      reason: 'the container installs from the cache this RUN leaves',
      note: 'Leaves the npm cache of this `RUN`: the `CMD` on line 5 runs `npm` when the container starts, and it runs from the cache rather than the network (`npm_config_offline` set by the `ENV` on line 4).',
    },
    {
      name: 'a FROM through an ARG without a default may build on a stage that moves the cache',
      input: lines(
        'FROM node:22 AS moved',
        'ENV npm_config_cache=/cache',
        'FROM node:22 AS other',
        'ARG BASE',
        'FROM $BASE',
        'WORKDIR /app',
        'RUN npm ci',
        'RUN ls /cache',
      ),
      reason: '`--build-arg BASE=moved` puts the cache at `/cache`, which the later RUN reads',
      note: 'Leaves the npm cache of this `RUN`: `ls` in the `RUN` on line 8 names the cache, which it may read.',
    },
    {
      name: 'a writable bind mount over the npm cache',
      input: lines(
        'FROM node:22',
        'WORKDIR /app',
        'RUN --mount=type=bind,source=npm-cache,target=/root/.npm,rw npm ci',
      ),
      reason:
        'what npm writes there is thrown away with the mount, and `npm cache clean` would empty the mounted files',
      note: 'Adds no `npm cache clean`: `/root/.npm` is a bind mount, so the npm cache never reaches a layer.',
    },
    {
      name: 'a mount inside the npm cache',
      input: lines(
        'FROM node:22',
        'WORKDIR /app',
        'RUN --mount=type=bind,source=index,target=/root/.npm/_cacache/index-v5 npm ci',
      ),
      reason: 'the install may read what the mount holds, which `npm cache clean` cannot remove',
      note: 'Leaves the npm cache of this `RUN`: its bind mount at `/root/.npm/_cacache/index-v5` is inside the cache (`/root/.npm`): a cleanup would reach into the mount, whose mount point it cannot delete, and the install may read what the mount holds.',
    },
    {
      name: 'a RUN that deletes npm itself',
      input: lines(
        'FROM node:20',
        'RUN npm ci --omit=dev && rm -rf /usr/local/lib/node_modules/npm /usr/local/bin/npm',
      ),
      reason: 'the appended npm cache clean would fail with `npm: not found`',
      note: 'Leaves the npm cache of this `RUN`: `rm -rf /usr/local/lib/node_modules/np...` removes `/usr/local/lib/node_modules/npm`, so the added `npm cache clean --force` may not find the `npm` it runs.',
    },
    {
      name: 'a RUN that uninstalls the global npm',
      input: lines('FROM node:20', 'RUN npm ci && npm uninstall -g npm'),
      reason: 'npm is gone when the cleanup would run',
      note: 'Leaves the npm cache of this `RUN`: `npm uninstall -g npm` removes `npm`, so the added `npm cache clean --force` may not find the `npm` it runs.',
    },
    {
      name: 'a RUN that uninstalls nodejs',
      input: lines('FROM node:20', 'RUN npm ci && apt-get purge -y nodejs'),
      reason: 'the nodejs package holds npm',
      note: 'Leaves the npm cache of this `RUN`: `apt-get purge -y nodejs` removes `nodejs`, so the added `npm cache clean --force` may not find the `npm` it runs.',
    },
    {
      name: 'PATH set for the npm command only',
      input: lines('FROM node:20', 'RUN PATH=/opt/node/bin:$PATH npm ci'),
      reason: 'the added cleanup runs with the image PATH, which may have no npm',
      note: 'Leaves the npm cache of this `RUN`: `PATH=/opt/node/bin:$PATH npm ci` sets PATH for part of the script only, so the added `npm cache clean --force` may not find the `npm` that part ran.',
    },
    {
      name: 'a RUN that exports another PATH',
      input: lines('FROM node:20', 'RUN npm ci && export PATH=/x'),
      reason: 'npm is no longer found on PATH after it',
      note: 'Leaves the npm cache of this `RUN`: `export PATH=/x` changes where the shell finds `npm`, so the added `npm cache clean --force` may run another program, or none.',
    },
    {
      name: 'a RUN that defines a function npm',
      input: lines('FROM node:20', 'RUN npm ci && npm() { false; }'),
      reason: 'the appended `npm cache clean` would call the function and fail',
      note: 'Leaves the npm cache of this `RUN`: `npm()` defines a function `npm`, which the added `npm cache clean --force` would run instead of the program.',
    },
    {
      name: 'a RUN that removes a glob in a bin directory',
      input: lines('FROM node:20', 'RUN npm ci && rm -f /usr/local/bin/n*'),
      reason: 'the glob matches /usr/local/bin/npm',
      note: 'Leaves the npm cache of this `RUN`: `rm -f /usr/local/bin/n*` removes `/usr/local/bin/n*`, so the added `npm cache clean --force` may not find the `npm` it runs.',
    },
    {
      name: 'an EXIT trap that lists the cache',
      input: lines('FROM node:22', "RUN trap 'ls ~/.npm > /npm.txt' EXIT; npm ci"),
      reason: 'the trap would run after the appended cache clean',
      note: "Leaves the npm cache of this `RUN`: it sets a trap that runs when the shell exits (`trap 'ls ~/.npm > /npm.txt' EXIT`)",
    },
    {
      name: 'a later RUN reads the npm cache',
      input: lines('FROM node:22', 'RUN npm ci', 'RUN tar -czf /cache.tgz /root/.npm'),
      reason: 'the archive would be empty without the cache',
      note: '`tar` in the `RUN` on line 3 names the cache',
    },
    {
      name: 'already cleaned',
      input: lines('FROM node:22', 'RUN npm ci && npm cache clean --force'),
      reason: 'the cleanup is there',
    },
    {
      name: 'yarn gets a note only',
      input: lines('FROM node:22', 'RUN yarn install --frozen-lockfile'),
      reason: "from Yarn 2 on the cache is what Plug'n'Play runs from",
      note: 'Leaves the yarn cache of this `RUN` as it is',
    },
    {
      name: 'pnpm gets a note only',
      input: lines('FROM node:22', 'RUN pnpm install'),
      reason: 'the store is hard-linked into node_modules',
      note: 'Leaves the pnpm cache',
    },
    {
      name: 'a cache directory chosen on purpose',
      input: lines('FROM node:22', 'RUN npm ci --cache /tmp/npm'),
      reason: '`npm cache clean` would clean another cache',
    },
    {
      name: 'cache mount',
      input: lines('FROM node:22', 'RUN --mount=type=cache,target=/root/.npm npm ci'),
      reason: 'the cache never reaches a layer',
      note: '`/root/.npm` is a cache mount',
    },
    {
      name: 'not an install',
      input: lines('FROM node:22', 'RUN npm run build'),
      reason: 'a build downloads nothing into the cache',
    },
    {
      name: 'yarn --version',
      input: lines('FROM node:22', 'RUN yarn --version'),
      reason: 'it installs nothing, so there is nothing to note either',
    },
    {
      name: 'a later stage copies the npm cache out',
      input: lines(
        'FROM node:22 AS deps',
        'RUN npm ci',
        'FROM node:22-slim',
        'COPY --from=deps /root/.npm /npm-cache',
      ),
      reason: 'the cache becomes files of the final image under `/npm-cache`',
      note: 'the `COPY --from=deps` on line 4 copies `/root/.npm` from this stage',
    },
  ],
  changed: [
    {
      name: 'later RUNs that mount their own npm cache read the mount, not this layer',
      input: lines(
        'FROM node:20',
        'RUN npm ci',
        'RUN --mount=type=cache,target=/root/.npm npm ci --offline',
        'RUN --mount=type=tmpfs,target=/root/.npm ls /root/.npm',
      ),
      output: lines(
        'FROM node:20',
        'RUN npm ci && npm cache clean --force',
        'RUN --mount=type=cache,target=/root/.npm npm ci --offline',
        'RUN --mount=type=tmpfs,target=/root/.npm ls /root/.npm',
      ),
    },
    {
      name: 'a CMD that runs `npm start` reaches neither network nor cache',
      input: lines('FROM node:22', 'WORKDIR /app', 'RUN npm ci', 'CMD ["npm", "start"]'),
      output: lines(
        'FROM node:22',
        'WORKDIR /app',
        'RUN npm ci && npm cache clean --force',
        'CMD ["npm", "start"]',
      ),
    },
    {
      name: 'a RUN that removes unrelated paths, and PATH set for one command when another finds npm without it',
      input: lines(
        'FROM node:20',
        'RUN PATH=/usr/local/bin:/usr/bin npm ci && npm run build && rm -rf /tmp/* /usr/local/lib/node_modules/.cache $HOME/.config',
      ),
      output: lines(
        'FROM node:20',
        'RUN PATH=/usr/local/bin:/usr/bin npm ci && npm run build && rm -rf /tmp/* /usr/local/lib/node_modules/.cache $HOME/.config && npm cache clean --force',
      ),
    },
    {
      name: 'npm ci',
      input: lines('FROM node:22', 'WORKDIR /app', 'RUN npm ci --omit=dev'),
      output: lines(
        'FROM node:22',
        'WORKDIR /app',
        'RUN npm ci --omit=dev && npm cache clean --force',
      ),
      message: 'after `npm ci`',
    },
    {
      name: 'global install over several lines, leading operators',
      input: lines('FROM node:22', 'RUN npm install -g pm2 \\', '  && pm2 --version'),
      output: lines(
        'FROM node:22',
        'RUN npm install -g pm2 \\',
        '  && pm2 --version \\',
        '  && npm cache clean --force',
      ),
    },
    {
      name: 'CRLF',
      input: 'FROM node:22\r\nRUN npm i\r\n',
      output: 'FROM node:22\r\nRUN npm i && npm cache clean --force\r\n',
    },
    {
      name: 'a later stage copies node_modules only',
      input: lines(
        'FROM node:22 AS deps',
        'WORKDIR /app',
        'RUN npm ci',
        'FROM node:22-slim',
        'COPY --from=deps /app/node_modules ./node_modules',
      ),
      output: lines(
        'FROM node:22 AS deps',
        'WORKDIR /app',
        'RUN npm ci && npm cache clean --force',
        'FROM node:22-slim',
        'COPY --from=deps /app/node_modules ./node_modules',
      ),
    },
    {
      name: 'npm run by its path cleans by the same path',
      input: lines('FROM node:22', 'RUN /usr/local/bin/npm ci'),
      output: lines(
        'FROM node:22',
        'RUN /usr/local/bin/npm ci && /usr/local/bin/npm cache clean --force',
      ),
      message: 'Adds `/usr/local/bin/npm cache clean --force` after `npm ci`',
    },
  ],
});

test('`yarn --version` gets no note about the yarn cache', async () => {
  const result = await fix(lines('FROM node:22', 'RUN yarn --version'), {
    only: ['clean-node-cache'],
  });
  expect(result.notes).toEqual([]);
});

transformTable(
  'clean-node-cache',
  {
    unchanged: [
      {
        name: 'a cache mount over the npm cache already',
        input: lines('FROM node:22', 'RUN --mount=type=cache,target=/root/.npm npm ci'),
        reason: 'the cache never reaches a layer, so a second run adds nothing',
        note: 'Adds no `npm cache clean`: `/root/.npm` is a cache mount',
      },
      {
        name: 'an install with its own `--cache`',
        input: lines('FROM node:22', 'RUN npm ci --cache /tmp/npm'),
        reason: 'the user chose where the cache goes',
      },
    ],
    changed: [
      {
        name: 'a FROM through an ARG without a default may build on a stage with another USER',
        input: lines(
          'FROM node:22 AS app-user',
          'USER node',
          'FROM node:22 AS other',
          'ARG BASE',
          'FROM $BASE',
          'WORKDIR /app',
          'RUN npm ci',
        ),
        output: lines(
          'FROM node:22 AS app-user',
          'USER node',
          'FROM node:22 AS other',
          'ARG BASE',
          'FROM $BASE',
          'WORKDIR /app',
          'RUN npm ci && npm cache clean --force',
        ),
        message:
          'Adds `npm cache clean --force` after `npm ci` instead of a cache mount, because it runs as `USER node`, whose home may not be `/root`: the copies npm keeps of the packages it downloaded no longer stay in the layer.',
      },
      {
        name: 'npm ci gets the mount',
        input: lines('FROM node:22', 'WORKDIR /app', 'RUN npm ci && npm run build'),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM node:22',
          'WORKDIR /app',
          'RUN --mount=type=cache,target=/root/.npm npm ci && npm run build',
        ),
        message:
          "Mounts a build cache at `/root/.npm` for `npm ci`: the packages npm downloads stay in BuildKit's cache, not in the layer, and the next build reuses them.",
      },
      {
        name: 'the `node` user: the cleanup instead',
        input: lines('FROM node:22', 'USER node', 'RUN npm ci'),
        output: lines('FROM node:22', 'USER node', 'RUN npm ci && npm cache clean --force'),
        message:
          'Adds `npm cache clean --force` after `npm ci` instead of a cache mount, because it runs as `USER node`, whose home may not be `/root`: the copies npm keeps of the packages it downloaded no longer stay in the layer.',
      },
      {
        name: 'npm_config_cache set by ENV: the cleanup instead',
        input: lines('FROM node:22', 'ENV npm_config_cache=/tmp/npm', 'RUN npm install'),
        output: lines(
          'FROM node:22',
          'ENV npm_config_cache=/tmp/npm',
          'RUN npm install && npm cache clean --force',
        ),
        message: 'because the `ENV` on line 2 sets `npm_config_cache`:',
      },
    ],
  },
  { caches: 'mount' },
);

/** Later npm commands that run from the cache rather than the network keep it. */
transformTable('clean-node-cache', {
  unchanged: [
    {
      name: 'a later `npx --offline`',
      input: lines('FROM node:22', 'RUN npm ci', 'RUN npx --offline cowsay hi'),
      reason: '`--offline` installs only from the cache, which the cleanup would empty',
      note: '`npx cowsay` in the `RUN` on line 3 runs from the cache rather than the network (`--offline`), so it needs what this `RUN` leaves there',
    },
    {
      name: 'a later `--prefer-offline`',
      input: lines('FROM node:22', 'RUN npm ci', 'RUN npm view lodash version --prefer-offline'),
      reason: '`--prefer-offline` takes the versions the cache holds before asking the registry',
      note: '`npm view` in the `RUN` on line 3 runs from the cache rather than the network (`--prefer-offline`)',
    },
    {
      name: 'a later `--cache-min`, the old spelling of `--prefer-offline`',
      input: lines('FROM node:22', 'RUN npm ci', 'RUN npm exec --cache-min=9999999 cowsay'),
      reason: 'npm reads a large `--cache-min` as `--prefer-offline`',
      note: '`npm exec` in the `RUN` on line 3 runs from the cache rather than the network (`--cache-min=9999999`)',
    },
    {
      name: '`npm_config_offline` set by an ENV between the RUNs',
      input: lines('FROM node:22', 'RUN npm ci', 'ENV npm_config_offline=true', 'RUN npx cowsay'),
      reason: 'npm reads its config from the environment',
      note: '(`npm_config_offline` set by the `ENV` on line 3)',
    },
    {
      name: 'an ARG `NPM_CONFIG_PREFER_OFFLINE` without a value',
      input: lines('FROM node:22', 'RUN npm ci', 'ARG NPM_CONFIG_PREFER_OFFLINE', 'RUN npx cowsay'),
      reason: 'a build argument may set it, and npm reads the variable in any case',
      note: '(`NPM_CONFIG_PREFER_OFFLINE` set by the `ARG` on line 3)',
    },
    {
      name: '`npm_config_offline` set on the command',
      input: lines('FROM node:22', 'RUN npm ci', 'RUN npm_config_offline=1 npx cowsay'),
      reason: 'the variable turns `offline` on for that command',
      note: '(`npm_config_offline` set in the `RUN`)',
    },
    {
      name: '`npm config set offline` earlier in the later RUN',
      input: lines('FROM node:22', 'RUN npm ci', 'RUN npm config set offline true && npx cowsay'),
      reason: 'the setting lands in `.npmrc`, which every npm command after it reads',
      note: '(`npm config set offline` earlier in the `RUN`)',
    },
    {
      name: '`npm set prefer-offline=true` in a stage this one builds on',
      input: lines(
        'FROM node:22 AS base',
        'RUN npm set prefer-offline=true',
        'FROM base',
        'RUN npm ci',
        'RUN npx cowsay',
      ),
      reason: 'the `.npmrc` the base stage wrote is in this one',
      note: '`npx cowsay` in the `RUN` on line 5 runs from the cache rather than the network (`npm set prefer-offline` on line 2)',
    },
    {
      name: 'a later `RUN --network=none` that installs',
      input: lines('FROM node:22', 'RUN npm ci', 'RUN --network=none npx cowsay'),
      reason: 'without a network, npx can only take what the cache holds',
      note: '(`RUN --network=none`)',
    },
  ],
  changed: [
    {
      name: 'the install with `--offline` later: only that one is cleaned',
      input: lines('FROM node:20', 'RUN npm ci', 'ENV A=1', 'RUN npm install --offline lodash'),
      output: lines(
        'FROM node:20',
        'RUN npm ci',
        'ENV A=1',
        'RUN npm install --offline lodash && npm cache clean --force',
      ),
      message: 'after `npm install`',
      note: 'Leaves the npm cache of this `RUN`: `npm install` in the `RUN` on line 4 runs from the cache rather than the network (`--offline`), so it needs what this `RUN` leaves there.',
    },
    {
      name: 'a later install online',
      input: lines('FROM node:22', 'RUN npm ci', 'RUN npm install lodash'),
      output: lines(
        'FROM node:22',
        'RUN npm ci && npm cache clean --force',
        'RUN npm install lodash && npm cache clean --force',
      ),
    },
    {
      name: 'a later `--offline=false`',
      input: lines('FROM node:22', 'RUN npm ci', 'RUN npx --offline=false cowsay'),
      output: lines(
        'FROM node:22',
        'RUN npm ci && npm cache clean --force',
        'RUN npx --offline=false cowsay',
      ),
    },
    {
      name: '`npm_config_offline=false` by ENV',
      input: lines('FROM node:22', 'ENV npm_config_offline=false', 'RUN npm ci', 'RUN npx cowsay'),
      output: lines(
        'FROM node:22',
        'ENV npm_config_offline=false',
        'RUN npm ci && npm cache clean --force',
        'RUN npx cowsay',
      ),
    },
    {
      name: '`npm_config_offline` set in a stage this one does not build on',
      input: lines(
        'FROM node:22 AS other',
        'ENV npm_config_offline=true',
        'FROM node:22',
        'RUN npm ci',
        'RUN npx cowsay',
      ),
      output: lines(
        'FROM node:22 AS other',
        'ENV npm_config_offline=true',
        'FROM node:22',
        'RUN npm ci && npm cache clean --force',
        'RUN npx cowsay',
      ),
    },
    {
      name: 'a later `RUN --network=none npm run build`',
      input: lines('FROM node:22', 'RUN npm ci', 'RUN --network=none npm run build'),
      output: lines(
        'FROM node:22',
        'RUN npm ci && npm cache clean --force',
        'RUN --network=none npm run build',
      ),
    },
    {
      name: 'a later `yarn --offline` reads its own cache, not npm’s',
      input: lines('FROM node:22', 'RUN npm ci', 'RUN yarn install --offline'),
      output: lines(
        'FROM node:22',
        'RUN npm ci && npm cache clean --force',
        'RUN yarn install --offline',
      ),
    },
    {
      name: '`--offline` after the install in the same RUN: the cleanup comes after it',
      input: lines('FROM node:22', 'RUN npm ci && npm install --offline lodash'),
      output: lines(
        'FROM node:22',
        'RUN npm ci && npm install --offline lodash && npm cache clean --force',
      ),
    },
  ],
});

transformTable(
  'clean-node-cache',
  {
    unchanged: [
      {
        name: 'a later offline reader',
        input: lines('FROM node:22', 'RUN npm ci', 'RUN npx --offline cowsay'),
        reason: 'a mount would keep the cache out of the layer the later RUN reads',
        note: '`npx cowsay` in the `RUN` on line 3 runs from the cache rather than the network (`--offline`)',
      },
    ],
    changed: [
      {
        name: 'an install of its own with `--offline`: the cleanup instead',
        input: lines('FROM node:22', 'RUN npm install --offline lodash'),
        output: lines(
          'FROM node:22',
          'RUN npm install --offline lodash && npm cache clean --force',
        ),
        message:
          'instead of a cache mount, because `npm install` runs from the cache rather than the network (`--offline`), and a mount would hide the cache the image has:',
      },
    ],
  },
  { caches: 'mount' },
);

transformTable('clean-node-cache', {
  unchanged: [
    ...[
      'npm cache ls',
      'npm cache verify',
      'env A=1 npm cache ls',
      "sh -c 'npm cache verify'",
      "su node -c 'npm cache ls'",
      'gosu node npm cache verify',
    ].map((later) => ({
      name: `a later \`${later}\` looks into the cache`,
      input: lines('FROM node:22', 'WORKDIR /app', 'RUN npm ci', `RUN ${later} > /x`),
      reason: 'it would print something else with the cache gone',
      note: 'in the `RUN` on line 4 looks into the cache this `RUN` leaves',
    })),
    ...[
      "su - node -s /bin/bash -c 'npm install --offline'",
      'setpriv --reuid=1000 --regid=1000 --init-groups npm ci --prefer-offline',
    ].map((later) => ({
      name: `a later \`${later}\` runs from the cache, as another user: neither RUN is cleaned`,
      input: lines('FROM node:22', 'WORKDIR /app', 'RUN npm ci', `RUN ${later}`),
      reason:
        'the later install reads the cache; its own cleanup would run as root, not as the user its npm runs as',
      note: 'in the `RUN` on line 4 runs from the cache rather than the network',
    })),
    {
      name: 'a later `chroot` may read the cache',
      input: lines('FROM node:22', 'WORKDIR /app', 'RUN npm ci', 'RUN chroot / npm ci --offline'),
      reason: 'dslim cannot tell which files a program under another root reads',
      note: 'Leaves the npm cache of this `RUN`: `chroot` in the `RUN` on line 4 may read the cache: it runs its program under another root directory, so dslim cannot tell which files that program uses.',
    },
  ],
  changed: [
    ...[
      'env npm_config_offline=true npm install',
      'sudo npm install --offline',
      "sh -c 'npm install --prefer-offline'",
      'xargs npm install --offline < pkgs',
      'time npm ci --offline',
      'flock /tmp/npm.lock npm ci --offline',
    ].map((later) => ({
      name: `a later \`${later}\` runs from the cache: only that RUN is cleaned`,
      input: lines('FROM node:22', 'WORKDIR /app', 'RUN npm ci', `RUN ${later}`),
      output: lines(
        'FROM node:22',
        'WORKDIR /app',
        'RUN npm ci',
        `RUN ${later} && npm cache clean --force`,
      ),
      note: 'in the `RUN` on line 4 runs from the cache rather than the network',
    })),
    ...['env NODE_ENV=production', 'sudo', 'time'].map((wrapper) => ({
      name: `an install behind \`${wrapper}\``,
      input: lines('FROM node:22', 'WORKDIR /app', `RUN ${wrapper} npm ci`),
      output: lines(
        'FROM node:22',
        'WORKDIR /app',
        `RUN ${wrapper} npm ci && npm cache clean --force`,
      ),
    })),
    {
      name: 'an install in a `sh -c` script: the cleanup goes after it, not into it',
      input: lines('FROM node:22', 'WORKDIR /app', "RUN sh -c 'npm ci'"),
      output: lines(
        'FROM node:22',
        'WORKDIR /app',
        "RUN sh -c 'npm ci' && npm cache clean --force",
      ),
    },
  ],
});

transformTable('clean-node-cache', {
  unchanged: [
    {
      name: 'a later RUN reads the cache HOME moved',
      input: lines('FROM node:22', 'ENV HOME=/h', 'RUN npm ci', 'RUN du -s /h/.npm > /size'),
      reason: 'npm caches in `$HOME/.npm`',
      note: 'Leaves the npm cache of this `RUN`: `du` in the `RUN` on line 4 names the cache, which it may read.',
    },
    {
      name: 'a later RUN reads the cache npm_config_cache moved',
      input: lines('FROM node:22', 'ARG npm_config_cache=/nc', 'RUN npm ci', 'RUN ls /nc'),
      reason: 'npm reads its config from the environment',
      note: 'Leaves the npm cache of this `RUN`: `ls` in the `RUN` on line 4 names the cache, which it may read.',
    },
  ],
  changed: [
    {
      name: 'a moved cache that nothing reads',
      input: lines('FROM node:22', 'ENV HOME=/h', 'RUN npm ci'),
      output: lines('FROM node:22', 'ENV HOME=/h', 'RUN npm ci && npm cache clean --force'),
    },
  ],
});

transformTable(
  'clean-node-cache',
  {
    unchanged: [
      ...[
        ['RUN HOME=/app npm install', 'HOME'],
        ['RUN export npm_config_cache=/tmp/npm && npm ci', 'npm_config_cache'],
        ['RUN readonly HOME=/app; npm ci', 'HOME'],
      ].map(([run, variable]) => ({
        name: `\`${run}\` moves the cache`,
        input: lines('FROM node:22', run),
        reason: 'the cache moves to a directory a later reader may name',
        note: `Leaves the npm cache of this \`RUN\`: the \`RUN\` sets \`${variable}\`, which moves the cache to a path dslim does not read.`,
      })),
    ],
    changed: [
      {
        name: 'an ENV moves the cache and nothing reads it: the cleanup instead',
        input: lines('FROM node:22', 'ENV HOME=/h', 'RUN npm ci'),
        output: lines('FROM node:22', 'ENV HOME=/h', 'RUN npm ci && npm cache clean --force'),
        message: 'because the `ENV` on line 2 sets `HOME`:',
      },
    ],
  },
  { caches: 'mount' },
);

/** The note for a RUN whose npm runs as `user` while the RUN runs as `own`. */
function otherUserNote(command: string, user: string, own: string): string {
  return `Leaves the npm cache of this \`RUN\`: \`${command}\` runs as ${user} while the \`RUN\` runs as \`${own}\`, so the added \`npm cache clean --force\` would run as \`${own}\`: it may be denied what that command leaves, or clean the cache of \`${own}\` instead of the one that command fills.`;
}

/**
 * npm keeps its cache in the home of the user it runs as: when a wrapper
 * runs it as another user than the RUN's, the added `npm cache clean`
 * would clean the RUN user's cache, and leave the one the install filled.
 */
transformTable('clean-node-cache', {
  unchanged: [
    ...[
      ['gosu node npm ci', '`node`'],
      ['gosu node:node npm ci', '`node:node`'],
      ['su-exec 1000:1000 npm ci', '`1000:1000`'],
      ['sudo -u node npm ci', '`node`'],
      ['sudo -u node -H npm ci', '`node`'],
      ["sudo -u '#1000' npm ci", '`#1000`'],
      ['doas -u node npm ci', '`node`'],
      ['runuser -u node -- npm ci', '`node`'],
      ['setpriv --reuid=1000 --regid=1000 npm ci', '`1000`'],
      ['gosu node env NODE_ENV=production npm ci', '`node`'],
    ].map(([run, user]) => ({
      name: `an install run as another user: \`${run}\``,
      input: lines('FROM node:22', 'WORKDIR /app', `RUN ${run}`),
      reason: "the added cleanup would clean root's cache, not the one the install filled",
      note: otherUserNote(run, user, 'root'),
    })),
    ...[
      ["su node -c 'npm ci'", '`node`'],
      ["su - node -s /bin/bash -c 'npm ci'", '`node`'],
      ["runuser -l node -c 'npm ci'", '`node`'],
      ["sudo -u node sh -c 'npm ci'", '`node`'],
      ["sudo sh -c 'gosu node npm ci'", '`node`'],
    ].map(([run, user]) => ({
      name: `an install in a script run as another user: \`${run}\``,
      input: lines('FROM node:22', 'WORKDIR /app', `RUN ${run}`),
      reason: "the added cleanup would clean root's cache, not the one the install filled",
      note: otherUserNote(run.includes('gosu') ? 'gosu node npm ci' : 'npm ci', user, 'root'),
    })),
    {
      name: '`USER node`, then `sudo`',
      input: lines('FROM node:22', 'WORKDIR /app', 'USER node', 'RUN sudo npm ci'),
      reason: "npm fills root's cache, the added cleanup would clean node's",
      note: otherUserNote('sudo npm ci', '`root`', 'node'),
    },
    {
      name: '`USER node`, then a number for it',
      input: lines('FROM node:22', 'WORKDIR /app', 'USER node', 'RUN gosu 1000 npm ci'),
      reason: 'dslim cannot tell that uid 1000 is node',
      note: 'Leaves the npm cache of this `RUN`: `gosu 1000 npm ci` may run as another user: it runs as `1000` and the `RUN` as `node`, and dslim cannot tell whether `node` has the id `1000` in the image, so the added `npm cache clean --force` would run as `node`: it may be denied what that command leaves, or clean the cache of `node` instead of the one that command fills.',
    },
    {
      name: 'an install run as a user dslim cannot tell: `setpriv --ruid=1000 --euid=0 npm ci`',
      input: lines('FROM node:22', 'WORKDIR /app', 'RUN setpriv --ruid=1000 --euid=0 npm ci'),
      reason: 'the effective user may be root or not: dslim cannot tell',
      note: 'Leaves the npm cache of this `RUN`: `setpriv --ruid=1000 --euid=0 npm ci` may run as another user than the `RUN` (it runs as a user dslim cannot tell, the `RUN` as `root`), so the added `npm cache clean --force` would run as `root`: it may be denied what that command leaves, or clean the cache of `root` instead of the one that command fills.',
    },
    {
      name: 'an install run as a user a variable names: `gosu $APP_USER npm ci`',
      input: lines('FROM node:22', 'WORKDIR /app', 'RUN gosu $APP_USER npm ci'),
      reason: 'the variable may name root or another user',
      note: 'Leaves the npm cache of this `RUN`: `gosu $APP_USER npm ci` may run as another user than the `RUN` (it runs as `$APP_USER`, the `RUN` as `root`), so the added `npm cache clean --force` would run as `root`: it may be denied what that command leaves, or clean the cache of `root` instead of the one that command fills.',
    },
    {
      name: "a cache mount at root's home does not hold the cache of another user",
      input: lines(
        'FROM node:22',
        'WORKDIR /app',
        'RUN --mount=type=cache,target=/root/.npm gosu node npm ci',
      ),
      reason: "node's cache is in its own home, where the mount is not",
      note: otherUserNote('gosu node npm ci', '`node`', 'root'),
    },
  ],
  changed: [
    ...[
      ['USER node', 'RUN sudo -u node npm ci'],
      ['USER node:node', 'RUN gosu node npm ci'],
      ['USER 1000', 'RUN su-exec 1000:1000 npm ci'],
      ['USER 0', 'RUN sudo npm ci'],
      ['USER root', 'RUN gosu 0 npm ci'],
      ['USER root', 'RUN sudo -g staff npm ci'],
      ['USER node', "RUN su node -c 'npm ci'"],
      ['USER node', 'RUN npm ci && sudo chown -R node /app'],
    ].map(([user, run]) => ({
      name: `the same user: \`${user}\`, \`${run}\``,
      input: lines('FROM node:22', 'WORKDIR /app', user, run),
      output: lines('FROM node:22', 'WORKDIR /app', user, `${run} && npm cache clean --force`),
    })),
    {
      name: "`USER node` with a mount at root's home: node's own cache is cleaned",
      input: lines(
        'FROM node:22',
        'WORKDIR /app',
        'USER node',
        'RUN --mount=type=cache,target=/root/.npm npm ci',
      ),
      output: lines(
        'FROM node:22',
        'WORKDIR /app',
        'USER node',
        'RUN --mount=type=cache,target=/root/.npm npm ci && npm cache clean --force',
      ),
    },
  ],
});

transformTable(
  'clean-node-cache',
  {
    unchanged: [
      {
        name: 'an install run as another user gets neither a mount nor the cleanup',
        input: lines('FROM node:22', 'WORKDIR /app', 'RUN gosu node npm ci'),
        reason: "the mount at /root/.npm would miss node's cache, and the cleanup clean root's",
        note: otherUserNote('gosu node npm ci', '`node`', 'root'),
      },
    ],
    changed: [
      {
        name: "`sudo` in a root RUN: the mount at root's home",
        input: lines('FROM node:22', 'WORKDIR /app', 'RUN sudo npm ci'),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM node:22',
          'WORKDIR /app',
          'RUN --mount=type=cache,target=/root/.npm sudo npm ci',
        ),
      },
    ],
  },
  { caches: 'mount' },
);

/** A cache a COPY brings in stays: cleaning it would save nothing of that layer. */
transformTable('clean-node-cache', {
  unchanged: [
    {
      name: 'a cache copied from another stage, then an offline install',
      input: lines(
        'FROM node:20 AS deps',
        'WORKDIR /app',
        'RUN npm ci',
        'FROM node:20-slim',
        'WORKDIR /app',
        'COPY --from=deps /root/.npm /root/.npm',
        'RUN npm ci --offline',
      ),
      reason:
        'the copied cache stays in the COPY layer; the cleanup would only take it out of the image',
      note: 'Leaves the npm cache of this `RUN`: the `COPY` on line 6 first writes into `/root/.npm`: what it brings there stays in its layer whatever this `RUN` does, and the `RUN` may be meant to use it.',
    },
    {
      name: 'a cache copied in by a stage the RUN builds on',
      input: lines(
        'FROM node:20 AS base',
        'COPY npm-cache/ /root/.npm/',
        'FROM base',
        'RUN npm ci',
      ),
      reason: 'the COPY of the stage built on fills the cache first',
      note: 'the `COPY` on line 2 first writes into `/root/.npm`',
    },
    {
      name: 'a COPY into a directory above the cache',
      input: lines('FROM node:20', 'COPY home/ /root/', 'RUN npm ci'),
      reason: 'the copied tree may hold `.npm`',
      note: 'the `COPY` on line 2 first writes into `/root`, above `/root/.npm`',
    },
    {
      name: '`npm cache add` after the install',
      input: lines('FROM node:20', 'RUN npm ci && npm cache add left-pad@1.3.0'),
      reason: 'the RUN fills the cache on purpose',
      note: 'Leaves the npm cache of this `RUN`: `npm cache add` after the install only fills the cache, so the `RUN` ends by filling it on purpose.',
    },
    {
      name: 'a cache mount where `npm_config_cache` moves the cache',
      input: lines(
        'FROM node:20',
        'ENV npm_config_cache=/npm-cache',
        'RUN --mount=type=cache,target=/npm-cache npm ci',
      ),
      reason: 'the cache goes to the mount',
      note: 'Adds no `npm cache clean`: `/npm-cache` is a cache mount, so the npm cache never reaches a layer.',
    },
  ],
  changed: [
    {
      name: 'a COPY beside the cache leaves it alone',
      input: lines('FROM node:20', 'COPY .npmrc /root/', 'RUN npm ci'),
      output: lines('FROM node:20', 'COPY .npmrc /root/', 'RUN npm ci && npm cache clean --force'),
    },
    {
      name: 'a cache mount at the default where `npm_config_cache` moves the cache',
      input: lines(
        'FROM node:20',
        'ENV npm_config_cache=/npm-cache',
        'RUN --mount=type=cache,target=/root/.npm npm ci',
      ),
      output: lines(
        'FROM node:20',
        'ENV npm_config_cache=/npm-cache',
        'RUN --mount=type=cache,target=/root/.npm npm ci && npm cache clean --force',
      ),
    },
    {
      name: 'a cache mount at the default where `HOME` moves the cache',
      input: lines(
        'FROM node:20',
        'ENV HOME=/home/node',
        'RUN --mount=type=cache,target=/root/.npm npm ci',
      ),
      output: lines(
        'FROM node:20',
        'ENV HOME=/home/node',
        'RUN --mount=type=cache,target=/root/.npm npm ci && npm cache clean --force',
      ),
    },
  ],
});

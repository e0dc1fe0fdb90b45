import { lines, transformTable } from '../harness';

transformTable('composer-no-cache', {
  unchanged: [
    {
      name: "a tmpfs over the composer image's home",
      input: lines('FROM composer:2', 'RUN --mount=type=tmpfs,target=/tmp composer install'),
      reason: 'the cache goes to the tmpfs, never to the layer',
      note: 'Adds no `--no-cache`: `/tmp` is a tmpfs mount, so the Composer cache never reaches a layer.',
    },
    {
      name: 'the same RUN reads the cache after the install',
      input: lines('FROM composer:2', 'RUN composer install && ls /tmp/cache > /x'),
      reason: 'the listing would be empty without the cache',
      note: '`ls` after the install names the cache',
    },
    ...['composer:1.8', 'composer:1.8.6', 'docker.io/library/composer:1.0'].map((image) => ({
      name: `a Composer older than 1.9, from \`${image}\``,
      input: lines(`FROM ${image}`, 'RUN composer install'),
      reason: '`--no-cache` came with Composer 1.9; older ones stop on an unknown option',
      note: `Leaves \`composer install\` as it is: the base image \`${image}\` runs a Composer older than 1.9, which brought \`--no-cache\`.`,
    })),
    {
      name: 'already `--no-cache`',
      input: lines('FROM composer:2', 'RUN composer install --no-cache'),
      reason: 'the flag is there',
    },
    {
      name: 'COMPOSER_CACHE_DIR set by ENV',
      input: lines('FROM composer:2', 'ENV COMPOSER_CACHE_DIR=/dev/null', 'RUN composer install'),
      reason: 'the stage already decides where the cache goes',
    },
    {
      name: 'COMPOSER_CACHE_DIR on the command',
      input: lines('FROM composer:2', 'RUN COMPOSER_CACHE_DIR=/dev/null composer install'),
      reason: 'the command already decides where the cache goes',
    },
    {
      name: 'COMPOSER_CACHE_DIR exported earlier in the RUN',
      input: lines(
        'FROM composer:2',
        'RUN export COMPOSER_CACHE_DIR=/dev/null && composer install',
      ),
      reason: 'the RUN decides where the cache goes in its own shell, as an ENV would',
    },
    {
      name: 'COMPOSER_CACHE_DIR set by `declare -x` under bash',
      input: lines(
        'FROM composer:2',
        'SHELL ["/bin/bash", "-c"]',
        'RUN declare -x COMPOSER_CACHE_DIR=/dev/null; composer install',
      ),
      reason: '`declare -x` exports the setting as `export` does',
    },
    {
      name: 'cache mount',
      input: lines('FROM composer:2', 'RUN --mount=type=cache,target=/tmp/cache composer install'),
      reason: 'the cache never reaches a layer',
      note: '`/tmp/cache` is a cache mount',
    },
    {
      name: 'a later stage copies the cache out, naming the stage by index',
      input: lines(
        'FROM composer:2',
        'RUN composer install',
        'FROM php:8.3-cli',
        'COPY --from=0 /tmp/cache /composer-cache',
      ),
      reason: 'the cache becomes files of the final image under `/composer-cache`',
      note: 'the `COPY --from=0` on line 4 copies `/tmp/cache` from this stage',
    },
  ],
  changed: [
    ...['composer:1', 'composer:1.10', 'composer:1.9.3', 'composer:2.7'].map((image) => ({
      name: `a Composer of 1.9 or later, from \`${image}\``,
      input: lines(`FROM ${image}`, 'RUN composer install'),
      output: lines(`FROM ${image}`, 'RUN composer install --no-cache'),
    })),
    {
      name: 'install and require',
      input: lines(
        'FROM composer:2',
        'RUN composer install --no-dev && composer require monolog/monolog',
      ),
      output: lines(
        'FROM composer:2',
        'RUN composer install --no-cache --no-dev && composer require --no-cache monolog/monolog',
      ),
      message: 'Adds `--no-cache` to `composer install`',
    },
    {
      name: 'COMPOSER_CACHE_DIR exported in a subshell that ends before the install',
      input: lines(
        'FROM composer:2',
        'RUN (export COMPOSER_CACHE_DIR=/dev/null) && composer install',
      ),
      output: lines(
        'FROM composer:2',
        'RUN (export COMPOSER_CACHE_DIR=/dev/null) && composer install --no-cache',
      ),
    },
    {
      name: 'a later stage copies vendor/ only',
      input: lines(
        'FROM composer:2 AS vendor',
        'WORKDIR /app',
        'RUN composer install --no-dev',
        'FROM php:8.3-cli',
        'COPY --from=vendor /app/vendor /app/vendor',
      ),
      output: lines(
        'FROM composer:2 AS vendor',
        'WORKDIR /app',
        'RUN composer install --no-cache --no-dev',
        'FROM php:8.3-cli',
        'COPY --from=vendor /app/vendor /app/vendor',
      ),
    },
  ],
});

transformTable(
  'composer-no-cache',
  {
    unchanged: [
      {
        name: "a cache mount at the composer image's cache already",
        input: lines(
          'FROM composer:2',
          'RUN --mount=type=cache,target=/tmp/cache composer install',
        ),
        reason: 'the cache never reaches a layer, so a second run adds nothing',
        note: 'Adds no `--no-cache`: `/tmp/cache` is a cache mount',
      },
    ],
    changed: [
      {
        name: 'a stage built from the composer image gets the mount',
        input: lines(
          'FROM composer:2 AS vendor',
          'WORKDIR /app',
          'FROM vendor',
          'RUN composer install --no-dev',
        ),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM composer:2 AS vendor',
          'WORKDIR /app',
          'FROM vendor',
          'RUN --mount=type=cache,target=/tmp/cache composer install --no-dev',
        ),
        message:
          "Mounts a build cache at `/tmp/cache` for `composer install`: the package archives Composer downloads stay in BuildKit's cache, not in the layer, and the next build reuses them.",
      },
      {
        name: 'another base image: `--no-cache` instead',
        input: lines('FROM php:8.3-cli', 'RUN composer install'),
        output: lines('FROM php:8.3-cli', 'RUN composer install --no-cache'),
        message:
          'Adds `--no-cache` to `composer install` instead of a cache mount, because where Composer keeps its cache depends on the base image, and only that of the `composer` image is known: the package archives Composer downloads are no longer kept in the layer.',
      },
      {
        name: 'COMPOSER_HOME moved: `--no-cache` instead',
        input: lines('FROM composer:2', 'ENV COMPOSER_HOME=/composer', 'RUN composer install'),
        output: lines(
          'FROM composer:2',
          'ENV COMPOSER_HOME=/composer',
          'RUN composer install --no-cache',
        ),
        message: 'because the `ENV` on line 2 sets `COMPOSER_HOME`:',
      },
      {
        name: 'another user: `--no-cache` instead',
        input: lines('FROM composer:2', 'USER www-data', 'RUN composer install'),
        output: lines('FROM composer:2', 'USER www-data', 'RUN composer install --no-cache'),
        message: 'because it runs as `USER www-data`',
      },
    ],
  },
  { caches: 'mount' },
);

/** Composer runs from its cache only with `COMPOSER_DISABLE_NETWORK`; `--no-cache` would leave it nothing. */
transformTable('composer-no-cache', {
  unchanged: [
    {
      name: 'a later install with `COMPOSER_DISABLE_NETWORK` from an ENV',
      input: lines(
        'FROM composer:2',
        'RUN composer install',
        'ENV COMPOSER_DISABLE_NETWORK=1',
        'RUN composer install -d /app',
      ),
      reason: 'the later install takes every package from the cache the first one fills',
      note: 'Leaves `composer install` as it is: `composer install` in the `RUN` on line 4 runs from the cache rather than the network (`COMPOSER_DISABLE_NETWORK` set by the `ENV` on line 3), so it needs what this `RUN` leaves there.',
    },
    {
      name: 'the offline install itself',
      input: lines(
        'FROM composer:2',
        'RUN composer install',
        'ENV COMPOSER_DISABLE_NETWORK=1',
        'RUN composer install -d /app',
      ),
      reason: '`--no-cache` on it would keep it from the cache it installs from',
      note: '`composer install` here runs from the cache rather than the network (`COMPOSER_DISABLE_NETWORK` set by the `ENV` on line 3), so the change would leave it nothing to read',
    },
    {
      name: '`COMPOSER_DISABLE_NETWORK` on the command',
      input: lines('FROM composer:2', 'RUN COMPOSER_DISABLE_NETWORK=1 composer install'),
      reason: 'the install reads the cache an earlier build step or the image filled',
      note: '(`COMPOSER_DISABLE_NETWORK` set in the `RUN`)',
    },
    {
      name: 'an offline `composer require` after the install in the same RUN',
      input: lines(
        'FROM composer:2',
        'RUN composer install && COMPOSER_DISABLE_NETWORK=1 composer require foo/bar',
      ),
      reason: 'the second command installs from the cache the first fills',
      note: '`composer require` later in this `RUN` runs from the cache rather than the network',
    },
    {
      name: 'an install in a `RUN --network=none`',
      input: lines('FROM composer:2', 'RUN --network=none composer install'),
      reason: 'without a network it can only install from the cache',
      note: '`composer install` here runs from the cache rather than the network (`RUN --network=none`)',
    },
    {
      name: 'a download-only install',
      input: lines('FROM composer:2', 'RUN composer install --download-only'),
      reason: 'it only fills the cache, which `--no-cache` would keep it from doing',
      note: 'Leaves `composer install` as it is: `composer install` only downloads packages into the cache (`--download-only`), for a later step to install them from there.',
    },
  ],
  changed: [
    {
      name: '`COMPOSER_DISABLE_NETWORK=0` turns nothing off',
      input: lines('FROM composer:2', 'ENV COMPOSER_DISABLE_NETWORK=0', 'RUN composer install'),
      output: lines(
        'FROM composer:2',
        'ENV COMPOSER_DISABLE_NETWORK=0',
        'RUN composer install --no-cache',
      ),
    },
    {
      name: 'a later `composer dump-autoload` without a network reads no cache',
      input: lines(
        'FROM composer:2',
        'RUN composer install',
        'RUN --network=none composer dump-autoload',
      ),
      output: lines(
        'FROM composer:2',
        'RUN composer install --no-cache',
        'RUN --network=none composer dump-autoload',
      ),
    },
  ],
});

transformTable(
  'composer-no-cache',
  {
    unchanged: [
      {
        name: 'a later offline install',
        input: lines(
          'FROM composer:2',
          'RUN composer install',
          'RUN COMPOSER_DISABLE_NETWORK=1 composer install -d /app',
        ),
        reason: 'a mount would keep the cache out of the layer the later RUN reads',
        note: '`composer install` in the `RUN` on line 3 runs from the cache rather than the network',
      },
    ],
    changed: [
      {
        name: 'a later install online: both mounted',
        input: lines('FROM composer:2', 'RUN composer install', 'RUN composer install -d /app'),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM composer:2',
          'RUN --mount=type=cache,target=/tmp/cache composer install',
          'RUN --mount=type=cache,target=/tmp/cache composer install -d /app',
        ),
      },
    ],
  },
  { caches: 'mount' },
);

transformTable('composer-no-cache', {
  unchanged: [
    ...[
      ['ENV COMPOSER_HOME=/c', '/c/cache'],
      ['ENV HOME=/h', '/h/.cache/composer'],
      ['ENV XDG_CACHE_HOME=/x', '/x/composer'],
    ].map(([env, cache]) => ({
      name: `a later RUN reads the cache \`${env}\` moved`,
      input: lines('FROM php:8', env, 'RUN composer install', `RUN ls ${cache}`),
      reason: 'the flag would keep the moved cache from being written',
      note: 'Leaves `composer install` as it is: `ls` in the `RUN` on line 4 names the cache, which it may read.',
    })),
  ],
  changed: [
    {
      name: 'a moved cache that nothing reads',
      input: lines('FROM php:8', 'ENV COMPOSER_HOME=/c', 'RUN composer install'),
      output: lines('FROM php:8', 'ENV COMPOSER_HOME=/c', 'RUN composer install --no-cache'),
    },
  ],
});

/** Composer run by PHP, or behind another wrapper, is Composer. */
transformTable('composer-no-cache', {
  unchanged: [
    {
      name: 'a later offline install run by PHP',
      input: lines(
        'FROM php:8.3-cli',
        'RUN php composer.phar install',
        'RUN COMPOSER_DISABLE_NETWORK=1 php -d memory_limit=-1 composer.phar install -d /app',
      ),
      reason: 'the later install takes every package from the cache the first one fills',
      note: 'Leaves `composer install` as it is: `composer.phar install` in the `RUN` on line 3 runs from the cache rather than the network (`COMPOSER_DISABLE_NETWORK` set in the `RUN`), so it needs what this `RUN` leaves there.',
    },
    {
      name: 'an install in the script of `su -c`',
      input: lines('FROM php:8.3-cli', "RUN su www-data -s /bin/sh -c 'composer install'"),
      reason: 'the flag would have to go inside the quoted script',
      note: 'Leaves `composer install` as it is: it runs `composer` in the script of `su -c`, a quoted word, which dslim does not edit.',
    },
    {
      name: 'a later `chroot` may read the cache',
      input: lines('FROM php:8.3-cli', 'RUN composer install', 'RUN chroot / composer install'),
      reason: 'dslim cannot tell which files a program under another root reads',
      note: 'Leaves `composer install` as it is: `chroot` in the `RUN` on line 3 may read the cache: it runs its program under another root directory',
    },
    {
      name: 'PHP with an option dslim does not know',
      input: lines('FROM php:8.3-cli', 'RUN php -Z x composer.phar install'),
      reason: 'which word is the script PHP runs cannot be told, so no install is recognised',
    },
  ],
  changed: [
    {
      name: '`php composer.phar install`',
      input: lines('FROM php:8.3-cli', 'RUN php composer.phar install --no-dev'),
      output: lines('FROM php:8.3-cli', 'RUN php composer.phar install --no-cache --no-dev'),
      message: 'Adds `--no-cache` to `composer install`',
    },
    {
      name: '`php -d` with the installed composer, and a versioned `php`',
      input: lines(
        'FROM php:8.3-cli',
        'RUN php -d memory_limit=-1 /usr/local/bin/composer install && php8.3 -dmemory_limit=-1 composer.phar require monolog/monolog',
      ),
      output: lines(
        'FROM php:8.3-cli',
        'RUN php -d memory_limit=-1 /usr/local/bin/composer install --no-cache && php8.3 -dmemory_limit=-1 composer.phar require --no-cache monolog/monolog',
      ),
    },
    {
      name: 'behind `gosu`, `setpriv`, `flock` and `eatmydata`',
      input: lines(
        'FROM php:8.3-cli',
        'RUN gosu www-data composer install && setpriv --reuid=33 --regid=33 --init-groups flock /tmp/c.lock eatmydata composer update',
      ),
      output: lines(
        'FROM php:8.3-cli',
        'RUN gosu www-data composer install --no-cache && setpriv --reuid=33 --regid=33 --init-groups flock /tmp/c.lock eatmydata composer update --no-cache',
      ),
    },
  ],
});

/** The version of Composer follows where the program came from: the base image, a COPY or a mount. */
transformTable('composer-no-cache', {
  unchanged: [
    {
      name: 'Composer copied from `composer:1.8` into a php image',
      input: lines(
        'FROM php:7.4-cli',
        'COPY --from=composer:1.8 /usr/bin/composer /usr/bin/composer',
        'RUN composer install',
      ),
      reason: 'the Composer that runs is 1.8, which stops on the unknown `--no-cache`',
      note: 'Leaves `composer install` as it is: the `COPY --from=composer:1.8` on line 2 copies a Composer older than 1.9, which brought `--no-cache`.',
    },
    {
      name: 'Composer copied from a stage built from `composer:1.8.6`',
      input: lines(
        'FROM composer:1.8.6 AS composer',
        'FROM php:7.4-cli',
        'COPY --from=composer /usr/bin/composer /usr/local/bin/composer',
        'RUN composer install',
      ),
      reason: 'the stage named `composer` is the 1.8.6 image, not the latest one',
      note: 'Leaves `composer install` as it is: the `COPY --from=composer` on line 3 copies the Composer of `composer:1.8.6`, older than 1.9, which brought `--no-cache`.',
    },
    {
      name: 'Composer copied through two stages, by stage index, into a stage the RUN builds on',
      input: lines(
        'FROM docker.io/library/composer:1.5',
        'FROM php:7.4-cli AS tools',
        'COPY --from=0 /usr/bin/composer /opt/bin/composer.phar',
        'FROM php:7.4-cli AS base',
        'COPY --from=tools /opt/bin/composer.phar /usr/local/bin/',
        'FROM base',
        'RUN php /usr/local/bin/composer.phar install',
      ),
      reason: 'the Composer the RUN runs came from `composer:1.5` through `tools` and `base`',
      note: 'the `COPY --from=tools` on line 5 copies the Composer of `docker.io/library/composer:1.5`, older than 1.9',
    },
    {
      name: 'Composer mounted from `composer:1.8` for the RUN',
      input: lines(
        'FROM php:7.4-cli',
        'RUN --mount=type=bind,from=composer:1.8,source=/usr/bin/composer,target=/usr/bin/composer composer install',
      ),
      reason: 'the mounted Composer is 1.8',
      note: 'the `RUN --mount=from=composer:1.8` on line 2 mounts a Composer older than 1.9',
    },
    {
      name: 'the whole /usr/bin of `composer:1.8` copied',
      input: lines(
        'FROM php:7.4-cli',
        'COPY --from=composer:1.8 /usr/bin/ /usr/local/bin/',
        'RUN composer install',
      ),
      reason: "the directory holds the image's /usr/bin/composer",
      note: 'the `COPY --from=composer:1.8` on line 2 copies a Composer older than 1.9',
    },
  ],
  changed: [
    ...['composer', 'composer:latest', 'composer:2', 'composer:1.10', 'composer:${COMPOSER}'].map(
      (image) => ({
        name: `Composer copied from \`${image}\`, which names no version before 1.9`,
        input: lines(
          'FROM php:8.3-cli',
          `COPY --from=${image} /usr/bin/composer /usr/bin/composer`,
          'RUN composer install',
        ),
        output: lines(
          'FROM php:8.3-cli',
          `COPY --from=${image} /usr/bin/composer /usr/bin/composer`,
          'RUN composer install --no-cache',
        ),
      }),
    ),
    {
      name: 'something else copied from `composer:1.8`',
      input: lines(
        'FROM php:8.3-cli',
        'COPY --from=composer:1.8 /docker-entrypoint.sh /entrypoint.sh',
        'RUN composer install',
      ),
      output: lines(
        'FROM php:8.3-cli',
        'COPY --from=composer:1.8 /docker-entrypoint.sh /entrypoint.sh',
        'RUN composer install --no-cache',
      ),
    },
    {
      name: 'vendor/ copied from a stage built from `composer:1.8`',
      input: lines(
        'FROM composer:1.8 AS vendor',
        'FROM php:8.3-cli',
        'COPY --from=vendor /app/vendor /app/vendor',
        'RUN composer install',
      ),
      output: lines(
        'FROM composer:1.8 AS vendor',
        'FROM php:8.3-cli',
        'COPY --from=vendor /app/vendor /app/vendor',
        'RUN composer install --no-cache',
      ),
    },
    {
      name: 'Composer copied only after the RUN',
      input: lines(
        'FROM php:8.3-cli',
        'RUN composer install',
        'COPY --from=composer:1.8 /usr/bin/composer /usr/bin/composer',
      ),
      output: lines(
        'FROM php:8.3-cli',
        'RUN composer install --no-cache',
        'COPY --from=composer:1.8 /usr/bin/composer /usr/bin/composer',
      ),
    },
    {
      name: 'a mount of `composer:1.8` on an earlier RUN',
      input: lines(
        'FROM php:8.3-cli',
        'RUN --mount=from=composer:1.8,source=/usr/bin/composer,target=/c composer --version',
        'RUN composer install',
      ),
      output: lines(
        'FROM php:8.3-cli',
        'RUN --mount=from=composer:1.8,source=/usr/bin/composer,target=/c composer --version',
        'RUN composer install --no-cache',
      ),
    },
  ],
});

/** A mount holds the cache only where the environment puts it; a copied-in cache stays. */
transformTable('composer-no-cache', {
  unchanged: [
    {
      name: 'a cache mount where `COMPOSER_HOME` moves the cache',
      input: lines(
        'FROM composer:2',
        'ENV COMPOSER_HOME=/composer',
        'RUN --mount=type=cache,target=/composer/cache composer install',
      ),
      reason: 'Composer writes its cache into the mount',
      note: 'Adds no `--no-cache`: `/composer/cache` is a cache mount, so the Composer cache never reaches a layer.',
    },
    {
      name: 'a cache copied from another stage',
      input: lines(
        'FROM composer:2 AS deps',
        'RUN composer install',
        'FROM composer:2',
        'COPY --from=deps /tmp/cache /tmp/cache',
        'RUN composer install',
      ),
      reason: '`--no-cache` would keep Composer from the cache the COPY brings',
      note: 'Leaves `composer install` as it is: the `COPY` on line 4 first writes into `/tmp/cache`: what it brings there stays in its layer whatever this `RUN` does, and the `RUN` may be meant to use it.',
    },
  ],
  changed: [
    {
      name: 'a cache mount at the image default where `COMPOSER_HOME` moves the cache',
      input: lines(
        'FROM composer:2',
        'ENV COMPOSER_HOME=/composer',
        'RUN --mount=type=cache,target=/tmp/cache composer install',
      ),
      output: lines(
        'FROM composer:2',
        'ENV COMPOSER_HOME=/composer',
        'RUN --mount=type=cache,target=/tmp/cache composer install --no-cache',
      ),
    },
  ],
});

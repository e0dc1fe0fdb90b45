import { lines, transformTable } from '../harness';

transformTable('composer-no-cache', {
  unchanged: [
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

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
  ],
});

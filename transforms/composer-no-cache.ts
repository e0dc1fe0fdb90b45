import type { Env } from 'dockerfile-ast';
import { insertAfterWord } from '../src/append';
import { firstOperand, hasFlag, type ShellCommand } from '../src/shell-commands';
import { readByLaterStageLimitation } from '../src/later-stages';
import { leaveAlone, programName, runScripts } from '../src/package-runs';
import type { Transform } from '../src/types';

const FLAG = '--no-cache';
const INSTALLS = new Set(['install', 'require', 'update', 'create-project']);
const CACHE_DIRS = ['/root/.composer/cache', '/root/.cache/composer', '/tmp/cache'];

const composerNoCache: Transform = {
  id: 'composer-no-cache',
  title: 'Install PHP packages with `composer install --no-cache`',
  rationale:
    'Composer keeps a copy of every package archive it downloads in its cache directory, which stays in the layer next to `vendor/`. `--no-cache` keeps it from being written.',
  safety: 'cache',
  messages: {
    flagged:
      'Adds `--no-cache` to `{command}`: the package archives Composer downloads are no longer kept in the layer.',
    mounted:
      'Adds no `--no-cache`: `{target}` is a cache mount, so the Composer cache never reaches a layer.',
    refused: 'Leaves `{command}` as it is: {reason}.',
  },
  options: {},
  limitations: [
    'An ENV `COMPOSER_CACHE_DIR` in the stage is taken to mean the cache is handled, and the RUN is left alone.',
    'Composer run through a wrapper (`php composer.phar`) is not recognised.',
    readByLaterStageLimitation(CACHE_DIRS),
  ],
  examples: [
    {
      before: 'FROM composer:2\nRUN composer install --no-dev\n',
      after: 'FROM composer:2\nRUN composer install --no-cache --no-dev\n',
    },
  ],
  run(doc, report) {
    for (const stage of doc.stages) {
      const cacheDirSet = stage.instructions.some(
        (i) =>
          i.keyword === 'ENV' &&
          (i.node as Env).getProperties().some((p) => p.getName() === 'COMPOSER_CACHE_DIR'),
      );
      if (cacheDirSet) continue;
      for (const script of runScripts(doc, stage)) {
        const { run, commands } = script;
        const installs = commands.filter(needsFlag);
        if (installs.length === 0) continue;
        const command = `composer ${firstOperand(installs[0].args)?.text}`;
        if (leaveAlone(doc, report, script, CACHE_DIRS, { command })) continue;
        const edits = installs.map((c) => insertAfterWord(run, firstOperand(c.args)!, FLAG));
        report.change(run.span.start, 'flagged', { command }, edits);
      }
    }
  },
};

export default composerNoCache;

function needsFlag(command: ShellCommand): boolean {
  if (programName(command) !== 'composer' && programName(command) !== 'composer.phar') return false;
  if (!INSTALLS.has(firstOperand(command.args)?.text ?? '')) return false;
  return !hasFlag(command.args, FLAG) && !command.assignments.includes('COMPOSER_CACHE_DIR');
}

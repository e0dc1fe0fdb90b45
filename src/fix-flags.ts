import { Option, type Command } from 'commander';
import * as path from 'node:path';
import { CACHE_MODES, CACHES_OPTION, type CacheMode } from './cache-mounts';
import { createConfigLoader, mergeOptions } from './config';
import { InputError } from './engine';
import { listAdvisories, listTransforms, type FixOptions } from './index';
import { checkSettings } from './options';
import { DEFAULT_SAFETY, SAFETY_CLASSES, type OptionSpec, type SafetyClass } from './types';

/**
 * The flags that choose which transforms run and how, with the same meaning
 * in every command that rewrites: `dslim fix` and `dslim verify`.
 */
export interface FixOptionFlags {
  only?: string[];
  skip?: string[];
  safety?: SafetyClass[];
  strategy?: string;
  caches?: CacheMode;
  /** False with `--no-config`. */
  config: boolean;
}

/** Adds the flags of `FixOptionFlags` to a command. */
export function addFixOptionFlags(command: Command): Command {
  return command
    .option('--only <ids>', 'run only these transforms (comma-separated)', nonEmpty('--only', list))
    .option(
      '--skip <ids>',
      'do not run these transforms (comma-separated)',
      nonEmpty('--skip', list),
    )
    .option(
      '--safety <classes>',
      withDefault(
        `safety classes allowed to run (${SAFETY_CLASSES.join(',')})`,
        DEFAULT_SAFETY.join(','),
        'safety',
      ),
      nonEmpty('--safety', safetyList),
    )
    .addOption(
      choiceOption(
        '--strategy <strategy>',
        withDefault(
          'how extract-install-stage keeps a build tree out',
          String(installOption('strategy')?.default),
          'transforms.extract-install-stage.strategy',
        ),
        'strategy',
        installStrategies(),
      ),
    )
    .addOption(
      choiceOption(
        '--caches <mode>',
        withDefault(
          'clean package caches up in the installing RUN, or mount them',
          String(CACHES_OPTION.default),
          'caches',
        ),
        'cache mode',
        CACHE_MODES,
      ),
    )
    .option('--no-config', 'ignore .dslimrc and other configuration files');
}

/**
 * The options the flags set, before any configuration file. Throws an
 * `InputError` when `--only` or `--skip` names an id that does not exist,
 * so a typo stops the command before any file is read. The flags are
 * checked as a configuration file is (see `checkSettings`), with the flag
 * named where the file names its key.
 */
export function flagOptions(flags: FixOptionFlags): FixOptions {
  const transforms = flags.strategy
    ? { 'extract-install-stage': { strategy: flags.strategy } }
    : undefined;
  const { only, skip, safety, caches } = flags;
  const both = only?.find((id) => skip?.includes(id));
  if (both) throw new InputError(`\`${both}\` is given to both --only and --skip`);
  const options = { only, skip, safety, caches, transforms };
  const fail = (key: string | null, problem: string) =>
    new InputError(key === null ? problem : `\`--${key}\`: ${problem}`);
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  checkSettings(given, fail, { transforms: listTransforms(), advisories: listAdvisories() });
  return options;
}

/**
 * Resolves the options for each Dockerfile: the configuration file found
 * from its folder upwards (none with `--no-config`) under the flags, which
 * win. One resolver searches each folder once.
 */
export function createOptionsResolver(
  flags: FixOptionFlags,
): (dockerfile: string) => Promise<FixOptions> {
  const fromFlags = flagOptions(flags);
  const loadConfig = flags.config ? createConfigLoader(listTransforms()) : null;
  return async (dockerfile) => {
    const found = await loadConfig?.(path.dirname(path.resolve(dockerfile)));
    return mergeOptions(found?.config ?? null, fromFlags);
  };
}

function installStrategies(): string[] {
  return installOption('strategy')?.choices ?? [];
}

/** An option of extract-install-stage, which `--strategy` sets. */
function installOption(name: string): OptionSpec | undefined {
  return listTransforms().find((t) => t.id === 'extract-install-stage')?.options[name];
}

/**
 * A flag's description with its default in words. The flags themselves
 * carry no default value, so that a configuration file's setting applies
 * when the flag is not given (see `mergeOptions`); commander would show only
 * a default the flag sets.
 */
function withDefault(description: string, value: string, key: string): string {
  return `${description} (default: ${value}, unless a configuration file sets \`${key}\`)`;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** Refuses an empty list, which would leave nothing to run. */
function nonEmpty<T>(flag: string, parse: (value: string) => T[]): (value: string) => T[] {
  return (value) => {
    const parsed = parse(value);
    if (parsed.length === 0)
      throw new InputError(`\`${flag}\` needs at least one value (it was given an empty list)`);
    return parsed;
  };
}

function safetyList(value: string): SafetyClass[] {
  const classes = list(value);
  const bad = classes.find((c) => !SAFETY_CLASSES.includes(c as SafetyClass));
  if (bad)
    throw new InputError(`unknown safety class \`${bad}\` (use ${SAFETY_CLASSES.join(', ')})`);
  return classes as SafetyClass[];
}

/**
 * An option that takes one of `choices`, which `--help` lists. A value not
 * among them is refused as every other bad flag is, with one line (`dslim:
 * unknown WHAT …`) and exit 2, where commander's own check would print the
 * whole usage after its error.
 */
export function choiceOption(
  flags: string,
  description: string,
  what: string,
  choices: readonly string[],
): Option {
  return new Option(flags, description).choices(choices).argParser((value: string) => {
    if (!choices.includes(value))
      throw new InputError(`unknown ${what} \`${value}\` (use ${choices.join(', ')})`);
    return value;
  });
}

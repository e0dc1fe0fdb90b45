import { orList } from './lists';
import { firstOperand, type ShellCommand, type Word } from './shell-commands';
import { programOf } from './wrappers';

/**
 * How the commands of one package manager run from its cache instead of the
 * network. Such a command, after the RUN a cache transform edits, needs the
 * cache that RUN leaves: with the cache removed, or moved to a cache mount,
 * it fails (`npm install --offline`, `yum -C install`) or installs something
 * else than it did (`npm install --prefer-offline` takes the versions the
 * cache holds). One rule per manager; `package-runs.ts` looks for the
 * commands.
 */
export interface OfflineRule {
  /** The programs of the manager, by their name without a directory. */
  programs: RegExp;
  /** A Python module that runs it too: `python -m pip`. */
  module?: string;
  /** Options that turn offline use on; one written with a value (`--download=only`) needs that value. */
  options: string[];
  /** Single-letter options that do, alone or grouped with others (`-C`, `-yC`). */
  letters?: string[];
  /** Settings given as `FLAG NAME=VALUE` that do: yum's `--setopt cacheonly=1`. */
  settings?: Settings;
  /** Environment variables that do, from an ENV or ARG before the command, or set on it. */
  variables?: string[];
  /** Settings whose `npm config set KEY` (`conda config --set KEY`) do for every command after it. */
  configKeys?: string[];
  /**
   * Subcommands that reach neither the network nor the cache, whatever the
   * options or settings: under `RUN --network=none` every other command of
   * the manager can only use the cache. A command with no subcommand (`npm
   * --version`) counts as one.
   */
  networkFree: Set<string>;
  /** How an install only downloads packages into the cache, for a later one to install. */
  downloadOnly?: Switches;
  /**
   * Commands of the manager that look into the cache itself, as their
   * words after the program (`cache list`): whatever the network, they find
   * a cache removed or moved to a mount empty, and print something else.
   */
  lookups?: string[];
  /**
   * Commands of the manager that only fill its cache, as their words after
   * the program (`makecache`, `cache add`): a RUN that ends with one leaves
   * the cache filled on purpose (see `endsFilling` in package-runs.ts).
   */
  fillers?: string[];
  /** Commands of the manager that empty its cache, as their words after the program (`clean`). */
  emptiers?: string[];
}

/** Options, single letters and settings that switch a behaviour on. */
export interface Switches {
  options: string[];
  letters?: string[];
  settings?: Settings;
}

/** Settings passed as `FLAG NAME=VALUE` or `FLAG=NAME=VALUE`; names match in any case. */
export interface Settings {
  flags: string[];
  names: string[];
}

/** Values that turn a setting off. */
const OFF = /^(false|no|off|0|none|)$/i;

/** `npm_config_*` is read in any case; these are the spellings written. */
const npmVariables = (keys: string[]) =>
  keys.flatMap((key) => {
    const name = `npm_config_${key.replace(/-/g, '_')}`;
    return [name, name.toUpperCase()];
  });

/**
 * npm and npx (which is `npm exec`): `--offline` installs only from the
 * cache, `--prefer-offline` (and `--cache-min`, its old spelling) takes
 * what the cache holds before asking the registry, which picks the versions.
 */
export const NPM_OFFLINE: OfflineRule = {
  programs: /^(npm|npx)$/,
  options: ['--offline', '--prefer-offline', '--cache-min'],
  variables: npmVariables(['offline', 'prefer-offline', 'cache-min']),
  configKeys: ['offline', 'prefer-offline', 'cache-min'],
  lookups: ['cache ls', 'cache verify', 'cache npx ls', 'cache npx info'],
  fillers: ['cache add'],
  emptiers: ['cache clean', 'cache clear', 'cache rm'],
  networkFree: new Set([
    ...['run', 'run-script', 'test', 'start', 'stop', 'restart', 'config', 'get', 'set'],
    ...['prefix', 'root', 'bin', 'ls', 'list', 'help', 'cache', 'version', 'pkg', 'rebuild'],
    ...['uninstall', 'remove', 'rm', 'prune', 'explain', 'why', 'query'],
  ]),
};

/**
 * yum, dnf and microdnf share one family of caches: `yum` is dnf from RHEL 8
 * on. `-C` (`--cacheonly`, `cacheonly` as a setting) runs from the cached
 * metadata and packages only; yum-utils' `repoquery` takes `-C` (`--cache`)
 * too. `--downloadonly` only fills the cache.
 */
export const RPM_OFFLINE: OfflineRule = {
  programs: /^(yum|dnf|dnf-3|dnf5|microdnf|repoquery|yumdownloader)$/,
  options: ['--cacheonly', '--cache'],
  letters: ['C'],
  settings: { flags: ['--setopt'], names: ['cacheonly'] },
  networkFree: new Set(['clean', 'remove', 'erase', 'autoremove', 'history', 'help', 'version']),
  downloadOnly: { options: ['--downloadonly'] },
  fillers: ['makecache'],
  emptiers: ['clean'],
};

/**
 * zypper: `--no-refresh` uses the cached metadata without refreshing it (a
 * repository not cached is skipped). `--download-only` (`-d`, `--download
 * only`) only fills `/var/cache/zypp/packages`. zypper's `-C` is
 * `--cache-dir`, not an offline switch.
 */
export const ZYPPER_OFFLINE: OfflineRule = {
  programs: /^zypper$/,
  options: ['--no-refresh'],
  networkFree: new Set([
    ...['clean', 'cc', 'remove', 'rm', 'repos', 'lr', 'addrepo', 'ar', 'removerepo', 'rr'],
    ...['locks', 'll', 'addlock', 'al', 'removelock', 'rl', 'help'],
  ]),
  downloadOnly: { options: ['--download-only', '--download=only'], letters: ['d'] },
  fillers: ['refresh', 'ref'],
  emptiers: ['clean', 'cc'],
};

/**
 * conda, mamba and micromamba: `--offline` (`CONDA_OFFLINE`, `MAMBA_OFFLINE`,
 * `offline` in `.condarc`) installs from the package cache only, and
 * `--use-index-cache` (`-C`) solves against the cached channel index however
 * old. `--download-only` only fills the package cache.
 */
export const CONDA_OFFLINE: OfflineRule = {
  programs: /^(conda|mamba|micromamba)$/,
  options: ['--offline', '--use-index-cache'],
  letters: ['C'],
  variables: ['CONDA_OFFLINE', 'MAMBA_OFFLINE', 'CONDA_USE_INDEX_CACHE'],
  configKeys: ['offline', 'use_index_cache'],
  networkFree: new Set(['clean', 'list', 'config', 'info', 'run', 'activate', 'deactivate']),
  downloadOnly: { options: ['--download-only'] },
};

/**
 * Composer has no offline option: `COMPOSER_DISABLE_NETWORK` (any value but
 * `0`) makes it install from its cache only. `install --download-only` only
 * fills the cache.
 */
export const COMPOSER_OFFLINE: OfflineRule = {
  programs: /^(composer|composer\.phar)$/,
  options: [],
  variables: ['COMPOSER_DISABLE_NETWORK'],
  networkFree: new Set([
    ...['dump-autoload', 'dumpautoload', 'run-script', 'run', 'config', 'validate', 'list'],
    ...['help', 'exec', 'check-platform-reqs', 'licenses', 'status', 'show', 'depends', 'why'],
    ...['prohibits', 'why-not', 'about', 'clear-cache', 'clearcache'],
  ]),
  downloadOnly: { options: ['--download-only'] },
};

/**
 * pip has no option that needs its cache: `--no-index` reads what
 * `--find-links` names, never the HTTP or wheel cache. Without a network,
 * though, an install can still be served from the HTTP cache.
 */
export const PIP_OFFLINE: OfflineRule = {
  programs: /^pip(\d+(\.\d+)?)?$/,
  module: 'pip',
  options: [],
  lookups: ['cache list', 'cache dir', 'cache info'],
  networkFree: new Set(['uninstall', 'freeze', 'list', 'show', 'check', 'config', 'help']),
};

/**
 * go has no option that runs it from its module cache alone: `-mod=vendor`
 * reads `vendor/` instead, and `-mod=mod` still downloads what is missing.
 * `GOPROXY=off` does, but any later go command keeps the Go caches in any
 * case (see clean-go-cache), so what is left is a `RUN --network=none`.
 */
export const GO_OFFLINE: OfflineRule = {
  programs: /^go$/,
  options: [],
  networkFree: new Set(['version', 'env', 'help', 'clean', 'bug', 'telemetry']),
};

/**
 * apk: `--no-network` installs from the index and packages in its cache
 * only. (Its commands that read the stored index in any case are
 * apk-no-cache's own check.)
 */
export const APK_OFFLINE: OfflineRule = {
  programs: /^apk$/,
  options: ['--no-network'],
  networkFree: new Set(['del', 'audit', 'stats']),
  fillers: ['update'],
  emptiers: ['cache clean', 'cache purge'],
};

/**
 * apt: `--no-download` installs only the packages in `/var/cache/apt/archives`
 * (with the package lists). Any apt command that reads the lists is already
 * clean-apt-lists' own check.
 */
export const APT_OFFLINE: OfflineRule = {
  programs: /^(apt|apt-get|apt-cache|aptitude)$/,
  options: ['--no-download'],
  networkFree: new Set(['update', 'clean', 'autoclean', 'remove', 'purge', 'autoremove']),
};

/**
 * What reads the package lists offline: an install without a network, even
 * after an `apt-get update` of its own, which then cannot replace them.
 * `--no-download` reads the lists only where clean-apt-lists' own check
 * sees an install without `update` read them anyway; what it needs beyond
 * them is in `/var/cache/apt`, which the lists cleanup keeps.
 */
export const APT_LISTS_OFFLINE: OfflineRule = {
  ...APT_OFFLINE,
  options: [],
  fillers: ['update'],
  emptiers: ['dist-clean'],
};

/**
 * `apt-get install --download-only` (`-d`) leaves packages in
 * `/var/cache/apt/archives` for a later install. Not part of `APT`: removing
 * the package lists keeps them; only a cache mount there takes them away.
 */
export const APT_DOWNLOAD_ONLY: Switches = {
  options: ['--download-only'],
  letters: ['d'],
  settings: { flags: ['-o', '--option'], names: ['APT::Get::Download-Only'] },
};

/** The words after the program (after `-m pip` for `python -m pip`), or null for another program. */
export function managerArgs(command: ShellCommand, rule: OfflineRule): Word[] | null {
  const program = programOf(command.name);
  if (rule.programs.test(program)) return command.args;
  if (!rule.module || !/^python(\d+(\.\d+)?)?$/.test(program)) return null;
  const at = command.args.findIndex((w) => w.text === '-m');
  return at !== -1 && command.args[at + 1]?.text === rule.module
    ? command.args.slice(at + 2)
    : null;
}

/**
 * The words of `rule.lookups` that a command of the manager, given its
 * words, starts with (options aside), or null.
 */
export function cacheLookup(args: Word[], rule: OfflineRule): string | null {
  return leadingWords(args, rule.lookups ?? []);
}

/**
 * The entry of `list` (words such as `cache add`) that a command's words
 * after the program start with, options left out, or null.
 */
export function leadingWords(args: Word[], list: string[]): string | null {
  const words = args
    .map((w) => w.text)
    .filter((w) => !w.startsWith('-'))
    .join(' ');
  return list.find((l) => words === l || words.startsWith(`${l} `)) ?? null;
}

/** True when a command of the manager, given its words, reaches neither the network nor the cache. */
export function networkFree(args: Word[], rule: OfflineRule): boolean {
  const sub = firstOperand(args)?.text;
  return sub === undefined || rule.networkFree.has(sub);
}

/** The option, letter or setting of `switches` that `args` turn on, as written, or null. */
export function switchedOn(args: Word[], switches: Switches): string | null {
  const words = args.map((w) => w.text);
  for (const [i, word] of words.entries()) {
    for (const option of switches.options) {
      const [name, wanted] = option.split('=');
      if (word.startsWith(`${name}=`)) {
        const given = word.slice(name.length + 1);
        if (wanted !== undefined ? given === wanted : !OFF.test(given)) return word;
      } else if (word === name && (wanted === undefined || words[i + 1] === wanted)) {
        return wanted === undefined ? word : `${word} ${wanted}`;
      }
    }
    const letter = /^-[A-Za-z]+$/.test(word)
      ? switches.letters?.find((l) => word.includes(l))
      : undefined;
    if (letter) return `-${letter}`;
    const setting = switches.settings && settingIn(words, i, switches.settings);
    if (setting) return setting;
  }
  return null;
}

/** The `FLAG NAME=VALUE` at `i` that turns one of `settings` on, as written, or null. */
function settingIn(words: string[], i: number, settings: Settings): string | null {
  const word = words[i];
  const flag = settings.flags.find((f) => word === f || word.startsWith(`${f}=`));
  const glued = settings.flags.find((f) => /^-[a-z]$/.test(f) && word.startsWith(f));
  const text =
    flag && word === flag
      ? words[i + 1]
      : flag
        ? word.slice(flag.length + 1)
        : glued
          ? word.slice(glued.length)
          : undefined;
  if (text === undefined) return null;
  const [name, ...value] = text.split('=');
  const known = settings.names.some((n) => n.toLowerCase() === name.toLowerCase());
  return known && !OFF.test(value.join('=')) ? `${flag ?? glued} ${text}` : null;
}

/** True when the value an ENV, ARG or config command gives a setting turns it on. */
export function turnsOn(value: string | null): boolean {
  return value === null || !OFF.test(value.trim());
}

/** What a `config set` command writes: its key, its value, and its words up to the key. */
export interface ConfigSetting {
  key: string;
  value: string | null;
  /** `config set offline`, for a message. */
  text: string;
}

/**
 * What a `npm config set KEY VALUE` (`npm set KEY=VALUE`, `conda config
 * --set KEY VALUE`) writes, or null for another command.
 */
export function configSetting(args: Word[]): ConfigSetting | null {
  const words = args.map((w) => w.text).filter((w) => !/^-/.test(w) || w === '--set');
  const at =
    words[0] === 'set'
      ? 0
      : (words[0] === 'config' || words[0] === 'c') && ['set', '--set'].includes(words[1])
        ? 1
        : -1;
  if (at === -1 || words[at + 1] === undefined) return null;
  const [key, ...value] = words[at + 1].split('=');
  return {
    key,
    value: value.length > 0 ? value.join('=') : (words[at + 2] ?? null),
    text: [...words.slice(0, at + 1), key].join(' '),
  };
}

/** How a command runs the manager, for a message: `npm`, `python3 -m pip`. */
export function programWords(command: ShellCommand, rule: OfflineRule): string {
  const program = programOf(command.name);
  return rule.programs.test(program) ? program : `${program} -m ${rule.module}`;
}

/** The program and subcommand of a command, for a message: `npm install`, `python -m pip install`. */
export function commandWords(command: ShellCommand, rule: OfflineRule): string {
  const sub = firstOperand(managerArgs(command, rule) ?? [])?.text;
  return sub ? `${programWords(command, rule)} ${sub}` : programWords(command, rule);
}

/** How a limitation names a list of code: `` `a` ``, `` `a` or `b` ``, `` `a`, `b` or `c` ``. */
function either(items: string[]): string {
  return orList(items.map((i) => `\`${i}\``));
}

/** The limitation a cache transform states for the offline readers of `rule`, naming `tools`. */
export function offlineLimitation(tools: string[], rule: OfflineRule): string {
  const switches = [
    ...rule.options,
    ...(rule.letters ?? []).map((l) => `-${l}`),
    ...(rule.settings?.names ?? []).map((n) => `${rule.settings!.flags[0]} ${n}=...`),
  ];
  const ways = [
    ...(switches.length > 0 ? [`is given ${either(switches)}`] : []),
    ...(rule.variables
      ? [`has ${either(rule.variables)} set (by an ENV or ARG before it, or in its RUN)`]
      : []),
    ...(rule.configKeys
      ? [
          `follows a \`config set\` of ${either(rule.configKeys)} (in its RUN or an earlier one of its stages)`,
        ]
      : []),
    'is in a `RUN --network=none`',
  ];
  const free = [...rule.networkFree]
    .slice(0, 3)
    .map((sub) => `\`${sub}\``)
    .join(', ');
  const download = rule.downloadOnly
    ? ` A RUN with an install that only downloads packages into the cache (${either([
        ...rule.downloadOnly.options,
        ...(rule.downloadOnly.letters ?? []).map((l) => `-${l}`),
      ])}), for a later step to install, is left alone too.`
    : '';
  const how =
    ways.length > 2
      ? `${ways.slice(0, -1).join('; ')}; or ${ways[ways.length - 1]}`
      : ways.join(' or ');
  const lookups = rule.lookups
    ? ` So is one when such a command looks into the cache itself (${either(
        rule.lookups.map((l) => `${tools[0]} ${l}`),
      )}).`
    : '';
  return `A RUN is left alone when a command of ${either(tools)} that runs from the cache rather than the network would find it gone: one in a later RUN that sees its layer, or, when the change is to the install itself, that install or a command after it. Such a command ${how}. Subcommands that reach neither the network nor the cache (such as ${free}) never count.${download}${lookups} A command behind a wrapper (\`sudo\`, \`env\`, \`gosu\`, \`runuser -u\`, \`setpriv\`, \`unshare\`, \`flock\`, \`busybox\`, \`nice\`, \`timeout\`, \`xargs\` and the like) or in the script of a \`sh -c\` or \`su -c\` counts as any other, variables \`env\` sets for it too. A setting in a configuration file or in the base image's environment, and a command run by a script file or a package script, are not seen.`;
}

/** What the transforms that mount a cache state about an install that runs from it. */
export const OFFLINE_MOUNT_LIMITATION =
  'With `caches: mount`, a RUN with a command of its own that runs from the cache rather than the network gets the cleanup instead of the mount: the mount would hide the cache the image has while the RUN runs.';

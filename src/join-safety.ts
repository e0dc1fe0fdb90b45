/**
 * Whether the next RUN can join a chain of RUNs (see `run-chain`) without
 * changing what either does: what stands between them, and which state the
 * chain leaves behind (a working directory, a function, a shell option, a
 * trap) would reach the next RUN's commands once they share one shell, and
 * so must stay inside a subshell. Used by `merge-runs`.
 */
import { isPosixShell, type DockerDocument, type InstructionInfo, type Span } from './document';
import { errexitAndProblem, errexitOrigin, settingName } from './errexit';
import { differingFlagSpans, flagDifference, gapBetween, scriptTail } from './join';
import { chainScript, type Chain, type JoinShape, type Wrap } from './run-chain';
import { MAX_DEPTH } from './shell';
import { firstOperand, listCommands, type ShellCommand } from './shell-commands';
import { analyzeScript, type Leak, type ScriptFacts } from './shell-effects';
import { shellOptionSetting, startupCode } from './stage-paths';
import { programOf } from './wrappers';

/** Options that only write to stderr, which is the build log unless redirected. */
const TRACE_OPTIONS = new Set(['x', 'v', 'xtrace', 'verbose']);

/** Names that make bash export its options once they are in the environment. */
const OPTION_EXPORTS = /\b(SHELLOPTS|BASHOPTS)\b/;

/** What decides whether an option the chain changes reaches the next RUN. */
interface OptionReach {
  /** Turning an option off differs from how the next RUN's shell starts. */
  optionsAtStart: boolean;
  /** bash exports its options (`SHELLOPTS`, `BASHOPTS`), so every program the next RUN starts sees them. */
  exported: boolean;
  /** Startup code runs first (`BASH_ENV`, profile files), which may define functions. */
  startupFunctions: boolean;
}

/**
 * The next RUN stays apart, and why (with the text the reason rests on, when
 * that is not the whole RUN: see `Finding.subject`); or it joins the chain in
 * the shape given.
 */
export type JoinVerdict = ({ join: false } & Barrier) | ({ join: true } & JoinShape);

/** Why two RUNs stay apart, and the text that reason rests on when it is not the whole RUN. */
interface Barrier {
  reason: string;
  subject?: Span[];
}

/**
 * Whether `next` can join the chain, and how: apart when something stands
 * between them or either script cannot be read, or when state the chain
 * leaves (a directory, a function, a shell option, a trap) would reach
 * `next` and no subshell may contain it because errexit is on; otherwise
 * joined, with the part of the chain that state must be contained in.
 */
export function judgeJoin(doc: DockerDocument, chain: Chain, next: InstructionInfo): JoinVerdict {
  const previous = chain.last;
  const barrier = findBarrier(doc, previous, next);
  if (barrier) return { join: false, ...barrier };

  const before = analyzeScript(chainScript(chain));
  const after = analyzeScript(next.body.text);
  if (before.tooDeep || after.tooDeep) {
    return {
      join: false,
      reason: `one of the two scripts nests deeper than the ${MAX_DEPTH} levels dslim reads (a chain of about ${MAX_DEPTH} commands), so their meaning once joined is not worked out`,
    };
  }
  if (!before.readable || !after.readable) {
    return {
      join: false,
      reason:
        'the shell parser cannot read one of the two scripts, so their meaning once joined is unknown',
    };
  }
  if (before.background) {
    return {
      join: false,
      reason:
        'the RUN before starts a background job (`&`), which would keep running during this one',
    };
  }
  if (after.background) {
    return {
      join: false,
      reason:
        'this RUN starts a background job (`&`), and dslim joins no RUN that does: a `&` that ends a script joined after `&&` sends the RUNs before it to the background too',
    };
  }
  const replaced = replacedProgram(chainScript(chain), next.body.text);
  if (replaced) return { join: false, reason: replaced };
  if (scriptTail(doc, previous, analyzeScript(previous.body.text)).commentRunsOn) {
    return {
      join: false,
      reason:
        'a shell comment in the RUN before runs over a line continuation, so text added after it would be commented out',
    };
  }

  // bash ignores an ERR trap where it ignores errexit: in all that `&&` follows.
  if (before.errTrap) {
    return {
      join: false,
      reason: `the RUN before sets a trap that runs ${before.errTrap.when} (\`${before.errTrap.source}\`), which bash no longer runs for failures inside what \`&&\` follows, a subshell too`,
    };
  }
  // errexit is ignored inside anything that is followed by `&&`, so a chain
  // that turns it on anywhere can neither be wrapped nor end in something
  // that runs several commands (a compound, a function, `eval`).
  const setting = shellOptionSetting(doc, next);
  const startup = startupCode(doc, next);
  const errexit = errexitOrigin(doc, next, before);
  // Turning an option off returns to how the shell starts, unless the SHELL,
  // the environment or a startup file turned it on there.
  const reach: OptionReach = {
    optionsAtStart: next.shell.length > 2 || setting !== null || startup !== null,
    // A RUN that exports `SHELLOPTS` itself hands on what the chain set.
    exported: setting !== null || OPTION_EXPORTS.test(next.body.text),
    startupFunctions: startup !== null,
  };
  const reaches = (text: string) =>
    analyzeScript(text).leaks.filter((leak) => leakReaches(leak, after, reach));
  const leaks = reaches(chain.tail);
  const prefixLeaks = chain.prefix ? reaches(chain.prefix) : [];
  const wrap: Wrap = prefixLeaks.length > 0 ? 'chain' : leaks.length > 0 ? 'last' : 'none';
  if (wrap !== 'none' && errexit) {
    const all = [...prefixLeaks, ...leaks];
    const exported =
      setting && all.some((leak) => leak.kind === 'option')
        ? ` (bash hands its options on to every program this RUN starts, since ${settingName(setting)} puts \`${setting.name}\` in the environment)`
        : '';
    return {
      join: false,
      reason: `${quoteList(all.map((l) => l.source))} would carry over into this RUN${exported}, and the subshell that could contain it would switch off the errexit (\`set -e\`) that ${errexit.words}`,
    };
  }
  const broken = errexitAndProblem(doc, next, before, errexit);
  if (broken) return { join: false, reason: `the RUN before ${broken}` };
  const groupNext = !after.andChainOnly;
  if (groupNext && after.trailingComment) {
    return {
      join: false,
      reason: 'this RUN has several commands and ends in a shell comment, so it cannot be grouped',
    };
  }
  return { join: true, wrap, groupNext, leaks: [...prefixLeaks, ...leaks] };
}

/** Why two RUNs can never be joined, whatever their scripts do. */
function findBarrier(doc: DockerDocument, a: InstructionInfo, b: InstructionInfo): Barrier | null {
  const apart = (reason: string): Barrier => ({ reason });
  if (a.opaque || b.opaque)
    return apart('a heredoc (or text the parser may have misread as one) is never joined');
  if (a.execForm || b.execForm)
    return apart('an exec-form (JSON) RUN runs without a shell, so it cannot be joined with `&&`');
  if (!isPosixShell(b.shell))
    return apart(`the SHELL is \`${b.shell.join(' ')}\`, not a POSIX shell`);
  if (flagText(a) !== flagText(b)) {
    const reason = `the two RUNs have different flags: ${flagDifference(a, b)}`;
    return { reason, subject: differingFlagSpans(doc, a, b) };
  }
  if (b.body.text.trim() === '' || a.body.text.trim() === '')
    return apart('one of the RUNs has no command');
  const pragma = gapBetween(doc, a, b).pragma;
  if (pragma) return apart(`the directive comment \`${pragma}\` stands between them`);
  const lastLine = doc.lineText(doc.lineAt(a.span.end));
  if (lastLine.trimEnd().endsWith(doc.escape))
    return apart('the RUN before ends in a line continuation');
  return null;
}

function flagText(run: InstructionInfo): string {
  return run.flags.map((f) => f.toString()).join(' ');
}

/** Whether state left by the chain would change what `next` does. */
function leakReaches(leak: Leak, next: ScriptFacts, reach: OptionReach): boolean {
  switch (leak.kind) {
    case 'cwd':
      return !next.startsWithAbsoluteCd;
    case 'function':
      return (
        next.runsUnseen ||
        next.listsFunctions ||
        (leak.names ?? []).some((name) => next.functionNames.includes(name))
      );
    case 'option':
      return (leak.options ?? []).some((option) => optionReaches(option, next, reach));
    default:
      return true;
  }
}

/**
 * Whether an option the chain turns on (or off: `!e`) would change what
 * `next` does. An exported option reaches every program `next` starts, and
 * any option reaches code `next` runs but does not show (`eval`, `.`, a
 * trap); past that, each option matters only to some commands.
 */
function optionReaches(option: string, next: ScriptFacts, reach: OptionReach): boolean {
  const off = option.startsWith('!');
  const name = off ? option.slice(1) : option;
  if (reach.exported && name !== '--') return true;
  if (off) return reach.optionsAtStart;
  if (next.runsUnseen) return true;
  if (TRACE_OPTIONS.has(name)) return next.redirectsStderr;
  switch (name) {
    case 'e':
    case 'errexit':
      // One command obeys errexit alike, unless it is a function startup code defines.
      return !next.flat || (reach.startupFunctions && next.lastUnknownNames.length > 0);
    case 'u':
    case 'nounset':
      return next.usesExpansion;
    case '--':
      return next.usesExpansion || next.usesPositional;
    case 'pipefail':
      return next.hasPipeline;
    case 'f':
    case 'noglob':
      return next.hasGlob;
    case 'C':
    case 'noclobber':
      return next.hasOutputRedirect;
    case 'E':
    case 'errtrace':
      return next.commands.includes('trap');
    default:
      return true;
  }
}

/** Up to three items, each in backticks, then how many more: for a message. */
export function quoteList(items: string[]): string {
  const all = [...new Set(items)].map((item) => `\`${item}\``);
  const shown = all.length > 3 ? [...all.slice(0, 3), `${all.length - 3} more`] : all;
  if (shown.length === 1) return shown[0];
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/**
 * Package managers whose install may put a new program on PATH, by the
 * subcommands that install.
 */
const INSTALLS: Record<string, string[]> = {
  pip: ['install'],
  npm: ['install', 'i', 'add', 'update'],
  yarn: ['add'],
  pnpm: ['add', 'install', 'i'],
  gem: ['install', 'update'],
  'apt-get': ['install'],
  apt: ['install'],
  apk: ['add'],
  yum: ['install', 'update', 'upgrade'],
  dnf: ['install', 'update', 'upgrade'],
  conda: ['install', 'update'],
  cargo: ['install'],
  go: ['install'],
};

/**
 * Why the next RUN would run another program once joined: the chain runs a
 * program by its bare name, then installs a package of that very name
 * (`pip install --upgrade pip`), and the next RUN runs the name again. A
 * shell remembers where it found each program, so in one shell the next
 * RUN's `pip` is the one found first, not the new one a fresh shell finds
 * earlier on PATH. Null when no such name is run after its install.
 */
function replacedProgram(before: string, after: string): string | null {
  const firstRun = new Map<string, ShellCommand>();
  const replaced = new Map<string, ShellCommand>();
  for (const command of listCommands(before)) {
    const name = command.name;
    if (!name.includes('/') && !firstRun.has(name)) firstRun.set(name, command);
    const manager = programOf(name).replace(/^(pip|python)[\d.]*$/, '$1');
    const subcommand = firstOperand(command.args)?.text ?? '';
    if (!INSTALLS[manager]?.includes(subcommand)) continue;
    for (const word of command.args) {
      const package_ = word.text.replace(/[@<>=!~[].*$/, '');
      if (firstRun.has(package_)) replaced.set(package_, command);
    }
  }
  const again = listCommands(after).find((c) => replaced.has(c.name));
  if (!again) return null;
  const name = again.name;
  const words = (c: ShellCommand) => `\`${[c.name, ...c.args.map((w) => w.text)].join(' ')}\``;
  const install = replaced.get(name)!;
  const first = firstRun.get(name)!;
  const runs = first === install ? words(install) : `\`${name}\` and then ${words(install)}`;
  return `the RUN before runs ${runs}, which may put a new \`${name}\` on PATH: in one shell this RUN's \`${name}\` would be the one the shell found first and remembers, not the one a new shell finds`;
}

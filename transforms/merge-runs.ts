import { isPosixShell, type DockerDocument, type InstructionInfo } from '../src/document';
import { errexitAndProblem, errexitOrigin, settingName } from '../src/errexit';
import { continuationStyle, flagDifference, gapBetween, joinEdit, scriptTail } from '../src/join';
import { lineRef } from '../src/line-ref';
import { MAX_DEPTH } from '../src/shell';
import { analyzeScript, type Leak, type ScriptFacts } from '../src/shell-effects';
import { shellOptionSetting, startupCode } from '../src/stage-paths';
import type { Edit, Reporter, Transform } from '../src/types';

/**
 * RUNs joined in one round. Each join reads the chain so far again, so the
 * cost grows with the square of its length; the next round joins the
 * joined RUNs, so a longer run of RUNs still ends up as one.
 */
const MAX_CHAIN = 40;

/** Options that only write to stderr, which is the build log unless redirected. */
const TRACE_OPTIONS = new Set(['x', 'v', 'xtrace', 'verbose']);

/** Names that make bash export its options once they are in the environment. */
const OPTION_EXPORTS = /\b(SHELLOPTS|BASHOPTS)\b/;

/** The chain of RUNs merged so far, as one script. */
interface Chain {
  first: InstructionInfo;
  last: InstructionInfo;
  /** The script of the RUNs before the last one, as joined so far ('' if none). */
  prefix: string;
  /** The last RUN's script as it stands in the chain (grouped or not). */
  tail: string;
  /** `(` to insert before the first RUN's script. */
  opens: number;
  /** The last RUN's script was grouped in `( … )`: its `)` is still owed. */
  lastGrouped: boolean;
  /** The edit that joined the last RUN, where a `(` for it can still go. */
  lastJoin: Edit | null;
  edits: Edit[];
  /** Commands put in a subshell so their state does not carry over. */
  contained: Set<string>;
  count: number;
}

/** Which part of the chain a subshell must contain, if any. */
type Wrap = 'none' | 'last' | 'chain';

/** What decides whether an option the chain changes reaches the next RUN. */
interface OptionReach {
  /** Turning an option off differs from how the next RUN's shell starts. */
  optionsAtStart: boolean;
  /** bash exports its options (`SHELLOPTS`, `BASHOPTS`), so every program the next RUN starts sees them. */
  exported: boolean;
  /** Startup code runs first (`BASH_ENV`, profile files), which may define functions. */
  startupFunctions: boolean;
}

type Verdict =
  { join: false; reason: string } | { join: true; wrap: Wrap; groupNext: boolean; leaks: Leak[] };

const mergeRuns: Transform = {
  id: 'merge-runs',
  title: 'Join consecutive RUN instructions',
  rationale:
    'Every RUN adds a layer, and a file one layer writes still costs its full size when a later layer deletes it. One RUN per step keeps those files; one joined RUN does not.',
  safety: 'layout',
  messages: {
    joined:
      'Joins {count} `RUN` instructions into one: one layer instead of {count}, so files a later command deletes never reach a layer.{details}',
    refused: 'Leaves this `RUN` apart from the one before: {reason}.',
  },
  options: {},
  limitations: [
    'Only RUNs with nothing but comments and blank lines between them are joined; an ENV, ARG, WORKDIR or any other instruction between them is a barrier.',
    'A blank line between two joined instructions is dropped: inside one instruction it would be an empty continuation line, which BuildKit warns about and means to reject. Comments between them stay.',
    'Consecutive `ONBUILD RUN` triggers are left apart, with a note: they run in the images built on the stage, and dslim does not join them.',
    'A script whose state would leak (cd, variables, traps, shell options) is wrapped in a subshell; when errexit is on (`set -e`, also behind `eval`, `command` or `builtin`, the SHELL, or `SHELLOPTS` from an ENV or ARG) or may be (a `.`/`source`d file, `eval` of text that is not literal, the file `BASH_ENV` names, the profile or rc files of a SHELL run with `-l`, `--login` or `-i`, or the `.zshenv` of zsh), the pair is left apart, because errexit does not apply inside a subshell followed by `&&`.',
    'When errexit is on or may be, the RUN before must not end in something that runs several commands, because the shell ignores errexit in all of it once `&&` follows: a compound command, a substitution holding several commands, a call of a function the script defines, `eval`, `.` or `source` (also behind `command` or `builtin`, while `command NAME` runs no function). Its end is the last command of its last `&&`/`||` list, every part of a pipeline there included; a negated one (`!`) never obeyed errexit. Any other name without a `/` may be a function once the script runs code it does not show (a `.`d file, `eval` of text that is not literal, a command named by a variable); startup files (`BASH_ENV`, profile files) count as defining functions only while errexit is surely on, since that they turn it on is itself a guess, so `bash --login -c` RUNs that end in `conda …` are still joined.',
    'A shell option counts as leaking when the next RUN could notice it: errexit when it runs more than one command or, after startup files, a name they may define as a function, xtrace and verbose when it redirects stderr, nounset when it reads a variable, and any option when it runs code its text does not show (`eval`, `.`, `source`, a trap, a command named by a variable). A command name with a `/` in it is taken for a program, not a function or builtin.',
    '`set` or `shopt -o` with option words that cannot be read before it runs (`set $FLAGS`, `set -$x`, `set -o $name`, a glob or a brace expansion) counts as perhaps turning errexit on and as changing any option; words after `--`, or after the first word that is not an option, only set positional parameters.',
    "A trap on EXIT in the RUN before is contained by the subshell, where it runs at the subshell's end, as it ran at the end of its RUN; under errexit, where no subshell may contain it, the pair stays apart. A trap on ERR, or on signal words that cannot be read, anywhere in the RUN before keeps the pair apart: bash ignores it where it ignores errexit, in all that `&&` follows.",
    'Once `SHELLOPTS` or `BASHOPTS` is in the environment (from an ENV or ARG, or named by the next RUN), bash exports every option change, so any option the RUN before changes counts as reaching the next, whatever it runs.',
    '`ENV ENV=…` is not a reason to keep RUNs apart: dash, busybox and bash read it only when interactive. A startup file (`BASH_ENV`, profile files) runs once for the joined RUN instead of once for each.',
    "`SHELLOPTS` and `BASHOPTS` count for every SHELL, since `/bin/sh` is bash in some images; the base image's own environment is not known, so a base image that sets them is not seen.",
    'Windows images and RUNs under a SHELL that is not a POSIX shell are never joined.',
  ],
  run(doc, report) {
    for (const stage of doc.stages) {
      let chain: Chain | null = null;
      let previous: InstructionInfo | null = null;
      for (const instruction of stage.instructions) {
        if (previous && runTrigger(doc, previous) && runTrigger(doc, instruction))
          report.note(instruction.span.start, 'refused', { reason: TRIGGERS });
        const adjacent = previous?.keyword === 'RUN' && instruction.keyword === 'RUN';
        const full = chain !== null && chain.count >= MAX_CHAIN;
        const verdict = adjacent && chain && !full ? judge(doc, chain, instruction) : null;
        if (verdict?.join && chain) {
          extend(doc, chain, instruction, verdict);
        } else {
          if (verdict && !verdict.join)
            report.note(instruction.span.start, 'refused', { reason: verdict.reason });
          finish(doc, chain, report);
          chain = instruction.keyword === 'RUN' ? start(instruction) : null;
        }
        previous = instruction;
      }
      finish(doc, chain, report);
    }
  },
};

export default mergeRuns;

const TRIGGERS =
  'both are `ONBUILD RUN` triggers, which run later, in each image built on this stage, and dslim does not join triggers';

/** True for an `ONBUILD RUN`. */
function runTrigger(doc: DockerDocument, instruction: InstructionInfo): boolean {
  return doc.trigger(instruction)?.keyword === 'RUN';
}

function start(run: InstructionInfo): Chain {
  return {
    first: run,
    last: run,
    prefix: '',
    tail: run.body.text,
    opens: 0,
    lastGrouped: false,
    lastJoin: null,
    edits: [],
    contained: new Set(),
    count: 1,
  };
}

function script(chain: Chain): string {
  return chain.prefix ? `${chain.prefix} && ${chain.tail}` : chain.tail;
}

function finish(doc: DockerDocument, chain: Chain | null, report: Reporter): void {
  if (!chain || chain.count < 2) return;
  const edits = [...chain.edits];
  if (chain.opens > 0) {
    const at = chain.first.bodyStart;
    edits.unshift({ start: at, end: at, text: '( '.repeat(chain.opens) });
  }
  if (chain.lastGrouped) {
    const end = scriptTail(doc, chain.last, analyzeScript(chain.last.body.text)).cut;
    edits.push({ start: end, end, text: ' )' });
  }
  const sources = [...chain.contained];
  const details =
    sources.length > 0
      ? ` State that would carry over (${quoteList(sources)}) stays inside a subshell.`
      : '';
  report.change(chain.first.span.start, 'joined', { count: chain.count, details }, edits);
}

/** Decides whether `next` can join the chain, and how. */
function judge(doc: DockerDocument, chain: Chain, next: InstructionInfo): Verdict {
  const previous = chain.last;
  const barrier = findBarrier(doc, previous, next);
  if (barrier) return { join: false, reason: barrier };

  const before = analyzeScript(script(chain));
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

function findBarrier(doc: DockerDocument, a: InstructionInfo, b: InstructionInfo): string | null {
  if (a.opaque || b.opaque)
    return 'a heredoc (or text the parser may have misread as one) is never joined';
  if (a.execForm || b.execForm)
    return 'an exec-form (JSON) RUN runs without a shell, so it cannot be joined with `&&`';
  if (!isPosixShell(b.shell)) return `the SHELL is \`${b.shell.join(' ')}\`, not a POSIX shell`;
  if (flagText(a) !== flagText(b))
    return `the two RUNs have different flags: ${flagDifference(a, b)}`;
  if (b.body.text.trim() === '' || a.body.text.trim() === '')
    return 'one of the RUNs has no command';
  const pragma = gapBetween(doc, a, b).pragma;
  if (pragma) return `the directive comment \`${pragma}\` stands between them`;
  const lastLine = doc.lineText(doc.lineAt(a.span.end));
  if (lastLine.trimEnd().endsWith(doc.escape)) return 'the RUN before ends in a line continuation';
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
      return next.runsUnseen || (leak.names ?? []).some((name) => next.commands.includes(name));
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
    case '--':
      return next.usesExpansion;
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

function quoteList(items: string[]): string {
  const all = [...new Set(items)].map((item) => `\`${item}\``);
  const shown = all.length > 3 ? [...all.slice(0, 3), `${all.length - 3} more`] : all;
  if (shown.length === 1) return shown[0];
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

function extend(
  doc: DockerDocument,
  chain: Chain,
  next: InstructionInfo,
  verdict: Verdict & { join: true },
): void {
  const previous = chain.last;
  const tail = scriptTail(doc, previous, analyzeScript(previous.body.text));
  const style = continuationStyle(doc, previous);
  if (verdict.wrap === 'chain') chain.opens++;
  if (verdict.wrap === 'last') {
    if (chain.lastJoin) chain.lastJoin.text += '( ';
    else chain.opens++;
  }
  const closes = (chain.lastGrouped ? ' )' : '') + (verdict.wrap !== 'none' ? ' )' : '');
  const operator = style.leadingOperator ? '' : ' &&';
  const lead = (style.leadingOperator ? '&& ' : '') + (verdict.groupNext ? '( ' : '');
  const join = joinEdit(doc, previous, next, style, {
    cut: tail.cut,
    beforeBreak: closes + operator,
    movedComment: tail.comment,
    afterIndent: lead,
  });
  chain.edits.push(join);

  const code = (text: string) => text.slice(0, analyzeScript(text).codeEnd);
  if (verdict.wrap === 'chain') chain.prefix = `( ${code(script(chain))} )`;
  else if (verdict.wrap === 'last') chain.prefix = joined(chain.prefix, `( ${code(chain.tail)} )`);
  else chain.prefix = code(script(chain));
  const body = next.body.text;
  const end = analyzeScript(body).codeEnd;
  chain.tail = verdict.groupNext ? `( ${body.slice(0, end)} )${body.slice(end)}` : body;
  chain.lastGrouped = verdict.groupNext;
  chain.lastJoin = join;
  chain.last = next;
  chain.count++;
  for (const leak of verdict.leaks) chain.contained.add(leak.source);
}

function joined(prefix: string, part: string): string {
  return prefix ? `${prefix} && ${part}` : part;
}

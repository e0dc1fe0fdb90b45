import {
  isPosixShell,
  shellHasErrexit,
  type DockerDocument,
  type InstructionInfo,
} from '../src/document';
import { continuationStyle, gapBetween, joinEdit, scriptTail } from '../src/join';
import { analyzeScript, type Leak, type ScriptFacts } from '../src/shell-effects';
import type { Edit, Reporter, Transform } from '../src/types';

/** Options whose only effect is on what the build log shows. */
const LOG_ONLY_OPTIONS = new Set(['x', 'v', 'xtrace', 'verbose']);

/** The chain of RUNs merged so far, as one script. */
interface Chain {
  first: InstructionInfo;
  last: InstructionInfo;
  /** The joined script as the shell will read it. */
  script: string;
  /** `(` to insert before the first RUN's script. */
  opens: number;
  /** The last RUN's script was wrapped in `( … )`: its `)` is still owed. */
  lastGrouped: boolean;
  edits: Edit[];
  details: string[];
  count: number;
}

type Verdict =
  | { join: false; reason: string }
  | { join: true; wrapChain: boolean; groupNext: boolean; detail: string };

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
    'A script whose state would leak (cd, variables, traps) is wrapped in a subshell; when it also uses `set -e` the pair is left apart, because errexit does not apply inside a subshell followed by `&&`.',
    'Windows images and RUNs under a SHELL that is not a POSIX shell are never joined.',
  ],
  run(doc, report) {
    for (const stage of doc.stages) {
      let chain: Chain | null = null;
      let previous: InstructionInfo | null = null;
      for (const instruction of stage.instructions) {
        const adjacent = previous?.keyword === 'RUN' && instruction.keyword === 'RUN';
        const verdict = adjacent && chain ? judge(doc, chain, instruction) : null;
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

function start(run: InstructionInfo): Chain {
  return {
    first: run,
    last: run,
    script: run.body.text,
    opens: 0,
    lastGrouped: false,
    edits: [],
    details: [],
    count: 1,
  };
}

function finish(doc: DockerDocument, chain: Chain | null, report: Reporter): void {
  if (!chain || chain.count < 2) return;
  const edits = [...chain.edits];
  if (chain.opens > 0) {
    edits.unshift({
      start: chain.first.bodyStart,
      end: chain.first.bodyStart,
      text: '( '.repeat(chain.opens),
    });
  }
  if (chain.lastGrouped) {
    const end = scriptTail(doc, chain.last, analyzeScript(chain.last.body.text)).cut;
    edits.push({ start: end, end, text: ' )' });
  }
  const details = chain.details.length > 0 ? ` ${chain.details.join(' ')}` : '';
  report.change(chain.first.span.start, 'joined', { count: chain.count, details }, edits);
}

/** Decides whether `next` can join the chain, and how. */
function judge(doc: DockerDocument, chain: Chain, next: InstructionInfo): Verdict {
  const previous = chain.last;
  const barrier = findBarrier(doc, previous, next);
  if (barrier) return { join: false, reason: barrier };

  const before = analyzeScript(chain.script);
  const after = analyzeScript(next.body.text);
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

  const errexit = before.errexit || shellHasErrexit(next.shell);
  const leaks = before.leaks.filter((leak) => leakReaches(leak, after, next.shell));
  const wrapChain = leaks.length > 0;
  if (wrapChain && errexit) {
    return {
      join: false,
      reason: `${describe(leaks)} would carry over into this RUN, and the subshell that could contain it would switch off \`set -e\``,
    };
  }
  if (!wrapChain && errexit && before.lastIsCompound) {
    return {
      join: false,
      reason:
        'the RUN before ends in a compound command under `set -e`, which `&&` would stop applying to',
    };
  }
  const groupNext = !after.andChainOnly;
  if (groupNext && after.trailingComment) {
    return {
      join: false,
      reason: 'this RUN has several commands and ends in a shell comment, so it cannot be grouped',
    };
  }
  const detail = wrapChain
    ? `The commands before run in a subshell so that ${describe(leaks)} does not carry over.`
    : '';
  return { join: true, wrapChain, groupNext, detail };
}

function findBarrier(doc: DockerDocument, a: InstructionInfo, b: InstructionInfo): string | null {
  if (a.opaque || b.opaque)
    return 'a heredoc (or text the parser may have misread as one) is never joined';
  if (a.execForm || b.execForm)
    return 'an exec-form (JSON) RUN runs without a shell, so it cannot be joined with `&&`';
  if (!isPosixShell(b.shell)) return `the SHELL is \`${b.shell.join(' ')}\`, not a POSIX shell`;
  if (flagText(a) !== flagText(b))
    return 'the two RUNs have different flags (`--mount`, `--network`, `--security`)';
  if (b.body.text.trim() === '' || a.body.text.trim() === '')
    return 'one of the RUNs has no command';
  const pragma = gapBetween(doc, a, b).pragma;
  if (pragma) return `the comment \`${pragma}\` applies to this RUN alone`;
  const lastLine = doc.lineText(doc.lineAt(a.span.end));
  if (lastLine.trimEnd().endsWith(doc.escape)) return 'the RUN before ends in a line continuation';
  return null;
}

function flagText(run: InstructionInfo): string {
  return run.flags.map((f) => f.toString()).join(' ');
}

/** Whether state left by the chain would change what `next` does. */
function leakReaches(leak: Leak, next: ScriptFacts, shell: string[]): boolean {
  switch (leak.kind) {
    case 'cwd':
      return !next.startsWithAbsoluteCd;
    case 'function':
      return (leak.names ?? []).some((name) => next.commands.includes(name));
    case 'option':
      return (leak.options ?? []).some((option) => optionReaches(option, next, shell));
    default:
      return true;
  }
}

function optionReaches(option: string, next: ScriptFacts, shell: string[]): boolean {
  const off = option.startsWith('!');
  const name = off ? option.slice(1) : option;
  if (LOG_ONLY_OPTIONS.has(name)) return false;
  // Turning an option off returns to the default, unless the SHELL set it.
  if (off) return shell.length > 2;
  switch (name) {
    case 'e':
    case 'errexit':
      return !next.flat;
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

function describe(leaks: Leak[]): string {
  const sources = [...new Set(leaks.map((l) => `\`${l.source}\``))];
  return sources.length === 1
    ? sources[0]
    : `${sources.slice(0, -1).join(', ')} and ${sources[sources.length - 1]}`;
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
  const closes = (chain.lastGrouped ? ' )' : '') + (verdict.wrapChain ? ' )' : '');
  const operator = style.leadingOperator ? '' : ' &&';
  const lead = (style.leadingOperator ? '&& ' : '') + (verdict.groupNext ? '( ' : '');
  chain.edits.push(
    joinEdit(doc, previous, next, style, {
      cut: tail.cut,
      beforeBreak: closes + operator,
      movedComment: tail.comment,
      afterIndent: lead,
    }),
  );

  const before = analyzeScript(chain.script);
  const kept = chain.script.slice(0, before.codeEnd);
  const head = verdict.wrapChain ? `( ${kept} )` : kept;
  const nextFacts = analyzeScript(next.body.text);
  const body = verdict.groupNext
    ? `( ${next.body.text.slice(0, nextFacts.codeEnd)} )${next.body.text.slice(nextFacts.codeEnd)}`
    : next.body.text;
  chain.script = `${head} && ${body}`;
  chain.opens += verdict.wrapChain ? 1 : 0;
  chain.lastGrouped = verdict.groupNext;
  chain.last = next;
  chain.count++;
  if (verdict.detail) chain.details.push(verdict.detail);
}

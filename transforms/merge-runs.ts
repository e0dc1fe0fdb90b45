import type { DockerDocument, InstructionInfo } from '../src/document';
import { judgeJoin, quoteList } from '../src/join-safety';
import { chainEdits, extendChain, startChain, type Chain } from '../src/run-chain';
import type { MessageData, Reporter, Transform } from '../src/types';

/**
 * RUNs joined in one round. Each join reads the chain so far again, so the
 * cost grows with the square of its length; the next round joins the
 * joined RUNs, so a longer run of RUNs still ends up as one.
 */
const MAX_CHAIN = 40;

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
    'A function the RUN before defines counts as reaching the next RUN when that RUN runs the name (also behind `time`; `command NAME` runs no function), asks the shell about it (`command -v`, `type`, `hash`, `declare -f`, `unset`…), or lists every function (`declare -F` or `typeset -f` alone, `set` alone, `compgen`, or a query of a name from an expansion). Positional parameters (`set -- a b`) count as reaching it when it expands them, `shift`s them, runs `getopts` or loops over them (`for x` without `in`). A test (`[ "$x" = 1 ]`) sets nothing; `=` assigns only in arithmetic.',
    'A RUN that starts a background job (`&`, also in the literal text of an `eval`) is never joined to the RUN before or after it: the job would run on during the commands joined after it, and a `&` that ends a script joined after `&&` sends the RUNs before it to the background too.',
    '`set` or `shopt -o` with option words that cannot be read before it runs (`set $FLAGS`, `set -$x`, `set -o $name`, a glob or a brace expansion) counts as perhaps turning errexit on and as changing any option; words after `--`, or after the first word that is not an option, only set positional parameters.',
    "A trap on EXIT in the RUN before is contained by the subshell, where it runs at the subshell's end, as it ran at the end of its RUN; under errexit, where no subshell may contain it, the pair stays apart. A trap on ERR, or on signal words that cannot be read, anywhere in the RUN before keeps the pair apart: bash ignores it where it ignores errexit, in all that `&&` follows.",
    'Once `SHELLOPTS` or `BASHOPTS` is in the environment (from an ENV or ARG, or named by the next RUN), bash exports every option change, so any option the RUN before changes counts as reaching the next, whatever it runs.',
    '`ENV ENV=…` is not a reason to keep RUNs apart: dash, busybox and bash read it only when interactive. A startup file (`BASH_ENV`, profile files) runs once for the joined RUN instead of once for each.',
    "`SHELLOPTS` and `BASHOPTS` count for every SHELL, since `/bin/sh` is bash in some images; the base image's own environment is not known, so a base image that sets them is not seen.",
    "A RUN that runs a program by its bare name after the RUNs before it ran that name and then installed a package of the same name (`pip install --upgrade pip`, `npm install -g npm`) stays apart: a shell remembers where it found each program, so in one shell it would run the old one. An install that brings the program under another package's name (`apt-get install python3-pip`), or a copy into a bin directory, is not seen.",
    'Windows images and RUNs under a SHELL that is not a POSIX shell are never joined.',
  ],
  combine: combineJoins,
  run(doc, report) {
    for (const stage of doc.stages) {
      let chain: Chain | null = null;
      let previous: InstructionInfo | null = null;
      for (const instruction of stage.instructions) {
        if (previous && runTrigger(doc, previous) && runTrigger(doc, instruction))
          report.note(instruction.span.start, 'refused', { reason: TRIGGERS });
        const adjacent = previous?.keyword === 'RUN' && instruction.keyword === 'RUN';
        const full = chain !== null && chain.count >= MAX_CHAIN;
        const verdict = adjacent && chain && !full ? judgeJoin(doc, chain, instruction) : null;
        if (verdict?.join && chain) {
          extendChain(doc, chain, instruction, verdict);
        } else {
          if (verdict && !verdict.join)
            report.note(
              instruction.span.start,
              'refused',
              { reason: verdict.reason },
              verdict.subject,
            );
          finish(doc, chain, report);
          chain = instruction.keyword === 'RUN' ? startChain(instruction) : null;
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

/** Reports a chain of two RUNs or more as joined. */
function finish(doc: DockerDocument, chain: Chain | null, report: Reporter): void {
  if (!chain || chain.count < 2) return;
  const edits = chainEdits(doc, chain);
  report.change(
    chain.first.span.start,
    'joined',
    joinData(chain.count, [...chain.contained]),
    edits,
  );
}

/** The message data of a join of `count` RUNs, with the state its subshells keep. */
function joinData(count: number, sources: readonly string[]): MessageData {
  const details =
    sources.length > 0
      ? ` State that would carry over (${quoteList([...sources])}) stays inside a subshell.`
      : '';
  return { count, details, sources };
}

/**
 * One join of a later round with the joins of earlier rounds it joins
 * (MAX_CHAIN keeps a round from joining them all): each of those stands for
 * its count of RUNs among the later join's, and their subshells' state adds up.
 */
function combineJoins(later: MessageData, earlier: MessageData[]): MessageData {
  const count = earlier.reduce((sum, join) => sum + Number(join.count) - 1, Number(later.count));
  const sources = [...earlier, later].flatMap((join) => join.sources as readonly string[]);
  return joinData(count, [...new Set(sources)]);
}

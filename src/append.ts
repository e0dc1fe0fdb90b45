import type { DockerDocument, InstructionInfo } from './document';
import { errexitBreak, errexitOrigin } from './errexit';
import { continuationStyle, continuationText, scriptTail } from './join';
import { insertBeforeNext } from './script-paths';
import { analyzeScript, type ScriptFacts } from './shell-effects';
import type { Word } from './shell-commands';
import type { Edit } from './types';

/** An edit, or the reason it cannot be made. */
export type Outcome = { edit: Edit } | { reason: string };

/**
 * Adds `commands` after everything a shell-form RUN already runs, joined
 * with `&&`. The shell reads `&&` and `||` left to right with equal
 * precedence, so `a || b && cleanup` is `(a || b) && cleanup`: the cleanup
 * runs exactly when the script as written succeeds, and the RUN's exit
 * status stays what it was. A RUN written over several lines gets the
 * commands on a new continuation line in the RUN's own style; a one-line
 * RUN gets them on the same line, before a comment that ends it; in a longer
 * RUN such a comment moves onto its own comment line, as when RUNs are joined.
 * The edit always covers the text after the script, so that it clashes with a
 * join of this RUN in the same round and is retried on the joined RUN.
 */
export function appendCommands(
  doc: DockerDocument,
  run: InstructionInfo,
  commands: string[],
): Outcome {
  const facts = analyzeScript(run.body.text);
  if (facts.background)
    return {
      reason: 'it starts a background job (`&`), which a command added after it would race',
    };
  const trap = trapProblem(facts);
  if (trap) return { reason: `it ${trap}` };
  const errexit = errexitOrigin(doc, run, facts);
  const broken = errexit && errexitBreak(doc, run, facts, errexit);
  if (errexit && broken) {
    return {
      reason: `it ends in ${broken}; \`&&\` after it would switch off, inside it, the errexit (\`set -e\`) that ${errexit.words}`,
    };
  }
  const tail = scriptTail(doc, run, facts);
  if (tail.commentRunsOn) {
    return {
      reason:
        'a shell comment in it runs over a line continuation, so text added after it would be commented out',
    };
  }

  const added = commands.join(' && ');
  const multiLine = doc.lineAt(run.bodyStart) !== doc.lineAt(run.span.end);
  if (!multiLine) return { edit: insertBeforeNext(doc, tail.cut, ` && ${added}`) };
  const style = continuationStyle(doc, run);
  const text = continuationText(doc, style, {
    beforeBreak: style.leadingOperator ? '' : ' &&',
    movedComment: tail.comment,
    afterIndent: `${style.leadingOperator ? '&& ' : ''}${added}`,
  });
  if (!tail.comment) return { edit: insertBeforeNext(doc, tail.cut, text) };
  return { edit: { start: tail.cut, end: run.span.end, text } };
}

/** The limitation of every transform that adds commands at the end of a RUN, on traps. */
export const TRAP_LIMITATION =
  'A RUN that sets a trap on EXIT (`0`), ERR, DEBUG or RETURN, or on signal words that cannot be read before it runs, in its own shell (not only inside a subshell), or on ERR anywhere, gets no commands added at its end: the trap would run after them instead of after its own last command, or run for them. A reset (`trap - EXIT`) sets nothing; a trap set by code the RUN does not show (a sourced file) is not seen, though an `eval` of text that names `trap` counts.';

/**
 * Why commands may not be added at the end of `facts`' script because of a
 * trap it sets, as words after "it" (or "the RUN …"); null if none. A
 * trap on exit would run after the added commands instead of after the
 * script's own last one, so it would see what they do (a file they
 * delete); one on ERR or DEBUG would also run for them, and bash ignores
 * one on ERR in all that `&&` follows.
 */
export function trapProblem(facts: ScriptFacts): string | null {
  const trap = facts.endTrap ?? facts.errTrap;
  if (!trap) return null;
  return `sets a trap that runs ${trap.when} (\`${trap.source}\`), so commands added at its end would run before the trap, or set it off`;
}

/** An edit that inserts ` text` right after a word of a RUN's script. */
export function insertAfterWord(run: InstructionInfo, word: Word, text: string): Edit {
  const at = run.body.toFile(word.end - 1) + 1;
  return { start: at, end: at, text: ` ${text}` };
}

/** An edit that deletes a range of a RUN's script, or null when it holds a comment line. */
export function deleteScriptRange(
  doc: DockerDocument,
  run: InstructionInfo,
  range: { start: number; end: number },
): Edit | null {
  const start = run.body.toFile(range.start);
  const end = run.body.toFile(range.end - 1) + 1;
  const between = doc.text.slice(start, end);
  if (between.includes('#')) return null;
  return { start, end, text: '' };
}

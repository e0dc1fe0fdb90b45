import { shellHasErrexit, type DockerDocument, type InstructionInfo } from './document';
import { lineRef } from './line-ref';
import type { ScriptFacts } from './shell-effects';
import {
  shellOptionSetting,
  startupCode,
  type StartupCode,
  type VariableSetting,
} from './stage-paths';

/** What turns errexit on at the end of a RUN's script, or may. */
export interface ErrexitOrigin {
  /** The end of a sentence: "`set -e` turns on", "the SHELL `…` turns on". */
  words: string;
  /** Surely on (`set -e`, the SHELL's `-e`, `SHELLOPTS=errexit`), not only perhaps. */
  surely: boolean;
}

/**
 * What turns errexit on at the end of `facts`' script run by `run`'s shell,
 * or may: a command of the script (`set -e`, or code it cannot see), the
 * SHELL, `SHELLOPTS` in the environment, or startup code the shell reads
 * first. Null when nothing does.
 */
export function errexitOrigin(
  doc: DockerDocument,
  run: InstructionInfo,
  facts: ScriptFacts,
): ErrexitOrigin | null {
  const from = facts.errexitFrom;
  const setting = shellOptionSetting(doc, run);
  const startup = startupCode(doc, run);
  const surely = (words: string) => ({ words, surely: true });
  const maybe = (words: string) => ({ words, surely: false });
  if (from?.surely) return surely(`\`${from.source}\` turns on`);
  if (shellHasErrexit(run.shell)) return surely(`${shellWords(run)} turns on`);
  if (setting?.options?.includes('errexit')) return surely(`${settingName(setting)} turns on`);
  if (setting && setting.options === null) return maybe(`${settingName(setting)} may turn on`);
  if (startup?.from === 'variable') {
    return maybe(`${startupWords(run, startup)}, which bash reads first, may turn on`);
  }
  if (startup) return maybe(`${startupWords(run, startup)} may turn on`);
  if (from) return maybe(`\`${from.source}\` may turn on`);
  return null;
}

/**
 * What at the end of `facts`' script, run by `run`'s shell with errexit on
 * (or perhaps on), would stop obeying errexit once `&& more` follows it, as
 * words for a message; null when nothing would. The shell
 * ignores errexit in every command of an `&&` list but the last, and in all
 * that such a command runs: a compound command, a function, `eval` or `.`
 * would then go on past a failing command.
 *
 * A name that is neither a path nor a function the script defines counts
 * when code the script does not show (a sourced file, `eval` of text that
 * is not literal) may define it as a function, or when startup code may
 * and errexit is surely on: profile and `BASH_ENV` files do define
 * functions (conda's `conda`, nvm, rvm), while that they turn errexit on
 * is itself only a guess.
 */
function errexitBreak(
  doc: DockerDocument,
  run: InstructionInfo,
  facts: ScriptFacts,
  errexit: ErrexitOrigin,
): string | null {
  if (facts.lastRunsSeveral) return facts.lastRunsSeveral;
  const name = facts.lastUnknownNames[0];
  if (name === undefined) return null;
  if (/[$`]/.test(name)) return `\`${name}\`, which may name \`eval\` or a function`;
  const maybeFunction = `\`${name}\`, which may be a function defined in`;
  if (facts.definesUnseen) {
    return `${maybeFunction} code the script runs but does not show (a sourced file, an \`eval\`)`;
  }
  const startup = errexit.surely ? startupCode(doc, run) : null;
  return startup ? `${maybeFunction} ${startupWords(run, startup)}` : null;
}

/**
 * Why `&& more` may not follow `facts`' script run by `run`'s shell, as
 * words after what names the RUN ("it", "the RUN before"): errexit is on,
 * or may be (`origin`, by default what `errexitOrigin` finds), and the
 * script ends in something that `&&` would make ignore it (see
 * `errexitBreak`). Null when `&&` may follow.
 */
export function errexitAndProblem(
  doc: DockerDocument,
  run: InstructionInfo,
  facts: ScriptFacts,
  origin: ErrexitOrigin | null = errexitOrigin(doc, run, facts),
): string | null {
  const broken = origin && errexitBreak(doc, run, facts, origin);
  if (!origin || !broken) return null;
  return `ends in ${broken}; \`&&\` after it would switch off, inside it, the errexit (\`set -e\`) that ${origin.words}`;
}

/** An ENV or ARG as a message names it: "the `ENV SHELLOPTS` on line 3". */
export function settingName(setting: VariableSetting): string {
  return `the \`${setting.instruction.keyword} ${setting.name}\` on line ${lineRef(setting.instruction)}`;
}

function shellWords(run: InstructionInfo): string {
  return `the SHELL \`${run.shell.join(' ')}\``;
}

/** Where startup code is: "the profile files a login shell reads (the SHELL `…`)". */
function startupWords(run: InstructionInfo, startup: StartupCode): string {
  if (startup.from === 'variable') return `the file named by ${settingName(startup.setting)}`;
  return `${startup.files} (${shellWords(run)})`;
}

import type { DockerDocument, InstructionInfo } from './document';
import type { Edit } from './types';

/**
 * hadolint rules whose subject is what a dslim transform fixes, so that a
 * `# hadolint ignore=DL3059` someone wrote to keep two RUNs apart also keeps
 * dslim from joining them. Ids that no registered transform has match nothing.
 */
export const HADOLINT_RULES: Readonly<Record<string, readonly string[]>> = {
  DL3059: ['merge-runs'],
  DL3009: ['clean-apt-lists'],
  DL3015: ['apt-no-recommends'],
  DL3019: ['apk-no-cache'],
  DL3042: ['pip-no-cache'],
  DL3032: ['clean-yum-cache'],
  DL3040: ['clean-yum-cache'],
  DL3060: ['clean-node-cache'],
};

const IGNORE = /^#\s*dslim-ignore\b(.*)$/i;
const REGION = /^#\s*dslim-(disable|enable)\b(.*)$/i;
const HADOLINT = /^#\s*hadolint\s+(global\s+)?ignore\s*=\s*([\w, ]+)/i;

/** Which transforms a comment names: all (`ids` null) but `except`, or `ids`. */
interface Scope {
  ids: Set<string> | null;
  except: Set<string>;
}

export interface Rule {
  scope: Scope;
  /** The comment as written, for the note. */
  comment: string;
  /** Offset where the comment's line starts, for `lineRef`. */
  offset: number;
}

/**
 * The `# dslim-ignore`, `# dslim-disable`/`# dslim-enable` and
 * `# hadolint ignore=` comments of one document, answering which change a
 * comment forbids.
 */
export class InlineControl {
  private readonly rules = new Map<InstructionInfo, Rule[]>();
  /** Every `# dslim-…` comment that names ids, with them, in file order. */
  readonly named: NamingComment[] = [];

  constructor(doc: DockerDocument) {
    const region: Rule[] = [];
    const global: Rule[] = [];
    let above: Rule[] = [];
    let next = 0;
    for (let line = 0; line < doc.lineCount; line++) {
      const instruction = doc.instructions[next];
      if (instruction && line === instruction.line) {
        this.rules.set(instruction, [...global, ...region, ...above]);
        above = [];
        line = doc.lineAt(instruction.span.end);
        next++;
        continue;
      }
      const text = doc.lineText(line).trim();
      if (!text.startsWith('#')) {
        above = [];
        continue;
      }
      const rule = (scope: Scope): Rule => ({ scope, comment: text, offset: doc.lineStart(line) });
      const own = (ids: string): Scope => {
        const scope = parseIds(ids);
        if (scope.ids) this.named.push({ ids: [...scope.ids], ...rule(scope) });
        return scope;
      };
      const ignore = IGNORE.exec(text);
      const toggle = REGION.exec(text);
      const hadolint = HADOLINT.exec(text);
      if (ignore) above.push(rule(own(ignore[1])));
      else if (hadolint) (hadolint[1] ? global : above).push(rule(hadolintScope(hadolint[2])));
      else if (toggle?.[1].toLowerCase() === 'disable') region.push(rule(own(toggle[2])));
      else if (toggle) enable(region, own(toggle[2]));
    }
  }

  /**
   * The comment that forbids `transform` from making `edits`, or null. An
   * edit touches an instruction when it overlaps it or meets either end.
   */
  forbidding(transform: string, edits: Edit[]): Rule | null {
    for (const [instruction, rules] of this.rules) {
      const { start, end } = instruction.span;
      if (!edits.some((e) => e.start <= end && e.end >= start)) continue;
      const rule = rules.find((r) => covers(r.scope, transform));
      if (rule) return rule;
    }
    return null;
  }

  /**
   * The comment that keeps `id` off `instruction`, or null: for advice,
   * which edits nothing and is about one instruction.
   */
  forbiddingAt(id: string, instruction: InstructionInfo): Rule | null {
    return this.rules.get(instruction)?.find((r) => covers(r.scope, id)) ?? null;
  }
}

/** A `# dslim-ignore`, `# dslim-disable` or `# dslim-enable` comment that names ids. */
export interface NamingComment extends Rule {
  ids: string[];
}

/**
 * Why a comment names ids dslim does not know, for a note saying it does
 * nothing for them (the file is still fixed, so it is no error); null when
 * it knows them all. A close known id is offered for each (a typo such as
 * `merge-run`); when one has none, every id is listed.
 */
export function unknownIdsProblem(ids: string[], known: readonly string[]): string | null {
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length === 0) return null;
  const guesses = unknown.map((id) => ({ id, close: closest(id, known) }));
  const words = unknown.map((id) => `\`${id}\``).join(', ');
  const what =
    unknown.length === 1
      ? `${words} is not the id of any transform or advice, so the comment does nothing for it`
      : `${words} are not ids of any transform or advice, so the comment does nothing for them`;
  const hints = guesses.flatMap(({ id, close }) =>
    close ? [unknown.length === 1 ? `\`${close}\`` : `\`${close}\` for \`${id}\``] : [],
  );
  const suggestion = hints.length ? ` Did you mean ${hints.join(', ')}?` : '';
  const list = guesses.some((g) => !g.close)
    ? ` The ids are ${known.map((k) => `\`${k}\``).join(', ')}.`
    : '';
  return `${what}.${suggestion}${list}`;
}

/** The known id a typo most likely stands for: the nearest, a few edits away at most. */
function closest(id: string, known: readonly string[]): string | null {
  const limit = Math.max(1, Math.floor(id.length / 4));
  const best = known
    .map((candidate) => ({ candidate, distance: editDistance(id, candidate) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance)[0];
  return best?.candidate ?? null;
}

/** The number of one-character insertions, deletions and substitutions that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

function covers(scope: Scope, transform: string): boolean {
  return (scope.ids === null || scope.ids.has(transform)) && !scope.except.has(transform);
}

function parseIds(rest: string): Scope {
  const ids = rest
    .split(/[\s,]+/)
    .map((id) => id.trim().toLowerCase())
    .filter(Boolean);
  return { ids: ids.length === 0 ? null : new Set(ids), except: new Set() };
}

function hadolintScope(codes: string): Scope {
  const ids = codes
    .split(/[\s,]+/)
    .flatMap((code) => HADOLINT_RULES[code.trim().toUpperCase()] ?? []);
  return { ids: new Set(ids), except: new Set() };
}

/**
 * Ends disabled regions: a bare `# dslim-enable` ends them all; one with ids
 * switches those ids back on in every open region.
 */
function enable(region: Rule[], scope: Scope): void {
  if (scope.ids === null) {
    region.length = 0;
    return;
  }
  for (const [i, rule] of region.entries()) {
    // A copy, since instructions before this comment keep the old scope.
    const ids = rule.scope.ids && new Set([...rule.scope.ids].filter((id) => !scope.ids!.has(id)));
    const except = new Set([...rule.scope.except, ...(rule.scope.ids ? [] : scope.ids)]);
    region[i] = { ...rule, scope: { ids, except } };
  }
}

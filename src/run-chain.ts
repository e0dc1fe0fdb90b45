/**
 * A chain of consecutive RUNs being joined into one: the script they make
 * so far, which each next join is judged against (see `join-safety`), and
 * the edits that join them, with the subshells that keep state from
 * carrying over. Used by `merge-runs`.
 */
import type { InstructionInfo, DockerDocument } from './document';
import { continuationStyle, joinEdit, scriptTail } from './join';
import { analyzeScript, type Leak } from './shell-effects';
import type { Edit } from './types';

/** The chain of RUNs merged so far, as one script. */
export interface Chain {
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
export type Wrap = 'none' | 'last' | 'chain';

/** How the next RUN joins the chain. */
export interface JoinShape {
  wrap: Wrap;
  /** The next RUN's script runs several commands, so it goes in `( … )`. */
  groupNext: boolean;
  /** The state that the subshell keeps from carrying over. */
  leaks: Leak[];
}

/** A chain of one RUN. */
export function startChain(run: InstructionInfo): Chain {
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

/** The chain's script as it reads once joined. */
export function chainScript(chain: Chain): string {
  return joined(chain.prefix, chain.tail);
}

/** Joins `next` to the chain in the shape given: its edit, and the script it makes. */
export function extendChain(
  doc: DockerDocument,
  chain: Chain,
  next: InstructionInfo,
  shape: JoinShape,
): void {
  const previous = chain.last;
  const tail = scriptTail(doc, previous, analyzeScript(previous.body.text));
  const style = continuationStyle(doc, previous);
  if (shape.wrap === 'chain') chain.opens++;
  if (shape.wrap === 'last') {
    if (chain.lastJoin) chain.lastJoin.text += '( ';
    else chain.opens++;
  }
  const closes = (chain.lastGrouped ? ' )' : '') + (shape.wrap !== 'none' ? ' )' : '');
  const operator = style.leadingOperator ? '' : ' &&';
  const lead = (style.leadingOperator ? '&& ' : '') + (shape.groupNext ? '( ' : '');
  const join = joinEdit(doc, previous, next, style, {
    cut: tail.cut,
    beforeBreak: closes + operator,
    movedComment: tail.comment,
    afterIndent: lead,
  });
  chain.edits.push(join);

  const code = (text: string) => text.slice(0, analyzeScript(text).codeEnd);
  if (shape.wrap === 'chain') chain.prefix = `( ${code(chainScript(chain))} )`;
  else if (shape.wrap === 'last') chain.prefix = joined(chain.prefix, `( ${code(chain.tail)} )`);
  else chain.prefix = code(chainScript(chain));
  const body = next.body.text;
  const end = analyzeScript(body).codeEnd;
  chain.tail = shape.groupNext ? `( ${body.slice(0, end)} )${body.slice(end)}` : body;
  chain.lastGrouped = shape.groupNext;
  chain.lastJoin = join;
  chain.last = next;
  chain.count++;
  for (const leak of shape.leaks) chain.contained.add(leak.source);
}

/**
 * Every edit that joins the chain, with the `(`s owed before its first
 * script and the `)` owed after its last.
 */
export function chainEdits(doc: DockerDocument, chain: Chain): Edit[] {
  const edits = [...chain.edits];
  if (chain.opens > 0) {
    const at = chain.first.bodyStart;
    edits.unshift({ start: at, end: at, text: '( '.repeat(chain.opens) });
  }
  if (chain.lastGrouped) {
    const end = scriptTail(doc, chain.last, analyzeScript(chain.last.body.text)).cut;
    edits.push({ start: end, end, text: ' )' });
  }
  return edits;
}

function joined(prefix: string, part: string): string {
  return prefix ? `${prefix} && ${part}` : part;
}

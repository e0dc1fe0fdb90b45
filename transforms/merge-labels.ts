import type { Label } from 'dockerfile-ast';
import type { DockerDocument, InstructionInfo } from '../src/document';
import { continuationStyle, gapBetween, joinEdit, trimmedEnd } from '../src/join';
import type { Edit, Transform } from '../src/types';

const mergeLabels: Transform = {
  id: 'merge-labels',
  title: 'Join consecutive LABEL instructions',
  rationale:
    'Each LABEL adds an entry to the image history and a step to every build. One LABEL with several keys sets the same labels, in the same order, so later duplicates still win.',
  safety: 'layout',
  messages: {
    joined:
      'Joins {count} `LABEL` instructions into one; the keys keep their order, so a repeated key still takes its last value.{details}',
    refused: 'Leaves this `LABEL` apart from the one before: {reason}.',
  },
  options: {},
  limitations: [
    'A legacy `LABEL key value` whose value holds quotes or backslashes is not rewritten to `key="value"`, so it stays a LABEL of its own.',
    'A blank line between two joined instructions is dropped: inside one instruction it would be an empty continuation line, which BuildKit warns about and means to reject. Comments between them stay.',
  ],
  run(doc, report) {
    for (const stage of doc.stages) {
      let chain: InstructionInfo[] = [];
      const flush = () => {
        if (chain.length > 1) emit(doc, chain, report.change);
        chain = [];
      };
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'LABEL') {
          flush();
          continue;
        }
        const previous = chain[chain.length - 1];
        const reason = previous ? refusal(doc, previous, instruction) : null;
        if (reason) {
          report.note(instruction.span.start, 'refused', { reason });
          flush();
        }
        chain.push(instruction);
      }
      flush();
    }
  },
};

export default mergeLabels;

function refusal(doc: DockerDocument, a: InstructionInfo, b: InstructionInfo): string | null {
  if (a.index + 1 !== b.index) return 'another instruction stands between them';
  const pragma = gapBetween(doc, a, b).pragma;
  if (pragma) return `the directive comment \`${pragma}\` stands between them`;
  for (const label of [a, b]) {
    const problem = legacyRewrites(doc, label).problem;
    if (problem) return problem;
  }
  return null;
}

/** Rewrites of the legacy `LABEL key value` form to `key="value"`. */
function legacyRewrites(
  doc: DockerDocument,
  label: InstructionInfo,
): { edits: Edit[]; problem?: string } {
  const edits: Edit[] = [];
  for (const property of (label.node as Label).getProperties()) {
    if (property.getAssignmentOperator() !== null) continue;
    const valueRange = property.getValueRange();
    if (!valueRange) return { edits, problem: `\`${property.getName()}\` has no value` };
    const start = doc.offsetAt(property.getNameRange().start);
    const nameEnd = doc.offsetAt(property.getNameRange().end);
    const valueStart = doc.offsetAt(valueRange.start);
    const end = doc.offsetAt(valueRange.end);
    const raw = doc.text.slice(valueStart, end);
    if (/["'\\\r\n]/.test(raw) || raw.includes(doc.escape)) {
      return {
        edits,
        problem: `the legacy value of \`${property.getName()}\` holds quotes, escapes or line breaks, so it is not rewritten as \`key="value"\``,
      };
    }
    edits.push({ start, end, text: `${doc.text.slice(start, nameEnd)}="${raw}"` });
  }
  return { edits };
}

function emit(
  doc: DockerDocument,
  chain: InstructionInfo[],
  change: (
    offset: number,
    id: string,
    data: Record<string, string | number>,
    edits: Edit[],
  ) => void,
): void {
  const style = continuationStyle(doc, chain[0]);
  const edits: Edit[] = [];
  let converted = 0;
  chain.forEach((label, i) => {
    const legacy = legacyRewrites(doc, label).edits;
    converted += legacy.length;
    edits.push(...legacy);
    const next = chain[i + 1];
    if (next) {
      edits.push(
        joinEdit(doc, label, next, style, {
          cut: trimmedEnd(doc, label.span.end),
          beforeBreak: '',
          afterIndent: '',
        }),
      );
    }
  });
  const details =
    converted > 0
      ? ` The legacy \`LABEL key value\` form becomes \`key="value"\` (${converted} key${converted > 1 ? 's' : ''}).`
      : '';
  change(
    chain[0].span.start,
    'joined',
    { count: chain.length, details },
    edits.sort((a, b) => a.start - b.start),
  );
}

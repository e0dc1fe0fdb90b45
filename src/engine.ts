import type { CacheMode } from './cache-mounts';
import { DockerDocument, type Span } from './document';
import {
  aboutSpans,
  applyEdits,
  locatingSpans,
  mapBack,
  pickApplicable,
  writtenSpans,
} from './edits';
import { createDebug } from './debug';
import { InlineControl, unknownIdsProblem } from './inline-control';
import { countLayers, type StageLayers } from './layers';
import { lineRef, resolveLineRefs } from './line-ref';
import { loadShellParser } from './shell';
import { checkDocument } from './validate';
import {
  DEFAULT_SAFETY,
  SAFETY_CLASSES,
  type Edit,
  type Finding,
  type MessageData,
  type SafetyClass,
  type Transform,
  type TransformOptions,
} from './types';

const debug = createDebug('dslim:engine');
const BOM = '\ufeff';
const MAX_PASSES = 10;

export interface EngineOptions {
  /** Run only these transform ids. */
  only?: string[];
  /** Never run these transform ids. */
  skip?: string[];
  /** Safety classes allowed to run; `layout` and `cache` by default. */
  safety?: SafetyClass[];
  /**
   * The `caches` option of every transform that has one: clean a package
   * manager's cache up, or mount it. A transform's own options override it.
   */
  caches?: CacheMode;
  /**
   * Options per transform id, as a configuration file's `transforms` key
   * gives them; unset ones take the transform's defaults.
   */
  transforms?: Record<string, TransformOptions>;
  /**
   * Whether transforms whose class is off still say, as notes, what they
   * would change (true by default). Format-on-save shows no notes and saves
   * the time.
   */
  advice?: boolean;
}

/** A 1-based line and column; a range's end column is the one after its last character. */
export interface Position {
  line: number;
  column: number;
}

/**
 * A change that was applied, located in the input as it was read: the lines
 * its message names are the input's too.
 */
export interface Change {
  transform: string;
  safety: SafetyClass;
  /** 1-based line in the input of the instruction the change is about. */
  line: number;
  /** 1-based column in the input where that instruction starts. */
  column: number;
  /**
   * The input text the change rewrites: from the instruction it is about, or
   * its first edit before it, to its last edit. Text it only inserts outside
   * that instruction (the `# syntax` directive on the first line, a new stage
   * above) replaces nothing there, and is left out.
   */
  range: { start: Position; end: Position };
  message: string;
}

/**
 * Something left alone, and why. A note is found in the output but located
 * in the input, as changes are: a note about text a change inserted points
 * at the line where that text goes in.
 */
export interface Note {
  transform: string;
  /** 1-based line in the input. */
  line: number;
  message: string;
}

export interface FixResult {
  output: string;
  changed: boolean;
  changes: Change[];
  notes: Note[];
  /** Parse-and-transform rounds it took to reach a fixed point. */
  passes: number;
  /** Layer-making instructions per stage in the input and in the output. */
  layers: { before: StageLayers[]; after: StageLayers[] };
}

/** Thrown when the input cannot be treated as a Dockerfile. */
export class InputError extends Error {}

/**
 * Picks the transforms that the options enable, in registry order. The
 * options are checked already (see `checkSettings`): an unknown id here
 * matches nothing.
 */
export function selectTransforms(all: readonly Transform[], options: EngineOptions): Transform[] {
  return all.filter((t) => isSelected(t.id, options) && allowed(options).includes(t.safety));
}

/**
 * Picks the transforms that would run if their safety class were on: `content`
 * by default, and any class `--safety` leaves out. They run once over the final
 * text, and what they would change is reported as a note: the user sees the
 * candidate without the risk.
 */
export function selectAdvisory(all: readonly Transform[], options: EngineOptions): Transform[] {
  return all.filter((t) => isSelected(t.id, options) && !allowed(options).includes(t.safety));
}

/** The safety classes allowed to run: `layout` and `cache` unless told. */
function allowed(options: EngineOptions): SafetyClass[] {
  return options.safety ?? [...DEFAULT_SAFETY];
}

/** Whether the transform or advice `id` is left in by `only` and `skip`. */
export function isSelected(id: string, options: EngineOptions): boolean {
  return (!options.only || options.only.includes(id)) && !(options.skip ?? []).includes(id);
}

/** What `runTransforms` runs, and the ids an inline comment may name. */
export interface Selection {
  transforms: Transform[];
  /** Transforms whose safety class is off, which say as notes what they would change. */
  advisory: Transform[];
  /** Every transform and advice id dslim has, whether it runs or not. */
  known: readonly string[];
}

/**
 * Runs the transforms to a fixed point: each round parses the text, collects
 * every transform's findings, applies the edits that do not overlap, and
 * starts again until a round changes nothing.
 */
export async function runTransforms(
  source: string,
  { transforms, advisory, known }: Selection,
  options: EngineOptions = {},
): Promise<FixResult> {
  await loadShellParser();
  const changes: Logged[] = [];
  const history: Edit[][] = [];
  const input = new DockerDocument(source);
  // Where an offset in this round's text was in the input, through the rounds before it.
  const locate = (offset: number): Position => {
    const at = mapBack(offset, history);
    const line = input.lineAt(at);
    return { line: line + 1, column: at - input.lineStart(line) + 1 };
  };
  const lineOf = (offset: number) => locate(offset).line;
  // A note of round `depth + 1`, located in the input and its line references resolved.
  const noteOf = (f: Finding, depth = history.length): Note => {
    const line = (offset: number) => input.lineAt(mapBack(offset, history.slice(0, depth))) + 1;
    return {
      transform: f.transform,
      line: line(f.offset),
      message: resolveLineRefs(f.message, line),
    };
  };
  // The notes of the rounds before this one, for a note of the last about text dslim wrote.
  const rounds: RoundNotes[] = [];
  let text = source;
  let before: StageLayers[] = [];
  // What this run's edits wrote, in the current round's text.
  let written: Span[] = [];
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    const doc = pass === 1 ? input : new DockerDocument(text);
    const problem = pass === 1 ? checkDocument(doc) : null;
    if (problem) throw new InputError(problem);
    if (pass === 1) before = countLayers(doc);
    const control = new InlineControl(doc);
    const findings = transforms
      .flatMap((t) => collect(t, doc, options))
      .map((f) => obeyComments(f, control));
    const applied = pickApplicable(
      findings.filter((f) => f.kind === 'change'),
      opaqueSpans(doc),
    );
    if (applied.length === 0) {
      const advice = advisory.flatMap((t) =>
        collect(t, doc, options)
          .map((f) => obeyComments(f, control))
          .map(asAdvice(t, options)),
      );
      const comments = commentNotes(control, known);
      const own = findings
        .filter((f) => f.kind === 'note')
        .flatMap((f) =>
          aboutWritten(f, written, doc)
            ? earlierNotes(f, rounds, history).map((n) => noteOf(n.finding, n.depth))
            : [noteOf(f)],
        );
      const notes = [
        ...comments.map((f) => noteOf(f)),
        ...unique(own),
        ...advice.map((f) => noteOf(f)),
      ];
      const layers = { before, after: countLayers(doc) };
      const reported = changes.map((c) => c.change);
      return {
        output: text,
        changed: text !== source,
        changes: reported,
        notes,
        passes: pass,
        layers,
      };
    }
    // An insertion goes before an edit that replaces text from the same offset.
    const edits = applied
      .flatMap((f) => f.edits)
      .sort((a, b) => a.start - b.start || a.end - b.end);
    for (const finding of applied) {
      const transform = transforms.find((t) => t.id === finding.transform)!;
      const located = locatingSpans(doc, finding);
      const start = Math.min(finding.offset, ...located.map((e) => e.start));
      const end = Math.max(finding.offset, ...located.map((e) => e.end));
      const resolve = (value: string) => resolveLineRefs(value, lineOf);
      const logged: Logged = {
        change: {
          transform: finding.transform,
          safety: transform.safety,
          ...locate(finding.offset),
          range: { start: locate(start), end: locate(end) },
          message: resolve(finding.message),
        },
        at: mapBack(finding.offset, history),
        pass,
        data: finding.template && resolveData(finding.template.data, resolve),
        explains: explanations(finding.edits).map(resolve),
      };
      const about = aboutSpans(doc, finding);
      if (transform.combine && finding.template && about.length > 0) {
        const covers = {
          start: mapBack(Math.min(...about.map((s) => s.start)), history),
          end: mapBack(Math.max(...about.map((s) => s.end)), history),
        };
        foldInto(changes, logged, covers, transform, finding.template.id);
      } else changes.push(logged);
    }
    rounds.push({
      notes: findings.filter((f) => f.kind === 'note'),
      written,
      doc,
      depth: history.length,
    });
    history.push(edits);
    written = writtenSpans(doc.text, edits, written);
    text = (doc.bom ? BOM : '') + applyEdits(doc.text, edits);
    debug('pass %d applied %d findings', pass, applied.length);
  }
  throw new Error(`transforms did not settle after ${MAX_PASSES} rounds`);
}

/** The notes a round that applied changes found, and what is needed to judge and locate them. */
interface RoundNotes {
  notes: Finding[];
  /** What the rounds before it wrote, in its text. */
  written: Span[];
  doc: DockerDocument;
  /** How many rounds' edits lie between the input and its text. */
  depth: number;
}

/**
 * The notes to give instead of one of the last round about text that dslim
 * wrote: those of the latest round before it that has notes of the same
 * transform about the same instruction of the input (at the same offset once
 * mapped back) whose subject is the user's text. merge-runs leaves two RUNs
 * apart for a `set -e` in the first round, then for the cache mount dslim
 * added in the second: the first reason is the one that describes the file.
 */
function earlierNotes(
  finding: Finding,
  rounds: RoundNotes[],
  history: Edit[][],
): { finding: Finding; depth: number }[] {
  const at = mapBack(finding.offset, history);
  for (const round of [...rounds].reverse()) {
    const before = history.slice(0, round.depth);
    const found = round.notes.filter(
      (n) =>
        n.transform === finding.transform &&
        mapBack(n.offset, before) === at &&
        !aboutWritten(n, round.written, round.doc),
    );
    if (found.length > 0) return found.map((n) => ({ finding: n, depth: round.depth }));
  }
  return [];
}

/** Notes once each: two notes of the last round may fall back on the same earlier one. */
function unique(notes: Note[]): Note[] {
  const seen = new Set<string>();
  return notes.filter((n) => {
    const key = `${n.transform}\0${n.line}\0${n.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A change applied, with what its message is made of, until the run ends. */
interface Logged {
  change: Change;
  /** The offset in the input the change is about. */
  at: number;
  /** The round that applied it. */
  pass: number;
  /** The data its message was filled with, line references resolved. */
  data?: MessageData;
  /** The sentences its edits add to the message (see `withExplanations`), resolved. */
  explains: string[];
}

/**
 * Logs a change of a transform with a `combine` hook. The transform's own
 * changes from earlier rounds about instructions the change is about (its
 * span `covers` in the input) are what it extends: merge-runs joins at most
 * so many RUNs a round, and joins the joined RUNs in the next. They become
 * one change, where the first of them was, with the data `combine` makes,
 * located where the first starts and reaching as far as any of them does.
 */
function foldInto(
  changes: Logged[],
  later: Logged,
  covers: Span,
  transform: Transform,
  template: string,
): void {
  const covered = changes.filter(
    (c) =>
      c.change.transform === transform.id &&
      c.pass < later.pass &&
      c.data !== undefined &&
      covers.start <= c.at &&
      c.at < covers.end,
  );
  if (covered.length === 0) {
    changes.push(later);
    return;
  }
  const parts = [...covered].sort((a, b) => a.at - b.at);
  const data = transform.combine!(
    later.data!,
    parts.map((c) => c.data!),
  );
  const explains = [...new Set([...parts.flatMap((c) => c.explains), ...later.explains])];
  const all = [...parts, later];
  const first = all.reduce((a, b) => (b.at < a.at ? b : a));
  const folded: Logged = {
    change: {
      ...first.change,
      range: {
        start: all.map((c) => c.change.range.start).reduce((a, b) => (after(a, b) ? b : a)),
        end: all.map((c) => c.change.range.end).reduce((a, b) => (after(b, a) ? b : a)),
      },
      message: [format(transform.messages[template], data), ...explains].join(' '),
    },
    at: first.at,
    pass: later.pass,
    data,
    explains,
  };
  const index = changes.indexOf(covered[0]);
  changes.splice(index, 1, folded);
  for (const gone of covered.slice(1)) changes.splice(changes.indexOf(gone), 1);
}

/** True when position `a` comes after `b`. */
function after(a: Position, b: Position): boolean {
  return a.line > b.line || (a.line === b.line && a.column > b.column);
}

/** Message data with the line references in its words resolved. */
function resolveData(data: MessageData, resolve: (value: string) => string): MessageData {
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key,
      typeof value === 'string'
        ? resolve(value)
        : typeof value === 'number'
          ? value
          : value.map(resolve),
    ]),
  );
}

function collect(transform: Transform, doc: DockerDocument, options: EngineOptions): Finding[] {
  const findings: Finding[] = [];
  const caches: TransformOptions =
    options.caches && 'caches' in transform.options ? { caches: options.caches } : {};
  const settings = {
    ...defaults(transform),
    ...caches,
    ...options.transforms?.[transform.id],
  };
  const push = (
    kind: Finding['kind'],
    offset: number,
    id: string,
    data: MessageData,
    edits: Edit[],
    subject?: Span | readonly Span[],
  ) => {
    const template = transform.messages[id];
    if (template === undefined) throw new Error(`${transform.id}: no message \`${id}\``);
    findings.push({
      transform: transform.id,
      kind,
      offset,
      message: withExplanations(format(template, data), edits),
      edits,
      ...(subject ? { subject } : {}),
      ...(kind === 'change' ? { template: { id, data } } : {}),
    });
  };
  transform.run(
    doc,
    {
      change: (offset, id, data, edits) => push('change', offset, id, data, edits),
      note: (offset, id, data, subject) => push('note', offset, id, data, [], subject),
    },
    settings,
  );
  return findings;
}

/**
 * A note for each `# dslim-…` comment that names an id dslim does not know:
 * a typo would otherwise keep nothing off, without a word. The file is still
 * fixed, where a configuration file with such an id is refused: the comment
 * is part of the Dockerfile, which is worth fixing all the same.
 */
function commentNotes(control: InlineControl, known: readonly string[]): Finding[] {
  return control.named.flatMap((comment) => {
    const problem = unknownIdsProblem(comment.ids, known);
    if (!problem) return [];
    const keyword = /dslim-(ignore|disable|enable)/i.exec(comment.comment)![0].toLowerCase();
    const message = `\`${comment.comment}\`: ${problem}`;
    return [{ transform: keyword, kind: 'note', offset: comment.offset, message, edits: [] }];
  });
}

/**
 * True when a note is about text that this run's edits wrote: its subject
 * (see `Finding.subject`), or else the instruction at its offset. A cache
 * mount dslim added needs no note saying the cache is mounted, since the
 * change that added it says so, and a RUN dslim split out of another needs
 * no note that it stays apart. A note about the same text in the input stays.
 */
function aboutWritten(finding: Finding, written: Span[], doc: DockerDocument): boolean {
  if (written.length === 0) return false;
  const inWritten = (s: Span) => written.some((w) => w.start <= s.start && s.end <= w.end);
  const subject = finding.subject;
  if (subject !== undefined) {
    const spans: readonly Span[] = 'start' in subject ? [subject] : subject;
    return spans.length > 0 && spans.every(inWritten);
  }
  const at = finding.offset;
  if (!written.some((w) => w.start <= at && at < w.end)) return false;
  const instruction = doc.instructions.find((i) => i.span.start <= at && at < i.span.end);
  return instruction !== undefined && inWritten(instruction.span);
}

/** Turns a change that an ignore comment forbids into a note that says so. */
function obeyComments(finding: Finding, control: InlineControl): Finding {
  if (finding.kind !== 'change') return finding;
  const rule = control.forbidding(finding.transform, finding.edits);
  if (!rule) return finding;
  return {
    ...finding,
    kind: 'note',
    edits: [],
    message: `Skipped because of the comment \`${rule.comment}\` on line ${lineRef(rule.offset)}. Otherwise: ${finding.message}`,
  };
}

/**
 * Turns a change of a transform whose class is off into a note that says how
 * to get it: the `--safety` value that keeps the classes on now and adds it.
 */
function asAdvice(transform: Transform, options: EngineOptions): (finding: Finding) => Finding {
  const wanted = [...allowed(options), transform.safety];
  const value = SAFETY_CLASSES.filter((c) => wanted.includes(c)).join(',');
  return (finding) =>
    finding.kind === 'note'
      ? finding
      : {
          ...finding,
          kind: 'note',
          edits: [],
          message: `Not applied, the \`${transform.safety}\` safety class is off (add it with \`--safety ${value}\`): ${finding.message}`,
        };
}

function defaults(transform: Transform): TransformOptions {
  return Object.fromEntries(
    Object.entries(transform.options).map(([k, spec]) => [k, spec.default]),
  );
}

/**
 * A change's message followed by the sentence each of its edits carries
 * (once each): an edit a helper adds for any transform that needs it, such
 * as the `# syntax` directive, explains itself wherever it goes.
 */
function withExplanations(message: string, edits: Edit[]): string {
  return [message, ...explanations(edits)].join(' ');
}

/** The sentences a change's edits carry, once each. */
function explanations(edits: Edit[]): string[] {
  return [...new Set(edits.flatMap((e) => (e.explain ? [e.explain] : [])))];
}

/** Fills `{name}` placeholders; an unknown name is a bug in the transform. */
export function format(template: string, data: MessageData): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in data)) throw new Error(`message placeholder {${name}} has no value`);
    return String(data[name]);
  });
}

function opaqueSpans(doc: DockerDocument): Span[] {
  return doc.instructions.filter((i) => i.opaque).map((i) => i.span);
}

import {
  DockerfileParser,
  type Arg,
  type Dockerfile,
  type Flag,
  type From,
  type Instruction,
  type Onbuild,
  type Variable,
} from 'dockerfile-ast';

const BOM = '\ufeff';
const DEFAULT_SHELL = ['/bin/sh', '-c'];
const WINDOWS_SHELL = ['cmd', '/S', '/C'];
const WINDOWS_IMAGE = /windows|nanoserver|servercore|ltsc20\d\d/i;
const HEREDOC_OPENER = /(\d*)<<(-?)\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\3/g;
/** Instructions that take `--flags`; reading flags is slow, so only these do. */
const FLAGGED = new Set(['RUN', 'COPY', 'ADD', 'FROM']);
const POSIX_SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'mksh', 'zsh', 'busybox']);

/** Half-open range of 0-based offsets into `DockerDocument.text`. */
export interface Span {
  start: number;
  end: number;
}

/**
 * Text as Docker sees it after joining continuation lines: the escape
 * character and line break are removed, and comment lines and empty lines
 * inside the continuation are dropped. `toFile` maps an offset in `text`
 * back to the file.
 */
export interface LogicalText {
  text: string;
  toFile(offset: number): number;
}

export interface Stage {
  index: number;
  /** The `AS` name, lower-cased, or null. */
  name: string | null;
  /** The image or stage the FROM names, as written. */
  base: string;
  /**
   * `base` with the ARGs declared before the first FROM put in, by their
   * defaults, each default expanded with the ARGs before it (`ARG A=deps`,
   * `ARG B=$A`, `FROM $B` gives `deps`): what the stage builds on when no
   * `--build-arg` says otherwise. It still holds the variable, `$` and all,
   * where an ARG has no default, or one dslim does not expand.
   */
  image: string;
  /**
   * True when `image` holds such a variable and could, once a `--build-arg`
   * sets it, be the name of any stage before this one: nothing else in it
   * rules a stage name out (`golang:$V` has a colon, which no stage name has).
   */
  anyStage: boolean;
  from: InstructionInfo;
  instructions: InstructionInfo[];
}

export interface InstructionInfo {
  index: number;
  /** Upper-cased keyword, e.g. `RUN`. */
  keyword: string;
  node: Instruction;
  /** From the keyword to the last character before the final line break. */
  span: Span;
  /** 0-based line of the keyword. */
  line: number;
  stage: Stage | null;
  flags: Flag[];
  /** Offset where the arguments start, after the keyword and any flags. */
  bodyStart: number;
  /** The arguments after the flags, as Docker joins them. */
  body: LogicalText;
  /** True for JSON (exec) form. */
  execForm: boolean;
  /** Has a heredoc, or may have one the parser missed: never edit it. */
  opaque: boolean;
  /** The SHELL in effect for this instruction. */
  shell: string[];
}

/**
 * A parsed Dockerfile with the positions and facts that transforms need.
 * The text never includes the byte-order mark; `bom` says if there was one.
 */
export class DockerDocument {
  readonly text: string;
  readonly bom: boolean;
  readonly eol: string;
  readonly escape: string;
  readonly ast: Dockerfile;
  readonly instructions: InstructionInfo[] = [];
  readonly stages: Stage[] = [];
  private readonly lineStarts: number[];

  constructor(source: string) {
    this.bom = source.startsWith(BOM);
    this.text = this.bom ? source.slice(1) : source;
    this.eol = detectEol(this.text);
    this.lineStarts = computeLineStarts(this.text);
    this.ast = DockerfileParser.parse(this.text);
    this.escape = this.ast.getEscapeCharacter();
    this.collectInstructions();
    this.markHeredocs();
  }

  /** Converts a parser position to an offset. */
  offsetAt(pos: { line: number; character: number }): number {
    if (pos.line >= this.lineStarts.length) return this.text.length;
    return Math.min(this.lineStarts[pos.line] + pos.character, this.text.length);
  }

  /** 0-based line of an offset. */
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  lineStart(line: number): number {
    return this.lineStarts[line];
  }

  /** Offset of the line break (or end of text) that ends the line. */
  lineEnd(line: number): number {
    const next = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    let end = next;
    if (end > this.lineStarts[line] && this.text[end - 1] === '\n') end--;
    if (end > this.lineStarts[line] && this.text[end - 1] === '\r') end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStarts[line], this.lineEnd(line));
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Joins the continuation lines of `[start, end)` as Docker does. */
  logical(start: number, end: number): LogicalText {
    const pieces: string[] = [];
    const starts: number[] = [];
    const fileStarts: number[] = [];
    let length = 0;
    let line = this.lineAt(start);
    let pos = start;
    for (let first = true; pos <= end && line < this.lineCount; first = false) {
      const lineEnd = Math.min(this.lineEnd(line), end);
      const content = this.text.slice(pos, lineEnd);
      const trimmed = content.trimStart();
      if (!first && (trimmed === '' || trimmed.startsWith('#'))) {
        line++;
        pos = this.lineStarts[line] ?? end + 1;
        continue;
      }
      const cut = continuationCut(content, this.escape);
      const kept = cut === -1 ? content : content.slice(0, cut);
      starts.push(length);
      fileStarts.push(pos);
      pieces.push(kept);
      length += kept.length;
      if (cut === -1 || lineEnd >= end) break;
      line++;
      pos = this.lineStarts[line] ?? end + 1;
    }
    return {
      text: pieces.join(''),
      toFile(offset: number): number {
        let i = starts.length - 1;
        while (i > 0 && starts[i] > offset) i--;
        return fileStarts[i] + (offset - starts[i]);
      },
    };
  }

  /** The stage a `--from` value or FROM image names, if it is a stage. */
  findStage(ref: string, before: number): Stage | undefined {
    const lower = ref.toLowerCase();
    const stages = this.stages.filter((s) => s.from.index < before);
    if (/^\d+$/.test(ref)) return stages[Number(ref)];
    return stages.find((s) => s.name === lower);
  }

  private collectInstructions(): void {
    const metaArgs = this.metaArgs();
    let stage: Stage | null = null;
    let shell = DEFAULT_SHELL;
    const finalShells = new Map<Stage, string[]>();
    for (const node of this.ast.getInstructions()) {
      const info = this.readInstruction(node, this.instructions.length, stage, shell);
      const keyword = info.keyword;
      if (keyword === 'FROM') {
        if (stage) finalShells.set(stage, shell);
        stage = this.startStage(info, metaArgs);
        const parent = this.findStage(stage.image, info.index);
        shell = parent ? (finalShells.get(parent) ?? shell) : defaultShellFor(stage.image);
        info.shell = shell;
      } else if (keyword === 'SHELL' && info.execForm) {
        shell = parseJsonArray(info.body.text) ?? shell;
      }
      stage?.instructions.push(info);
      this.instructions.push(info);
    }
  }

  /**
   * The instruction an `ONBUILD` holds, read like one of the file's own (its
   * keyword, flags and body), with the ONBUILD's index, stage and SHELL; null
   * for any other instruction. It runs in every image built on the stage. A
   * trigger whose text may hold a heredoc is opaque.
   */
  trigger(onbuild: InstructionInfo): InstructionInfo | null {
    if (onbuild.keyword !== 'ONBUILD') return null;
    const node = (onbuild.node as Onbuild).getTriggerInstruction();
    if (!node) return null;
    const info = this.readInstruction(node, onbuild.index, onbuild.stage, onbuild.shell);
    const raw = this.text.slice(info.bodyStart, info.span.end);
    info.opaque = onbuild.opaque || [...raw.matchAll(HEREDOC_OPENER)].length > 0;
    return info;
  }

  private readInstruction(
    node: Instruction,
    index: number,
    stage: Stage | null,
    shell: string[],
  ): InstructionInfo {
    const range = node.getRange();
    const keyword = node.getKeyword().toUpperCase();
    const start = this.offsetAt(range.start);
    const args = this.logical(
      this.offsetAt(node.getInstructionRange().end),
      this.offsetAt(range.end),
    );
    // Reading flags is slow in the parser: only where there can be some.
    const flags =
      FLAGGED.has(keyword) && args.text.trimStart().startsWith('--')
        ? (node as unknown as { getFlags(): Flag[] }).getFlags()
        : [];
    const info: InstructionInfo = {
      index,
      keyword,
      node,
      span: { start, end: this.offsetAt(range.end) },
      line: range.start.line,
      stage,
      flags,
      bodyStart: start,
      body: { text: '', toFile: () => start },
      execForm: false,
      opaque: false,
      shell,
    };
    this.locateBody(info, args);
    return info;
  }

  private startStage(from: InstructionInfo, metaArgs: MetaArgs): Stage {
    const words = from.body.text.trim().split(/\s+/);
    const as = words.findIndex((w) => w.toLowerCase() === 'as');
    const stage: Stage = {
      index: this.stages.length,
      name: as > 0 && words[as + 1] ? words[as + 1].toLowerCase() : null,
      base: words[0] ?? '',
      image: words[0] ?? '',
      anyStage: false,
      from,
      instructions: [],
    };
    const argument = (from.node as From).getArguments()[0];
    if (stage.base.includes('$') && argument) {
      const expanded = this.expand(from.node, argument.getRange(), metaArgs);
      stage.image = expanded.text;
      stage.anyStage = expanded.open && STAGE_NAME_CHARACTERS.test(expanded.literal);
    }
    from.stage = stage;
    this.stages.push(stage);
    return stage;
  }

  /**
   * The values the ARGs before the first FROM give when no `--build-arg`
   * does, by name. BuildKit reads them in order, expanding each default
   * with the ones declared before it, so `ARG A=deps` then `ARG B=$A` gives
   * `B` the value `deps`. Null for an ARG without a default, whose value
   * only a `--build-arg` gives, and for one whose default dslim does not
   * expand (see `expand`).
   */
  private metaArgs(): MetaArgs {
    const values: MetaArgs = new Map();
    for (const arg of this.ast.getInitialARGs()) {
      const property = arg.getProperty();
      if (!property) continue;
      values.set(property.getName(), this.defaultValue(arg, values));
    }
    return values;
  }

  /**
   * The default of a global ARG, expanded with the ones before it, or null.
   * The parser gives the value without its quotes; a default in double
   * quotes is expanded inside them, one in single quotes is taken as it is.
   * A default with escapes and variables both is not expanded.
   */
  private defaultValue(arg: Arg, values: MetaArgs): string | null {
    const property = arg.getProperty();
    const value = property?.getValue() ?? null;
    const range = property?.getValueRange();
    if (value === null || !range) return null;
    const raw = this.text.slice(this.offsetAt(range.start), this.offsetAt(range.end));
    if (raw === `'${value}'`) return value;
    if (raw !== value && raw !== `"${value}"`) return value.includes('$') ? null : value;
    const expanded = this.expand(arg, range, values);
    if (expanded.open) return null;
    return raw === value ? expanded.text : expanded.text.slice(1, -1);
  }

  /**
   * The text of `range` (part of `instruction`) with the variables the
   * parser finds in it replaced by their values in `values`: `$A`, `${A}`,
   * `${A:-word}` and `${A:+word}`, as BuildKit expands them. A variable
   * whose value is unknown (no ARG declares it, or it has no default), or
   * that uses another form, stays as written; `open` then says so, and
   * `literal` is the text without such variables.
   */
  private expand(
    instruction: Instruction,
    range: ReturnType<Instruction['getRange']>,
    values: MetaArgs,
  ): { text: string; open: boolean; literal: string } {
    const start = this.offsetAt(range.start);
    const end = this.offsetAt(range.end);
    let text = '';
    let literal = '';
    let open = false;
    let at = start;
    for (const variable of instruction.getVariables()) {
      const from = this.offsetAt(variable.getRange().start);
      const to = this.offsetAt(variable.getRange().end);
      if (from < at || to > end) continue;
      const between = this.text.slice(at, from);
      const value = variableValue(variable, values);
      text += between + (value ?? this.text.slice(from, to));
      literal += between + (value ?? '');
      open ||= value === null;
      at = to;
    }
    const rest = this.text.slice(at, end);
    return { text: text + rest, open, literal: literal + rest };
  }

  /** Finds where the arguments start once the keyword and flags are skipped. */
  private locateBody(info: InstructionInfo, args: LogicalText): void {
    let skip = 0;
    const text = args.text;
    const wordCount = info.flags.length;
    for (let word = 0; word <= wordCount; word++) {
      while (skip < text.length && /\s/.test(text[skip])) skip++;
      if (word === wordCount) break;
      while (skip < text.length && !/\s/.test(text[skip])) skip++;
    }
    info.bodyStart = Math.min(args.toFile(skip), info.span.end);
    info.body = this.logical(info.bodyStart, info.span.end);
    info.execForm =
      info.body.text.trimStart().startsWith('[') && parseJsonArray(info.body.text) !== null;
  }

  /**
   * Marks heredoc instructions opaque. Where a line opens a heredoc that the
   * parser did not see, the parse cannot be trusted from there to the
   * terminator, so those instructions and their neighbours are opaque too.
   */
  private markHeredocs(): void {
    for (const info of this.instructions) {
      if (!['RUN', 'COPY', 'ADD'].includes(info.keyword)) continue;
      const raw = this.text.slice(info.bodyStart, info.span.end);
      const names = [...raw.matchAll(HEREDOC_OPENER)];
      if (names.length === 0) continue;
      info.opaque = true;
      const parsed = getHeredocNames(info.node);
      const missed = names.filter((m) => m[1] !== '' || !parsed.includes(m[4]));
      if (missed.length === 0) continue;
      const last = this.findTerminator(info, missed[missed.length - 1]);
      for (const other of this.instructions) {
        if (
          other.index >= info.index - 1 &&
          (other.span.start <= last || other.index === info.index + 1)
        ) {
          other.opaque = true;
        }
      }
      const after = this.instructions.find((o) => o.span.start > last);
      if (after) after.opaque = true;
    }
  }

  private findTerminator(info: InstructionInfo, opener: RegExpMatchArray): number {
    const name = opener[4];
    const stripTabs = opener[2] === '-';
    for (let line = this.lineAt(info.span.start) + 1; line < this.lineCount; line++) {
      const text = this.lineText(line);
      if ((stripTabs ? text.replace(/^\t+/, '') : text) === name) return this.lineEnd(line);
    }
    return this.text.length;
  }
}

/** The values of the global ARGs by name; null where a `--build-arg` alone gives one. */
type MetaArgs = Map<string, string | null>;

/** What a stage name may be made of (BuildKit: `[a-z][a-z0-9-_.]*`, in any case). */
const STAGE_NAME_CHARACTERS = /^[a-z0-9._-]*$/i;

/**
 * The value a variable of a FROM or global ARG expands to, or null when it
 * is unknown: no ARG declares it, or its ARG has no default, or it uses a
 * form other than `$A`, `${A}`, `${A:-word}` and `${A:+word}`, or its word
 * holds a variable itself.
 */
function variableValue(variable: Variable, values: MetaArgs): string | null {
  const value = values.get(variable.getName());
  if (value === null || value === undefined) return null;
  const modifier = variable.getModifier();
  if (modifier === null) return value;
  const word = variable.getSubstitutionParameter() ?? '';
  if (word.includes('$')) return null;
  if (modifier === '-') return value !== '' ? value : word;
  if (modifier === '+') return value !== '' ? word : '';
  return null;
}

/**
 * True for a RUN whose script dslim can read as a POSIX shell script: in
 * shell form (not a JSON array), without a heredoc (whose lines are not in
 * the body), under a shell that understands `&&`.
 */
export function isShellRun(instruction: InstructionInfo): boolean {
  return (
    instruction.keyword === 'RUN' &&
    !instruction.execForm &&
    !instruction.opaque &&
    isPosixShell(instruction.shell)
  );
}

/** True when a SHELL array runs a POSIX-style shell that understands `&&`. */
export function isPosixShell(shell: string[]): boolean {
  const program = (shell[0] ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/\.exe$/i, '');
  return POSIX_SHELLS.has(program.toLowerCase());
}

/** True when the SHELL array turns on errexit (`-e`, `-eo pipefail`, `-o errexit`). */
export function shellHasErrexit(shell: string[]): boolean {
  return shell.some(
    (arg, i) => /^-[a-zA-Z]*e[a-zA-Z]*$/.test(arg) || (arg === '-o' && shell[i + 1] === 'errexit'),
  );
}

function defaultShellFor(image: string): string[] {
  return WINDOWS_IMAGE.test(image) ? WINDOWS_SHELL : DEFAULT_SHELL;
}

function getHeredocNames(node: Instruction): string[] {
  const withHeredocs = node as unknown as { getHeredocs?: () => { getName(): string }[] };
  return withHeredocs.getHeredocs ? withHeredocs.getHeredocs().map((h) => h.getName()) : [];
}

/** Index of the escape character that continues this line, or -1. */
function continuationCut(line: string, escape: string): number {
  const trimmed = line.replace(/[ \t\r]+$/, '');
  return trimmed.endsWith(escape) ? trimmed.length - escape.length : -1;
}

function parseJsonArray(text: string): string[] | null {
  try {
    const value: unknown = JSON.parse(text.trim());
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : null;
  } catch {
    return null;
  }
}

/** The file's first line break (`\r\n`, `\n` or a lone `\r`), which inserted lines follow. */
function detectEol(text: string): string {
  return /\r\n|\n|\r/.exec(text)?.[0] ?? '\n';
}

/** Line starts after `\r\n`, `\n` or a lone `\r`, as the parser counts lines. */
function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r') {
      if (text[i + 1] === '\n') i++;
      starts.push(i + 1);
    } else if (c === '\n') {
      starts.push(i + 1);
    }
  }
  return starts;
}

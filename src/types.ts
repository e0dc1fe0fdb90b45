import type { DockerDocument, Span } from './document';

/**
 * What a transform may change in the final image.
 * - `layout`: same files and config; only how they are split into layers.
 * - `cache`: removes package-manager caches, never a file a program reads.
 * - `content`: changes what gets installed; only runs when asked for.
 */
export type SafetyClass = 'layout' | 'cache' | 'content';

export const SAFETY_CLASSES: readonly SafetyClass[] = ['layout', 'cache', 'content'];

/** The safety classes that run when neither a flag nor a configuration file names any. */
export const DEFAULT_SAFETY: readonly SafetyClass[] = ['layout', 'cache'];

/** A replacement of the text between two 0-based offsets. */
export interface Edit {
  start: number;
  end: number;
  text: string;
  /**
   * A sentence that the message of the change making this edit ends with:
   * for an edit that shared code adds to several transforms' changes and
   * that the user should hear about, like the `# syntax` directive.
   */
  explain?: string;
}

/**
 * One thing a transform found. A change carries edits that the engine
 * applies together or not at all; a note carries none and explains why
 * something was left alone.
 */
export interface Finding {
  transform: string;
  kind: 'change' | 'note';
  /** 0-based offset the finding is about, for the printed line number. */
  offset: number;
  message: string;
  edits: Edit[];
  /**
   * For a note, the text it is about or its reason rests on (a `--mount`
   * flag, the flags two RUNs differ in), when that is not the whole
   * instruction at `offset`: a note about text that dslim itself wrote in
   * this run is dropped, since the change that wrote it says why, and the
   * note an earlier round gave about the user's text takes its place.
   */
  subject?: Span | readonly Span[];
  /** For a change, the id of its message template and the data that fills it (see `Transform.combine`). */
  template?: { id: string; data: MessageData };
}

export interface OptionSpec {
  description: string;
  default: string | boolean;
  /** Allowed values for string options. */
  choices?: string[];
}

export type TransformOptions = Record<string, string | boolean>;

/** Collects what one transform finds in one document. */
export interface Reporter {
  change(offset: number, messageId: string, data: MessageData, edits: Edit[]): void;
  note(
    offset: number,
    messageId: string,
    data: MessageData,
    subject?: Span | readonly Span[],
  ): void;
}

/**
 * What fills a message's `{name}` placeholders. A list fills none: it is
 * there for `Transform.combine`, which may need more than the words.
 */
export type MessageData = Record<string, string | number | readonly string[]>;

/**
 * A transform: metadata next to a pure function from a parsed document to
 * findings. Docs and `dslim list` are generated from the metadata.
 */
export interface Transform {
  /** Kebab-case, verb first; the file in `transforms/` has the same name. */
  id: string;
  /** Imperative, no final period. */
  title: string;
  /** Why the change makes the image smaller, in one or two sentences. */
  rationale: string;
  safety: SafetyClass;
  /** Message templates with `{name}` placeholders. */
  messages: Record<string, string>;
  options: Record<string, OptionSpec>;
  /** What the transform knowingly does not handle, in plain words. */
  limitations: string[];
  /** Inputs and the exact text the transform makes of them, shown in its docs page. */
  examples?: TransformExample[];
  run(doc: DockerDocument, report: Reporter, options: TransformOptions): void;
  /**
   * For a transform whose change in a later round extends its own changes of
   * earlier rounds (merge-runs joins the RUNs it joined before, when one
   * round would have joined too many): the data of the one change the user
   * is told about, from the later change's data and the data of the earlier
   * changes it takes in, in the order of the input. Rounds are the engine's
   * business; without this hook each round's change is reported apart.
   */
  combine?(later: MessageData, earlier: MessageData[]): MessageData;
}

/**
 * Advice: a check that reads a Dockerfile together with the files around
 * it and reports, as a note, what would make the image or its build smaller
 * outside the Dockerfile. It changes no byte of the Dockerfile, so it has no
 * safety class; `--only`, `--skip`, a configuration file and inline
 * comments choose it by its id as they choose transforms. It needs the
 * Dockerfile's path, so only `dslim fix` on files runs it, never the API
 * or `--stdin`. Docs and `dslim list` are generated from the metadata.
 */
export interface Advisory {
  /** Kebab-case; the name of the thing it advises on. */
  id: string;
  /** Imperative, no final period. */
  title: string;
  /** Why acting on the advice makes the image or its build smaller. */
  rationale: string;
  /** What the user (or a flag of dslim) does about the advice. */
  action: string;
  /** Message templates with `{name}` placeholders. */
  messages: Record<string, string>;
  /** What the advice knowingly does not see, in plain words. */
  limitations: string[];
}

/** A Dockerfile before and after one transform; a test checks the transform does this. */
export interface TransformExample {
  before: string;
  after: string;
  /** Options to run the transform with, when not the defaults. */
  options?: TransformOptions;
}

import { copyOperands, flagValue } from './copy-args';
import type { DockerDocument, InstructionInfo, Stage } from './document';
import { lineRef } from './line-ref';
import { orList } from './lists';
import {
  isWithin,
  mountFlags,
  mountOption,
  pathsOverlap,
  reachedDirectory,
  resolvePath,
} from './paths';
import { directoryAt } from './stage-paths';

/** Flags that leave a `COPY --from` putting files where they were. */
const IN_PLACE_FLAGS = new Set(['from', 'chown', 'chmod', 'link']);
/**
 * Directories that hold nothing but caches: a copy of one of them copies
 * the caches, never an installation that happens to hold one.
 */
const CACHE_ROOTS = new Set(['/root/.cache', '/var/cache']);

/** A stage that has the files a RUN leaves, from the instruction on which it has them. */
export interface Heir {
  stage: Stage;
  /** Index of the instruction after which the stage has the files. */
  after: number;
}

/** A path one instruction reads out of another stage, and how it names that stage. */
interface StageRead {
  instruction: InstructionInfo;
  /** The instruction as a reader would recognise it: `COPY --from=base`. */
  how: string;
  verb: 'copies' | 'mounts';
  from: string;
  /** Paths in the other stage, as written; relative ones start at its root. */
  paths: string[];
  /** Read by an `ONBUILD` trigger, in the images built on the instruction's stage. */
  trigger: boolean;
}

/**
 * The stages that have the files `run` leaves at the paths it left them:
 * its own stage after it, every stage built on one of these, and, for the
 * files in `dirs`, every stage that copies a directory strictly above them
 * back to the same path (`COPY --from=build /opt/conda /opt/conda`), from
 * that COPY on. Such a COPY takes the installation the cache is part of; a
 * cache there is still a cache, so the stage counts as built on the RUN's.
 */
export function heirs(doc: DockerDocument, run: InstructionInfo, dirs: string[]): Heir[] {
  const found: Heir[] = [];
  const queue: Heir[] = run.stage ? [{ stage: run.stage, after: run.index }] : [];
  for (let heir = queue.shift(); heir; heir = queue.shift()) {
    const { stage, after } = heir;
    if (found.some((f) => f.stage === stage && f.after <= after)) continue;
    found.push(heir);
    for (const child of doc.stages.filter((s) => s.index > stage.index)) {
      if (mayBuildOn(doc, child, stage)) queue.push({ stage: child, after: child.from.index });
    }
    for (const read of laterReads(doc, stage.from.index)) {
      const copy = read.instruction;
      if (read.trigger || !copy.stage || namedStage(doc, read) !== stage) continue;
      if (copiesInPlace(doc, copy, dirs)) queue.push({ stage: copy.stage, after: copy.index });
    }
  }
  return found;
}

/**
 * True when `child` builds on `stage`: its FROM names it, directly or through
 * ARGs' defaults, or through an ARG without one, which a `--build-arg` may
 * set to any earlier stage's name (see `Stage.anyStage`).
 */
function mayBuildOn(doc: DockerDocument, child: Stage, stage: Stage): boolean {
  return child.anyStage || doc.findStage(child.image, child.from.index) === stage;
}

/**
 * Why the cache in `dirs` that `run` leaves must stay: a later `COPY
 * --from` or `RUN --mount=...,from=` (an `ONBUILD` one included) reads a
 * path at, above or below one of `dirs` out of a stage that has it (see
 * `heirs`), other than to copy a directory strictly above the cache back to
 * the same place. There the files are data that stage copies or reads, not
 * a cache, so removing them would change it: a same-path copy of the cache
 * directory itself, or of a path inside it, asks for the cache. A `--from`
 * holding a variable may name such a stage and counts. Null when no reader
 * does.
 */
export function readByLaterStage(
  doc: DockerDocument,
  run: InstructionInfo,
  dirs: string[],
): string | null {
  const held = new Set(heirs(doc, run, dirs).map((h) => h.stage));
  for (const read of laterReads(doc, run.index)) {
    const path = read.paths.find((p) => dirs.some((dir) => pathsOverlap(rootPath(p), dir)));
    if (path === undefined) continue;
    const stage = namedStage(doc, read);
    if (stage === undefined) continue;
    if (stage && !held.has(stage)) continue;
    if (stage && !read.trigger && copiesInPlace(doc, read.instruction, dirs)) continue;
    const whose =
      stage === null
        ? 'a stage named by a variable, which may be this one'
        : stage === run.stage
          ? 'this stage'
          : `stage \`${stage.name ?? stage.index}\`, which has this stage's files`;
    const line = lineRef(read.instruction);
    const what = read.verb === 'copies' ? 'copies' : 'reads';
    return `the \`${read.how}\` on line ${line} ${read.verb} \`${path}\` from ${whose}, so removing the cache would change what it ${what}`;
  }
  return null;
}

/**
 * The `COPY --from` and `RUN --mount=...,from=` reads of the instructions
 * after `after`, and those of every `ONBUILD`: a trigger runs only once the
 * file's stages are built, wherever it is written.
 */
function laterReads(doc: DockerDocument, after: number): StageRead[] {
  return doc.instructions.flatMap((i) => {
    const trigger = doc.trigger(i);
    if (trigger) return stageReads(doc, trigger, true);
    return i.index > after ? stageReads(doc, i, false) : [];
  });
}

function stageReads(
  doc: DockerDocument,
  instruction: InstructionInfo,
  trigger: boolean,
): StageRead[] {
  const onbuild = trigger ? 'ONBUILD ' : '';
  const from = instruction.keyword === 'COPY' ? flagValue(instruction, 'from') : null;
  if (from !== null) {
    const paths = copyOperands(doc, instruction)?.sources.map((s) => s.value) ?? ['/'];
    const how = `${onbuild}COPY --from=${from}`;
    return [{ instruction, how, verb: 'copies', from, paths, trigger }];
  }
  if (instruction.keyword !== 'RUN') return [];
  return mountFlags(instruction).flatMap((flag) => {
    const mountFrom = mountOption(flag, 'from');
    if (mountFrom === null) return [];
    const source = mountOption(flag, 'source', 'src') ?? '/';
    const how = `${onbuild}RUN --mount=from=${mountFrom}`;
    const paths = [source];
    return [{ instruction, how, verb: 'mounts' as const, from: mountFrom, paths, trigger }];
  });
}

/** The stage a read names, undefined for an image, null when a variable may name any. */
function namedStage(doc: DockerDocument, read: StageRead): Stage | undefined | null {
  if (read.from.includes('$')) return null;
  return doc.findStage(read.from, read.instruction.index);
}

/**
 * True for a `COPY --from` of one directory strictly above every one of
 * `dirs` it reaches, to the same path: the files land where they were, and
 * the COPY takes the installation that holds the cache, not the cache. A
 * directory that holds only caches (`/root/.cache`) is the cache itself.
 */
function copiesInPlace(doc: DockerDocument, copy: InstructionInfo, dirs: string[]): boolean {
  if (copy.keyword !== 'COPY' || !copy.stage) return false;
  if (copy.flags.some((f) => !IN_PLACE_FLAGS.has(f.getName().toLowerCase()))) return false;
  const operands = copyOperands(doc, copy);
  if (!operands || operands.sources.length !== 1) return false;
  const source = resolvePath(operands.sources[0].value, '/');
  const cwd = directoryAt(doc, copy);
  if (source === null || resolvePath(operands.destination.value, cwd) !== source) return false;
  const reached = dirs.filter((dir) => pathsOverlap(dir, source));
  if (CACHE_ROOTS.has(source)) return false;
  return reached.length > 0 && reached.every((dir) => dir !== source && isWithin(dir, source));
}

/** The directory a path read out of another stage reaches, from that stage's root. */
function rootPath(path: string): string {
  return resolvePath(path, '/') ?? reachedDirectory(path, '/') ?? '/';
}

/** The limitation each cache transform states for `readByLaterStage`, naming its cache directories. */
export function readByLaterStageLimitation(dirs: string[]): string {
  const named = dirs.map((dir) => `\`${dir}\``);
  const list = orList(named);
  const them = named.length > 1 ? 'one of them' : 'it';
  return `A later \`COPY --from\` or \`RUN --mount=...,from=\` that reads ${list} (or a directory above ${them}, or a path inside ${them}) out of the RUN's stage or a stage that has its files keeps the RUN as it is; an \`ONBUILD\` one and a \`--from\` holding a variable count. Only a COPY of one directory strictly above the cache back to the same path (\`COPY --from=build / /\`), which takes the installation that holds the cache, is followed like a stage built on it; a same-path copy of the cache directory, of a path inside it or of a directory that holds only caches (\`/root/.cache\`, \`/var/cache\`) asks for the cache and keeps the RUN as it is.`;
}

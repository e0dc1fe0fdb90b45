import { posix } from 'node:path';
import type { Flag } from 'dockerfile-ast';
import type { DockerDocument, InstructionInfo, Stage } from './document';
import type { Edit } from './types';

/** Characters that make a word's value depend on the shell or on the file system. */
const UNRESOLVABLE = /[$`*?[\]{}~"'\\]/;

/**
 * The absolute, normalized path a word names when run in `cwd`, or null
 * when it holds a variable, a glob, quotes or escapes, or is relative to an
 * unknown directory.
 */
export function resolvePath(word: string, cwd: string | null): string | null {
  if (word === '' || UNRESOLVABLE.test(word)) return null;
  if (word.startsWith('/')) return posix.normalize(word).replace(/(.)\/$/, '$1');
  if (cwd === null) return null;
  return posix.join(cwd, word).replace(/(.)\/$/, '$1');
}

/** True when `inner` is `outer` or lies below it. */
export function isWithin(inner: string, outer: string): boolean {
  return inner === outer || outer === '/' || inner.startsWith(`${outer}/`);
}

/**
 * Symbolic links that common base images ship, link → target: merged
 * `/usr` (Debian 12, Ubuntu, Fedora, RHEL), `/var/run` and `/var/lock` in
 * `/run`, and a few more. Two paths that differ only by one of these may
 * name the same file. An image without such a link (Alpine keeps `/bin`
 * and `/lib` apart) only makes dslim more careful than it needs to be.
 */
const STANDARD_LINKS: [string, string][] = [
  ['/bin', '/usr/bin'],
  ['/sbin', '/usr/sbin'],
  ['/lib', '/usr/lib'],
  ['/lib32', '/usr/lib32'],
  ['/lib64', '/usr/lib64'],
  ['/libx32', '/usr/libx32'],
  ['/var/run', '/run'],
  ['/var/lock', '/run/lock'],
  ['/var/spool/mail', '/var/mail'],
  ['/usr/tmp', '/var/tmp'],
  ['/usr/local/man', '/usr/local/share/man'],
  ['/etc/os-release', '/usr/lib/os-release'],
  // Points at the image's time zone, somewhere in the database.
  ['/etc/localtime', '/usr/share/zoneinfo'],
];

/**
 * The path with every well-known link of a base image (see
 * `STANDARD_LINKS`) replaced by its target, so that `/lib/x` and
 * `/usr/lib/x` read the same.
 */
export function canonicalPath(path: string): string {
  let result = path;
  // A target may itself lie under another link (`/var/lock` → `/var/run/lock` → ...).
  for (let round = 0; round < STANDARD_LINKS.length; round++) {
    const link = STANDARD_LINKS.find(([from]) => isWithin(result, from) && from !== '/');
    if (!link) break;
    result = link[1] + result.slice(link[0].length);
  }
  return result;
}

/**
 * True when `inner` may be `outer` or lie below it: as written, or once
 * the well-known links of base images are followed (`/lib/x` lies in
 * `/usr/lib`). For deciding what a command may reach, not what it surely does.
 */
export function mayBeWithin(inner: string, outer: string): boolean {
  return isWithin(inner, outer) || isWithin(canonicalPath(inner), canonicalPath(outer));
}

/**
 * True when one path may be the other or lie below it, as written or
 * through a well-known link of base images (see `mayBeWithin`).
 */
export function pathsOverlap(a: string, b: string): boolean {
  return mayBeWithin(a, b) || mayBeWithin(b, a);
}

/**
 * The directory a word reaches into when it cannot be resolved exactly:
 * `/tmp/*` reaches `/tmp`, `./build-$V` reaches the working directory.
 * Null when the word has no literal directory part.
 */
export function reachedDirectory(word: string, cwd: string | null): string | null {
  const special = word.search(UNRESOLVABLE);
  const literal = special === -1 ? word : word.slice(0, special);
  const slash = literal.lastIndexOf('/');
  if (slash === -1) return null;
  return resolvePath(literal.slice(0, slash) || '/', cwd);
}

/**
 * The path a word names exactly, or else the directory it reaches into (see
 * `reachedDirectory`), with `~` and `$HOME` read as `/root`: the home of
 * root, where the caches dslim knows are. Null for an option, or a word
 * whose directory depends on a variable or an unknown working directory.
 */
export function wordPath(word: string, cwd: string | null): string | null {
  if (word === '' || word.startsWith('-')) return null;
  const text = homeAsRoot(word);
  return resolvePath(text, cwd) ?? reachedDirectory(text, cwd);
}

/** A word with a leading `~`, `$HOME` or `${HOME}` written as `/root`. */
export function homeAsRoot(word: string): string {
  return word.replace(/^(~|\$HOME|\$\{HOME\})(?=\/|$)/, '/root');
}

/** The argument values of an instruction, flags excluded, as the parser reads them. */
export function instructionArgs(instruction: InstructionInfo): string[] {
  const node = instruction.node as unknown as { getArguments(): { getValue(): string }[] };
  if (instruction.execForm) {
    try {
      return JSON.parse(instruction.body.text.trim()) as string[];
    } catch {
      return [];
    }
  }
  return node.getArguments().map((a) => a.getValue());
}

/** The value of a `--name=value` flag, or null. */
export function flagValue(instruction: InstructionInfo, name: string): string | null {
  const flag = instruction.flags.find((f) => f.getName().toLowerCase() === name);
  return flag ? (flag.getValue() ?? '') : null;
}

/** A `--mount` of a RUN, as the checks of what it covers read it. */
export interface RunMount {
  /** `bind`, `cache`, `tmpfs`, `secret` or `ssh`: `bind` when the flag names none, as in BuildKit. */
  type: string;
  /** The target as written, or as BuildKit puts a secret or ssh mount without one. */
  target: string | null;
  /** The absolute path of the target, or null when it cannot be resolved (see `resolvePath`). */
  path: string | null;
  /** The `--mount` flag itself, for where it is written. */
  flag: Flag;
}

/**
 * The `--mount`s of a RUN, with their targets resolved against `cwd`, the
 * RUN's working directory, as BuildKit resolves a relative one. A secret or
 * ssh mount without a target goes where BuildKit puts it: `/run/secrets/ID`
 * and `/run/buildkit/ssh_agent.N`, below `/run/buildkit` here.
 */
export function runMounts(run: InstructionInfo, cwd: string | null): RunMount[] {
  return mountFlags(run).map((flag) => {
    const type = (mountOption(flag, 'type') ?? 'bind').toLowerCase();
    const id = mountOption(flag, 'id');
    const target =
      mountOption(flag, ...TARGET_KEYS) ??
      (type === 'secret' && id ? `/run/secrets/${id}` : type === 'ssh' ? '/run/buildkit' : null);
    return { type, target, path: target === null ? null : resolvePath(target, cwd), flag };
  });
}

/** The target paths of a RUN's `--mount` flags (see `runMounts`); null for one dslim cannot resolve. */
export function mountTargets(run: InstructionInfo, cwd: string | null): (string | null)[] {
  return runMounts(run, cwd).map((mount) => mount.path);
}

/**
 * Whether a `--mount` of the RUN may cover one of `paths`: its target is
 * one of them, above or inside one, or cannot be resolved.
 */
export function mayMountOver(run: InstructionInfo, cwd: string | null, paths: string[]): boolean {
  return mountTargets(run, cwd).some((m) => m === null || paths.some((p) => pathsOverlap(p, m)));
}

/** The names BuildKit takes for a mount's target. */
export const TARGET_KEYS = ['target', 'dst', 'destination'];

/** The `--mount` flags of a RUN. */
export function mountFlags(run: InstructionInfo): Flag[] {
  return run.flags.filter((flag) => flag.getName().toLowerCase() === 'mount');
}

/**
 * The value of a mount's option, under the first of `names` it has (BuildKit
 * reads option names in any case), or null.
 */
export function mountOption(flag: Flag, ...names: string[]): string | null {
  const options = flag.getOptions();
  for (const name of names) {
    const option = options.find((o) => o.getName().toLowerCase() === name);
    if (option) return option.getValue() ?? '';
  }
  return null;
}

/** What every change that adds the `syntax` directive says about it. */
const SYNTAX_ADDED =
  'Also adds `# syntax=docker/dockerfile:1` as the first line, which `RUN --mount` needs: BuildKit then pulls the `docker/dockerfile:1` frontend image to build the file.';

/**
 * The edit that puts `# syntax=docker/dockerfile:1` first in a file that has
 * no `syntax` directive, or none: `RUN --mount` needs a Dockerfile frontend
 * that knows it, and a directive already there is the user's choice.
 */
export function syntaxDirectiveEdits(doc: DockerDocument): Edit[] {
  if (doc.ast.getDirectives().some((d) => d.getName().toLowerCase() === 'syntax')) return [];
  return [
    { start: 0, end: 0, text: `# syntax=docker/dockerfile:1${doc.eol}`, explain: SYNTAX_ADDED },
  ];
}

const DOCKERFILE_FRONTEND =
  /^(?:(?:index\.)?docker\.io\/)?docker\/dockerfile(?::([\w][\w.-]*))?(?:@sha256:[0-9a-f]{64})?$/;
const FRONTEND_TAG = /^(\d+)(?:\.(\d+))?(?:\.\d+)?(?:-(labs|experimental))?$/;

/**
 * Why the file's `syntax` directive does not allow `RUN --mount`, or null
 * when it does or there is none (`syntaxDirectiveEdits` then adds one that
 * does). `docker/dockerfile` reads `--mount` from 1.2 on, and in every
 * `labs` or `experimental` channel; `1` and `latest` are the newest 1.x.
 * Any other frontend image is unknown, so it does not count as allowing it.
 */
export function mountSyntaxProblem(doc: DockerDocument): string | null {
  const directive = doc.ast.getDirectives().find((d) => d.getName().toLowerCase() === 'syntax');
  const value = directive?.getValue()?.trim();
  if (!directive || value === undefined) return null;
  const frontend = DOCKERFILE_FRONTEND.exec(value);
  if (!frontend)
    return `the \`syntax\` directive names the frontend \`${value}\`, which may not know \`RUN --mount\``;
  const tag = frontend[1] ?? 'latest';
  if (['latest', 'labs', 'experimental'].includes(tag)) return null;
  const version = FRONTEND_TAG.exec(tag);
  if (!version)
    return `the \`syntax\` directive asks for \`${value}\`, a version of the Dockerfile frontend that may not know \`RUN --mount\``;
  const [major, minor] = [Number(version[1]), version[2] === undefined ? null : Number(version[2])];
  if (version[3] || major > 1 || (major === 1 && (minor === null || minor >= 2))) return null;
  return `the \`syntax\` directive pins \`${value}\`, and the Dockerfile frontend reads \`RUN --mount\` only from 1.2 on`;
}

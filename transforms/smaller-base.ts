import type { From } from 'dockerfile-ast';
import type { DockerDocument, Stage } from '../src/document';
import { commandLine, programName, runScripts, triggerScripts } from '../src/package-runs';
import { firstOperand, type ShellCommand } from '../src/shell-commands';
import { analyzeScript } from '../src/shell-effects';
import { startCommand } from '../src/start-command';
import type { Transform } from '../src/types';
import slimBases from './data/slim-bases.json';

/** One row of `data/slim-bases.json`. */
interface Family {
  family: string;
  images: string[];
  tag: string;
  slim: string;
  requires: 'nothing' | 'no-builds' | 'java-only';
  drops: string;
}

const FAMILIES = slimBases.families as Family[];
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
/** Programs that a JDK has and a JRE lacks, and build tools that need them. */
const JDK_ONLY = new Set(
  'javac jar jarsigner javadoc jlink jdeps jshell jpackage jcmd jstack jmap jstat jinfo jps jdb jhsdb jfr jconsole serialver mvn mvnw gradle gradlew sbt lein ant'.split(
    ' ',
  ),
);

/**
 * Commands that compile, or install packages that may compile (native gems,
 * Python sdists, node-gyp addons), with the compilers and headers the slim
 * variants leave out. Each program maps to the subcommands that do so, or to
 * null when any run of it does; `''` stands for no subcommand (`bundle`,
 * `yarn`). Whether the packages are pure cannot be known from the Dockerfile.
 */
const BUILDS: Record<string, string[] | null> = {
  make: null,
  gmake: null,
  cmake: null,
  ninja: null,
  configure: null,
  gcc: null,
  cc: null,
  'g++': null,
  'c++': null,
  clang: null,
  'clang++': null,
  'node-gyp': null,
  bundle: ['', 'install'],
  gem: ['install'],
  pip: ['install', 'wheel'],
  pipenv: ['install', 'sync'],
  poetry: ['install'],
  uv: ['pip', 'sync'],
  npm: ['ci', 'install', 'i', 'rebuild'],
  yarn: ['', 'install', 'add'],
  pnpm: ['install', 'i', 'add'],
  cargo: ['build', 'install'],
  go: ['build', 'install'],
  python: ['setup.py'],
};

const smallerBase: Transform = {
  id: 'smaller-base',
  title: 'Start the final stage from the slim variant of its official image',
  rationale:
    'Official images publish a slim variant of the same version (or a JRE beside the JDK) that leaves out compilers, headers and documentation, often hundreds of megabytes. A final stage that only runs the program rarely needs them.',
  safety: 'content',
  messages: {
    switched:
      'Starts the final stage from `{candidate}` instead of `{image}`: the same {family} version without {drops}. Check that nothing in this stage builds code or needs what was dropped.',
    refused: 'Leaves `{image}` alone although `{candidate}` exists: {reason}.',
  },
  options: {},
  limitations: [
    'Only the last stage is rewritten; builder stages usually need the compilers the slim variants leave out.',
    'Images pinned by digest, named through variables, with `--platform`, or from another registry are left alone.',
    'A JDK becomes a JRE only when the command the stage starts with (its ENTRYPOINT with its CMD after it, a shell-form one run through its SHELL) runs `java` first, directly, and no RUN uses a JDK tool or a build tool.',
    'A python, node or ruby stage that runs a build or a package install (`make`, `gcc`, `./configure`, `bundle install`, `gem install`, `pip install`, `npm ci`, `yarn`, `cargo build`, `go build` and the like) in a RUN or an ONBUILD RUN is left alone, even when every package may be pure: the slim variant has no compilers or headers.',
    'Whether the program needs a library that only the full image has is not checked: that is why this transform is in the `content` class.',
  ],
  run(doc, report) {
    const stage = doc.stages[doc.stages.length - 1];
    if (!stage || doc.findStage(stage.image, stage.from.index)) return;
    const from = stage.from.node as From;
    const tag = from.getImageTag();
    const tagRange = from.getImageTagRange();
    const registry = from.getRegistry();
    if (!tag || !tagRange || (registry && !DOCKER_HUB.has(registry))) return;
    const name = (from.getImageName() ?? '').replace(/^library\//, '');
    const family = FAMILIES.find((f) => f.images.includes(name));
    const match = family && new RegExp(family.tag).exec(tag);
    if (!family || !match) return;

    const candidate = `${name}:${family.slim.replace(/\{(\w+)\}/g, (_, key: string) => match.groups?.[key] ?? '')}`;
    const image = `${name}:${tag}`;
    const reason = refusal(doc, stage, family);
    if (reason) {
      report.note(stage.from.span.start, 'refused', { image, candidate, reason });
      return;
    }
    const start = doc.offsetAt(tagRange.start);
    report.change(
      stage.from.span.start,
      'switched',
      { image, candidate, family: family.family, drops: family.drops },
      [{ start, end: doc.offsetAt(tagRange.end), text: candidate.slice(name.length + 1) }],
    );
  },
};

export default smallerBase;

function refusal(doc: DockerDocument, stage: Stage, family: Family): string | null {
  const from = stage.from.node as From;
  const image = doc.text.slice(stage.from.bodyStart, stage.from.span.end);
  if (from.getImageDigest())
    return 'the image is pinned by digest, and the slim variant has its own';
  if (image.includes('$')) return 'the image is named through a variable';
  if (stage.from.flags.length > 0) return 'the FROM has flags (`--platform`), which are left alone';
  if (family.requires === 'java-only') return javaOnlyProblem(doc, stage);
  if (family.requires === 'no-builds') return buildProblem(doc, stage);
  return null;
}

/** Why a JRE might not be enough for this stage, or null when it only runs `java`. */
function javaOnlyProblem(doc: DockerDocument, stage: Stage): string | null {
  for (const run of stage.instructions.filter((i) => i.keyword === 'RUN')) {
    if (run.execForm || run.opaque) return 'a RUN in this stage may use the JDK';
    const tool = analyzeScript(run.body.text)
      .commands.map((c) => c.split('/').pop()!)
      .find((c) => JDK_ONLY.has(c));
    if (tool) return `\`${tool}\` runs in this stage and needs the JDK`;
  }
  const start = startCommand(doc, stage);
  if (!start.entrypoint && !start.cmd)
    return 'the stage sets no ENTRYPOINT or CMD of its own, so it starts what the JDK image starts';
  const program = start.commands[0]?.name ?? '';
  if (program.split('/').pop() !== 'java')
    return `the stage starts \`${program}\`, not \`java\` directly, so what it needs is unknown`;
  return null;
}

/**
 * Why a slim variant without compilers could fail this stage's build: the
 * first command of its RUNs or ONBUILD RUNs that compiles or installs
 * packages that may (see `BUILDS`). Null when there is none.
 */
function buildProblem(doc: DockerDocument, stage: Stage): string | null {
  const scripts = [
    ...runScripts(doc, stage).map((script) => ({ ...script, kind: 'RUN' })),
    ...triggerScripts(doc, stage).map((script) => ({ ...script, kind: 'ONBUILD RUN' })),
  ];
  for (const { run, commands, kind } of scripts) {
    for (const command of commands) {
      const build = buildName(command);
      if (!build) continue;
      const line = commandLine(run, command.start);
      return `the ${kind} on line ${line} runs \`${build}\`, which may compile code, and the slim variant has no compilers or headers`;
    }
  }
  return null;
}

/**
 * The words naming `command` as a build (`pip install`, `make`), or null
 * when it is none. `python -m pip` counts as `pip`, and versioned names
 * (`pip3.12`, `python3`) as their plain ones.
 */
function buildName(command: ShellCommand): string | null {
  let program = programName(command).replace(/^(pip|python)[\d.]*$/, '$1');
  let args = command.args;
  if (program === 'python' && args[0]?.text === '-m' && args[1]) {
    program = args[1].text.replace(/^pip[\d.]*$/, 'pip');
    args = args.slice(2);
  }
  if (!(program in BUILDS)) return null;
  const subcommands = BUILDS[program];
  if (subcommands === null) return program;
  const operand = firstOperand(args)?.text ?? '';
  return subcommands.includes(operand) ? `${program} ${operand}`.trim() : null;
}

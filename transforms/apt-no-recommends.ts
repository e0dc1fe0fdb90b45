import { insertAfterWord } from '../src/append';
import { firstOperand, hasFlag, type ShellCommand } from '../src/shell-commands';
import {
  programName,
  readOnlyInstall,
  runScripts,
  READ_ONLY_LIMITATION,
} from '../src/package-runs';
import type { DockerDocument, InstructionInfo, Stage } from '../src/document';
import type { Transform } from '../src/types';

const FLAG = '--no-install-recommends';
const CERTIFICATES = 'ca-certificates';
/**
 * Packages whose Debian control data (`apt-cache show PACKAGE`, bookworm and
 * trixie) lists `ca-certificates` under Recommends, not Depends: installed
 * without recommends, they cannot check any HTTPS certificate (curl exits
 * with 60). `libcurl4` and `libcurl3-gnutls` bring the recommendation to the
 * packages that depend on them.
 */
const RECOMMEND_CERTIFICATES = new Set([
  'curl',
  'wget',
  'git',
  'libcurl4',
  'libcurl3-gnutls',
  'libcurl4-openssl-dev',
  'libcurl4-gnutls-dev',
]);
/**
 * Official Docker Hub images that install `ca-certificates` themselves
 * (their Dockerfiles on github.com/docker-library).
 */
const BASES_WITH_CERTIFICATES = new Set([
  'buildpack-deps',
  'golang',
  'node',
  'php',
  'python',
  'ruby',
  'rust',
]);
/** apt-get options that take the next word as their value. */
const VALUED_OPTIONS = new Set(['-o', '-t', '-c', '--option', '--target-release', '--config-file']);

const aptNoRecommends: Transform = {
  id: 'apt-no-recommends',
  title: 'Install Debian packages with `apt-get install --no-install-recommends`',
  rationale:
    'By default apt also installs every package the requested ones recommend, often more than the requested packages themselves. Without them the image is smaller, but a program that relied on a recommended package may miss it.',
  safety: 'content',
  messages: {
    flagged:
      'Adds `--no-install-recommends` to `{command}`: this changes what gets installed, as the packages the requested ones only recommend are no longer installed.',
    refused: 'Leaves `{command}` as it is: {reason}.',
    certificates:
      'Leaves `{command}` as it is: `{package}` only recommends `ca-certificates`, and nothing else here installs it, so without recommends HTTPS downloads (`curl https://…`, `git clone`) fail on the certificate. Adding `ca-certificates` to the packages would let dslim apply it.',
  },
  options: {},
  limitations: [
    'An apt configuration file that already turns recommends off is not read.',
    'Which recommended packages a program needs at run time cannot be known from the Dockerfile: test the image.',
    READ_ONLY_LIMITATION,
    'An install of `curl`, `wget`, `git`, `libcurl4`, `libcurl3-gnutls` or a libcurl development package, which Debian has only recommend `ca-certificates`, is left alone unless this RUN, an earlier one of the stage or of a stage it builds on installs `ca-certificates`, or the stage builds on an official image that has it (`buildpack-deps`, `golang`, `node`, `php`, `python`, `ruby`, `rust`). Other packages that recommend it, or pull it in through a dependency, are not known.',
  ],
  examples: [
    {
      before: 'FROM debian:12\nRUN apt-get update && apt-get install -y ca-certificates curl\n',
      after:
        'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y ca-certificates curl\n',
    },
  ],
  run(doc, report) {
    for (const stage of doc.stages) {
      for (const { run, commands, refusal } of runScripts(doc, stage)) {
        const installs = commands.filter(needsFlag);
        if (installs.length === 0) continue;
        const command = `${programName(installs[0])} install`;
        const reason = refusal ?? readOnlyInstall(installs);
        if (reason) {
          report.note(run.span.start, 'refused', { command, reason });
          continue;
        }
        const needy = certificatesMissing(doc, stage, run, installs);
        if (needy) {
          report.note(run.span.start, 'certificates', { command, package: needy });
          continue;
        }
        const edits = installs.map((c) => insertAfterWord(run, firstOperand(c.args)!, FLAG));
        report.change(run.span.start, 'flagged', { command }, edits);
      }
    }
  },
};

export default aptNoRecommends;

function needsFlag(command: ShellCommand): boolean {
  if (!isInstall(command)) return false;
  const settings = command.args.map((w) => w.text.toLowerCase());
  return !hasFlag(command.args, FLAG) && !settings.some((s) => s.includes('install-recommends'));
}

/** The words an apt install names as packages, without `=version`, `/release` or `:arch`. */
function packages(command: ShellCommand): string[] {
  const names: string[] = [];
  const words = command.args.slice(command.args.indexOf(firstOperand(command.args)!) + 1);
  for (let i = 0; i < words.length; i++) {
    const word = words[i].text;
    if (VALUED_OPTIONS.has(word)) i++;
    else if (!word.startsWith('-')) names.push(word.replace(/[=/:].*$/, '').toLowerCase());
  }
  return names;
}

/**
 * The first package of `installs` that gets `ca-certificates` only as a
 * recommendation, when nothing else gives the image the certificates: an
 * HTTPS download after the install would fail once recommends are off.
 * Null when there is none, or the certificates come another way.
 */
function certificatesMissing(
  doc: DockerDocument,
  stage: Stage,
  run: InstructionInfo,
  installs: ShellCommand[],
): string | null {
  const needy = installs.flatMap(packages).find((p) => RECOMMEND_CERTIFICATES.has(p));
  if (!needy) return null;
  return installsCertificates(doc, stage, run.index) ? null : needy;
}

/**
 * Whether `ca-certificates` is in the stage by the end of the RUN at `upTo`:
 * its base image (through the stages it builds on) has it, or an apt install
 * of those stages, or of this one up to that RUN, names it.
 */
function installsCertificates(doc: DockerDocument, stage: Stage, upTo: number): boolean {
  const named = runScripts(doc, stage)
    .filter(({ run }) => run.index <= upTo)
    .some(({ commands }) =>
      commands.some((c) => isInstall(c) && packages(c).includes(CERTIFICATES)),
    );
  if (named) return true;
  const parent = doc.findStage(stage.image, stage.from.index);
  if (parent) return installsCertificates(doc, parent, Infinity);
  const image = stage.image.replace(/^(docker\.io\/)?(library\/)?/, '').replace(/[:@].*$/, '');
  return BASES_WITH_CERTIFICATES.has(image);
}

/** An `apt-get install` or `apt install`. */
function isInstall(command: ShellCommand): boolean {
  const program = programName(command);
  return (
    (program === 'apt-get' || program === 'apt') && firstOperand(command.args)?.text === 'install'
  );
}

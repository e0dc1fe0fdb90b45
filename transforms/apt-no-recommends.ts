import { insertAfterWord } from '../src/append';
import { firstOperand, hasFlag, type ShellCommand } from '../src/shell-commands';
import {
  programName,
  readOnlyInstall,
  runScripts,
  READ_ONLY_LIMITATION,
} from '../src/package-runs';
import type { Transform } from '../src/types';

const FLAG = '--no-install-recommends';

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
  },
  options: {},
  limitations: [
    'An apt configuration file that already turns recommends off is not read.',
    'Which recommended packages a program needs at run time cannot be known from the Dockerfile: test the image.',
    READ_ONLY_LIMITATION,
  ],
  examples: [
    {
      before: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
      after:
        'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl\n',
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
        const edits = installs.map((c) => insertAfterWord(run, firstOperand(c.args)!, FLAG));
        report.change(run.span.start, 'flagged', { command }, edits);
      }
    }
  },
};

export default aptNoRecommends;

function needsFlag(command: ShellCommand): boolean {
  const program = programName(command);
  if (program !== 'apt-get' && program !== 'apt') return false;
  if (firstOperand(command.args)?.text !== 'install') return false;
  const settings = command.args.map((w) => w.text.toLowerCase());
  return !hasFlag(command.args, FLAG) && !settings.some((s) => s.includes('install-recommends'));
}

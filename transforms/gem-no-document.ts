import { insertAfterWord } from '../src/append';
import { firstOperand, hasFlag } from '../src/shell-commands';
import {
  programName,
  readOnlyInstall,
  runScripts,
  READ_ONLY_LIMITATION,
} from '../src/package-runs';
import type { Transform } from '../src/types';

const FLAG = '--no-document';
/** Flags that already say whether to install documentation. */
const DOC_FLAGS = [
  '--no-document',
  '-N',
  '--document',
  '--no-doc',
  '--no-rdoc',
  '--no-ri',
  '--rdoc',
  '--ri',
];

const gemNoDocument: Transform = {
  id: 'gem-no-document',
  title: 'Install Ruby gems with `gem install --no-document`',
  rationale:
    '`gem install` generates ri and RDoc documentation for every gem, which takes build time and space in the layer and is rarely read inside a container.',
  safety: 'content',
  messages: {
    flagged:
      "Adds `--no-document` to `gem install`: this changes what gets installed, as the gems' ri and RDoc documentation is no longer generated.",
    refused: 'Leaves `gem install` as it is: {reason}.',
  },
  options: {},
  limitations: [
    'A `gemrc` that already turns documentation off is not read; the official Ruby images have one, so there the flag changes nothing.',
    '`bundle install` does not generate documentation and is left alone.',
    READ_ONLY_LIMITATION,
  ],
  examples: [
    {
      before: 'FROM debian:12\nRUN gem install bundler\n',
      after: 'FROM debian:12\nRUN gem install --no-document bundler\n',
    },
  ],
  run(doc, report) {
    for (const stage of doc.stages) {
      for (const { run, commands, refusal } of runScripts(doc, stage)) {
        const installs = commands.filter(
          (c) =>
            programName(c) === 'gem' &&
            firstOperand(c.args)?.text === 'install' &&
            !hasFlag(c.args, ...DOC_FLAGS),
        );
        if (installs.length === 0) continue;
        const reason = refusal ?? readOnlyInstall(installs);
        if (reason) {
          report.note(run.span.start, 'refused', { reason });
          continue;
        }
        const edits = installs.map((c) => insertAfterWord(run, firstOperand(c.args)!, FLAG));
        report.change(run.span.start, 'flagged', {}, edits);
      }
    }
  },
};

export default gemNoDocument;

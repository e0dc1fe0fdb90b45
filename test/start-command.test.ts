import { DockerDocument } from '../src/document';
import { resolveLineRefs } from '../src/line-ref';
import { programName } from '../src/package-runs';
import { startCommand, startedCommand, startRuns } from '../src/start-command';
import { loadShellParser } from '../src/shell';
import { lines } from './harness';

beforeAll(loadShellParser);

/** The start command of the last stage: its program names, those of the CMD passed on, and the phrase for the first. */
function started(...text: string[]) {
  const doc = new DockerDocument(lines(...text));
  const start = startCommand(doc, doc.stages[doc.stages.length - 1]);
  const first = startedCommand(start, () => true);
  const phrase = first && startRuns(start, `\`${programName(first.command)}\``, first.passed);
  return {
    commands: start.commands.map((c) => [c.name, ...c.args.map((w) => w.text)].join(' ')),
    passed: start.passed.map((c) => [c.name, ...c.args.map((w) => w.text)].join(' ')),
    baseEntrypoint: start.baseEntrypoint,
    phrase: phrase && resolveLineRefs(phrase, (offset) => doc.lineAt(offset) + 1),
  };
}

describe('startCommand', () => {
  test.each([
    [
      'an exec-form ENTRYPOINT takes the CMD as its words',
      ['FROM golang:1.22', 'ENTRYPOINT ["go"]', 'CMD ["run", "."]'],
      {
        commands: ['go run .'],
        passed: ['run .'],
        baseEntrypoint: false,
        phrase:
          'the `ENTRYPOINT` on line 2 and the `CMD` on line 3 run `go` when the container starts',
      },
    ],
    [
      'a CMD alone runs under the base image ENTRYPOINT',
      ['FROM golang:1.22', 'CMD ["go", "run", "."]'],
      {
        commands: ['go run .'],
        passed: [],
        baseEntrypoint: true,
        phrase: 'the `CMD` on line 2 runs `go` when the container starts',
      },
    ],
    [
      'a shell-form CMD runs through the SHELL in effect for it',
      ['FROM debian:12', 'SHELL ["/bin/bash", "-eo", "pipefail", "-c"]', 'CMD cd /app && ./run'],
      {
        commands: ['cd /app', './run'],
        passed: [],
        baseEntrypoint: true,
        phrase: 'the `CMD` on line 3 runs `cd` when the container starts',
      },
    ],
    [
      'a shell-form CMD after an exec-form ENTRYPOINT is run by a shell of its own',
      ['FROM debian:12', 'ENTRYPOINT ["tini", "--"]', 'CMD ./run --port 80'],
      {
        commands: ['tini -- /bin/sh -c ./run --port 80'],
        passed: ['./run --port 80'],
        baseEntrypoint: false,
        phrase:
          'the `ENTRYPOINT` on line 2 and the `CMD` on line 3 run `tini` when the container starts',
      },
    ],
    [
      'a shell-form ENTRYPOINT takes no CMD',
      ['FROM debian:12', 'CMD ["./run"]', 'ENTRYPOINT exec /app'],
      {
        commands: ['/app'],
        passed: [],
        baseEntrypoint: false,
        phrase: 'the `ENTRYPOINT` on line 3 runs `app` when the container starts',
      },
    ],
    [
      'an ENTRYPOINT drops the CMD of the stage it builds on',
      ['FROM debian:12 AS base', 'CMD ["./run"]', 'FROM base', 'ENTRYPOINT ["/app"]'],
      {
        commands: ['/app'],
        passed: [],
        baseEntrypoint: false,
        phrase: 'the `ENTRYPOINT` on line 4 runs `app` when the container starts',
      },
    ],
    [
      'an ENTRYPOINT keeps a CMD set before it in its own stage',
      ['FROM debian:12 AS base', 'FROM base', 'CMD ["./run"]', 'ENTRYPOINT ["/entrypoint.sh"]'],
      {
        commands: ['/entrypoint.sh ./run'],
        passed: ['./run'],
        baseEntrypoint: false,
        phrase:
          'the `ENTRYPOINT` on line 4 and the `CMD` on line 3 run `entrypoint.sh` when the container starts',
      },
    ],
    [
      'a CMD of a later stage goes with the ENTRYPOINT it inherits',
      ['FROM debian:12 AS base', 'ENTRYPOINT ["/entrypoint.sh"]', 'FROM base', 'CMD ["./run"]'],
      {
        commands: ['/entrypoint.sh ./run'],
        passed: ['./run'],
        baseEntrypoint: false,
        phrase:
          'the `ENTRYPOINT` on line 2 and the `CMD` on line 4 run `entrypoint.sh` when the container starts',
      },
    ],
    [
      'an ONBUILD CMD of the stage built on runs in the stage',
      ['FROM debian:12 AS base', 'ONBUILD CMD ["./run"]', 'FROM base'],
      {
        commands: ['./run'],
        passed: [],
        baseEntrypoint: true,
        phrase: 'the `CMD` on line 2 runs `run` when the container starts',
      },
    ],
    [
      'a PowerShell SHELL runs the text as its script',
      ['FROM golang:1.22-windowsservercore', 'SHELL ["powershell", "-Command"]', 'CMD go run .'],
      {
        commands: ['powershell -Command go run .', 'go run .'],
        passed: [],
        baseEntrypoint: true,
        phrase: 'the `CMD` on line 3 runs `powershell` when the container starts',
      },
    ],
    [
      'scratch has no ENTRYPOINT of its own',
      ['FROM scratch', 'COPY app /app'],
      { commands: [], passed: [], baseEntrypoint: false, phrase: null },
    ],
  ])('%s', (_, text, expected) => {
    expect(started(...text)).toEqual(expected);
  });
});

import { listCommands } from '../src/shell-commands';
import { loadShellParser } from '../src/shell';

beforeAll(loadShellParser);

describe('listCommands: the variables earlier statements set for each command', () => {
  test.each([
    ['export NAME=1 && pip install x', [['NAME']]],
    ['declare -x NAME=1; local L; readonly R=2; typeset T=3; run', [['NAME', 'L', 'R', 'T']]],
    ['NAME=1; export NAME; run', [['NAME']]],
    ['unset NAME && run', [['NAME']]],
    ['for f in a b; do run "$f"; done', [['f']]],
    ['NAME=1 run && next', [[], []]],
    ['run && export NAME=1', [[]]],
    ['(export NAME=1) && run', [[]]],
    ['export NAME=$(printenv A) | cat; run', [[], [], []]],
  ])('%s', (script, expected) => {
    expect(listCommands(script).map((c) => c.setEarlier)).toEqual(expected);
  });
});

/** Each command as `name arg…`, with `[readOnly]` and `{assignments}` when set. */
function shown(script: string): string[] {
  return listCommands(script).map((c) =>
    [
      c.name,
      ...c.args.map((w) => w.text),
      ...(c.readOnly ? [`[${c.readOnly}]`] : []),
      ...(c.assignments.length > 0 ? [`{${c.assignments.join(',')}}`] : []),
    ].join(' '),
  );
}

describe('listCommands: the program a wrapper runs', () => {
  test.each([
    ['sudo apt-get install -y a', ['apt-get install -y a']],
    ['sudo -u app -E npm ci', ['npm ci']],
    ['sudo --user=app npm ci', ['npm ci']],
    ['env VAR=x apt-get install -y b', ['apt-get install -y b {VAR}']],
    ['env -i -u HOME A=1 B=2 apk add git', ['apk add git {A,B}']],
    ['env', ['env']],
    ['env -S "apk add git"', ['env -S apk add git']],
    ['command apt-get install -y b', ['apt-get install -y b']],
    ['command -p apt-get install -y b', ['apt-get install -y b']],
    ['command -v apt-get', ['command -v apt-get']],
    ['exec -a name -cl apt-get install -y b', ['apt-get install -y b']],
    ['exec >log', ['exec']],
    ['time -p apt-get install -y b', ['apt-get install -y b']],
    ['nice -n 10 apt-get install -y b', ['apt-get install -y b']],
    ['nice -5 apt-get install -y b', ['apt-get install -y b']],
    ['nohup apt-get install -y b', ['apt-get install -y b']],
    ['timeout -s KILL --kill-after=5 300 apt-get install -y b', ['apt-get install -y b']],
    ['stdbuf -oL -e 0 apt-get install -y b', ['apt-get install -y b']],
    ['ionice -c 3 apt-get install -y b', ['apt-get install -y b']],
    ['ionice -p 1', ['ionice -p 1']],
    ['chrt -b 0 apt-get install -y b', ['apt-get install -y b']],
    ['sudo env A=1 nice timeout 60 apk add git', ['apk add git {A}']],
    ['xargs apt-get install -y < pkgs.txt', ['apt-get install -y [xargs]']],
    ['xargs -r -n 1 -I {} pip install {} < reqs', ['pip install {} [xargs]']],
    ['xargs -0 < list', ['echo [xargs]']],
    [
      "sh -c 'apt-get update && apt-get install -y a'",
      [
        'sh -c apt-get update && apt-get install -y a',
        'apt-get update [sh -c]',
        'apt-get install -y a [sh -c]',
      ],
    ],
    [
      'sudo /bin/bash -ec "env X=1 apk add git"',
      ['/bin/bash -ec env X=1 apk add git', 'apk add git [bash -c] {X}'],
    ],
    ['sh -c "apk add $PKG"', ['sh -c apk add $PKG']],
    ['sh script.sh -c x', ['sh script.sh -c x']],
  ])('%s', (script, expected) => {
    expect(shown(script)).toEqual(expected);
  });

  test('a command of a `sh -c` script lies inside the script word, in its order', () => {
    const script = "a && sh -c 'b; c' && d";
    const starts = listCommands(script).map((c) => [c.name, c.start, c.end, c.andElement]);
    expect(starts).toEqual([
      ['a', 0, 1, { start: 0, end: 5 }],
      ['sh', 5, 17, expect.anything()],
      ['b', 12, 13, null],
      ['c', 15, 16, null],
      ['d', 21, 22, expect.anything()],
    ]);
  });

  test('variables set for `sh -c` count as set for the commands of its script', () => {
    const inner = listCommands("export P=1 && Q=2 sh -c 'pip install x'").at(-1)!;
    expect([inner.name, [...inner.setEarlier].sort()]).toEqual(['pip', ['P', 'Q']]);
  });
});

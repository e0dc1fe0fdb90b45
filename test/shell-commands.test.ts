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

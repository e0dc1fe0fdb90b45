import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fix } from '../src/index';
import { CASES, describeShared, sharedFiles, shellAccepts, shellRuns } from './shared';

/**
 * Each shared case states the right behaviour in `expect`, one check a line
 * (the same words as the cases' own check.py). Every case runs through the
 * whole default pipeline here.
 */
const found = sharedFiles(CASES, (name) => /^[A-Z]\d\d-/.test(name));
const cases = found ?? [];

function checks(name: string): string[] {
  return readFileSync(path.join(CASES, name, 'expect'), 'utf8')
    .split('\n')
    .filter(Boolean);
}

describeShared(found)('shared cases', () => {
  test('are all found', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  test.each(cases)('%s', async (name) => {
    const input = readFileSync(path.join(CASES, name, 'Dockerfile'), 'utf8');
    const { output } = await fix(input);
    expect((await fix(output)).output).toBe(output);

    const lines = output.replace(/\r\n/g, '\n').split('\n');
    let shellCheck = shellRuns(input).every(shellAccepts);
    for (const rule of checks(name)) {
      const [kind, ...rest] = rule.split(' ');
      const arg = rest.join(' ');
      if (kind === 'unchanged') expect(output).toBe(input);
      if (kind === 'keeps') expect(output).toContain(arg);
      if (kind === 'bom') expect(output.startsWith('\ufeff')).toBe(true);
      if (kind === 'crlf') expect(output.replace(/\r\n/g, '')).not.toContain('\n');
      if (kind === 'shell-ok') shellCheck = arg !== 'no';
      if (kind === 'not') {
        expect(lines.filter((l) => new RegExp(arg).test(l))).toEqual([]);
      }
      if (kind === 'count') {
        const [, pattern, count] = /^(.*) = (\d+)$/.exec(arg)!;
        expect([pattern, lines.filter((l) => new RegExp(pattern).test(l)).length]).toEqual([
          pattern,
          Number(count),
        ]);
      }
      if (kind === 'run') {
        const [, n, pattern] = /^(\d+) not (.*)$/.exec(arg)!;
        expect(shellRuns(output)[Number(n) - 1] ?? '').not.toMatch(new RegExp(pattern));
      }
    }
    if (shellCheck) expect(shellRuns(output).filter((s) => !shellAccepts(s))).toEqual([]);
  });
});

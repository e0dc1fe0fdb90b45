import { fix, type SafetyClass } from '../src/index';
import { lines } from './harness';

const input = lines(
  'FROM debian:12',
  'RUN pip install --no-cache-dir flask',
  'RUN pip install --no-cache-dir gunicorn',
);

describe('transforms of a safety class that is off', () => {
  test('report what they would change as notes and change nothing', async () => {
    const result = await fix(input, { only: ['smaller-base'] });
    expect(result.output).toBe(input);
    expect(result.changes).toEqual([]);
    expect(result.notes).toEqual([
      {
        transform: 'smaller-base',
        line: 1,
        message: expect.stringMatching(
          /^Not applied, the `content` safety class is off .*`debian:12-slim` instead of `debian:12`/,
        ),
      },
    ]);
  });

  test('name the `--safety` value that keeps the classes on now and adds theirs', async () => {
    const hint = async (safety?: SafetyClass[]) =>
      (await fix(input, { only: ['smaller-base'], safety })).notes[0].message.split(':')[0];
    expect(await hint()).toBe(
      'Not applied, the `content` safety class is off (add it with `--safety layout,cache,content`)',
    );
    expect(await hint(['cache'])).toBe(
      'Not applied, the `content` safety class is off (add it with `--safety cache,content`)',
    );
  });

  test('advise on the final text, beside the changes of the enabled classes', async () => {
    const result = await fix(input);
    expect(result.changes.map((c) => c.transform)).toEqual(['merge-runs']);
    expect(result.notes.map((n) => [n.transform, n.line])).toEqual([['smaller-base', 1]]);
  });

  test('apply their changes when the class is enabled, and the classes left out advise', async () => {
    const result = await fix(input, { safety: ['content'] });
    expect(result.output).toBe(
      lines(
        'FROM debian:12-slim',
        'RUN pip install --no-cache-dir flask',
        'RUN pip install --no-cache-dir gunicorn',
      ),
    );
    expect(result.notes).toEqual([
      {
        transform: 'merge-runs',
        line: 2,
        message:
          'Not applied, the `layout` safety class is off (add it with `--safety layout,content`): Joins 2 `RUN` instructions into one: one layer instead of 2, so files a later command deletes never reach a layer.',
      },
    ]);
  });

  test('include the cache class when `--safety` leaves it out', async () => {
    const result = await fix(lines('FROM debian:12', 'RUN pip install flask'), {
      safety: ['layout'],
    });
    expect(result.changes).toEqual([]);
    expect(result.notes.map((n) => [n.transform, n.message.split(':')[0]])).toEqual([
      [
        'smaller-base',
        'Not applied, the `content` safety class is off (add it with `--safety layout,content`)',
      ],
      [
        'pip-no-cache',
        'Not applied, the `cache` safety class is off (add it with `--safety layout,cache`)',
      ],
    ]);
  });

  test('stay silent with `advice: false`, which format-on-save passes, and change the same', async () => {
    const advised = await fix(input);
    const silent = await fix(input, { advice: false });
    expect(silent.output).toBe(advised.output);
    expect(silent.notes.filter((n) => n.transform === 'smaller-base')).toEqual([]);
  });

  test('stay silent when skipped', async () => {
    const result = await fix(input, { skip: ['smaller-base'] });
    expect(result.notes.filter((n) => n.transform === 'smaller-base')).toEqual([]);
  });
});

import { fix, InputError, type FixOptions } from '../src/index';
import { lines } from './harness';

const PIP = lines('FROM python:3.12', 'RUN pip install flask');

/** The error `fix` rejects with, for the options given (and `source`, PIP when left out). */
async function refusal(options: unknown, ...source: unknown[]): Promise<Error> {
  const text = source.length > 0 ? source[0] : PIP;
  return (fix as (s: unknown, o: unknown) => Promise<unknown>)(text, options).then(
    () => {
      throw new Error('fix accepted the options');
    },
    (error: Error) => error,
  );
}

describe('the options of fix are a configuration file’s, checked the same way', () => {
  test('`transforms` sets one transform’s options, as in a configuration file', async () => {
    const options: FixOptions = { transforms: { 'pip-no-cache': { caches: 'mount' } } };
    expect((await fix(PIP, options)).output).toBe(
      lines(
        '# syntax=docker/dockerfile:1',
        'FROM python:3.12',
        'RUN --mount=type=cache,target=/root/.cache/pip pip install flask',
      ),
    );
  });

  test.each([
    [
      { strategy: 'mount' },
      'fix option "strategy": unknown key (use only, skip, safety, caches, transforms, advice): "strategy" is an option of extract-install-stage, so it goes under "transforms": { "extract-install-stage": { "strategy": … } }',
    ],
    [
      { transformOptions: {} },
      'fix option "transformOptions": unknown key (use only, skip, safety, caches, transforms, advice): options per transform go under "transforms", as in a configuration file',
    ],
    [{ caches: 'bogus' }, 'fix option "caches": must be one of clean, mount'],
    [
      { only: ['dockerignore'] },
      'fix option "only": advice is not given through the API, so this list would leave nothing to run',
    ],
    [{ safety: [] }, 'fix option "safety": needs at least one value (it was given an empty list)'],
    [
      { safety: ['risky'] },
      'fix option "safety": unknown class "risky" (use layout, cache, content)',
    ],
    [
      { only: ['merge-rusn'] },
      'fix option "only": unknown transform "merge-rusn" (see `dslim list`)',
    ],
    [
      { transforms: { 'pip-no-cache': { caches: 'volume' } } },
      'fix option "transforms.pip-no-cache.caches": "volume" is not one of clean, mount',
    ],
    [{ advice: 'no' }, 'fix option "advice": must be a boolean'],
    [null, 'fix options must hold an object of settings'],
  ])('%j is refused with an InputError', async (options, message) => {
    const error = await refusal(options);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(message);
  });

  test.each([
    [42, 'the Dockerfile must be given as text, a string (got a number)'],
    [undefined, 'the Dockerfile must be given as text, a string (got undefined)'],
    [Buffer.from(PIP), 'the Dockerfile must be given as text, a string (got an object)'],
  ])('a Dockerfile of %p is refused with an InputError', async (source, message) => {
    const error = await refusal({}, source);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(message);
  });

  test('an advice id is known, though fix itself gives no advice', async () => {
    const text = lines('FROM alpine', 'COPY . .');
    for (const options of [{ skip: ['dockerignore'] }, { only: ['dockerignore', 'merge-runs'] }])
      expect(await fix(text, options)).toMatchObject({ changed: false, changes: [], notes: [] });
  });
});

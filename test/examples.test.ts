import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fix } from '../src/index';

/** Each example folder holds a Dockerfile and the exact text `dslim fix` makes of it. */
const EXAMPLES = path.resolve(__dirname, '..', 'examples');
const folders = readdirSync(EXAMPLES).filter((name) =>
  existsSync(path.join(EXAMPLES, name, 'expected.Dockerfile')),
);

test('there are examples', () => {
  expect(folders.length).toBeGreaterThanOrEqual(3);
});

test.each(folders)('examples/%s', async (name) => {
  const read = (file: string) => readFileSync(path.join(EXAMPLES, name, file), 'utf8');
  const expected = read('expected.Dockerfile');
  const result = await fix(read('Dockerfile'));
  expect(result.output).toBe(expected);
  expect(result.changes.length).toBeGreaterThan(0);
  expect((await fix(expected)).output).toBe(expected);
});

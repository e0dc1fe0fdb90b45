import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listTransforms } from '../src/index';

const files = readdirSync(join(__dirname, '..', 'transforms'))
  .filter((name) => name.endsWith('.ts') && name !== 'index.ts')
  .map((name) => basename(name, '.ts'));

describe('the transform registry', () => {
  test('lists every file in transforms/ exactly once', () => {
    const ids = listTransforms().map((t) => t.id);
    expect([...ids].sort()).toEqual([...files].sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  test.each(files)('transforms/%s.ts exports the transform with that id', (file) => {
    const module = require(join(__dirname, '..', 'transforms', file)) as {
      default: { id: string };
    };
    expect(module.default.id).toBe(file);
    expect(listTransforms()).toContain(module.default);
  });

  test.each(listTransforms().map((t) => [t.id, t] as const))(
    '%s has a title without a final period',
    (_, t) => {
      expect(t.title).not.toMatch(/\.$/);
      expect(t.id).toMatch(/^[a-z]+(-[a-z]+)+$/);
    },
  );
});

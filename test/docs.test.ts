import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCS_DIR, renderDocs } from '../src/docs';
import { fix, listAdvisories, listTransforms } from '../src/index';

const dir = join(__dirname, '..', DOCS_DIR);
const pages = renderDocs(listTransforms(), listAdvisories());

describe('docs/transforms', () => {
  test.each([...pages.keys()])('%s is committed and up to date (run `npm run docs`)', (name) => {
    expect(readFileSync(join(dir, name), 'utf8')).toBe(pages.get(name));
  });

  test('holds no page for a transform that does not exist', () => {
    const stale = readdirSync(dir).filter((name) => name.endsWith('.md') && !pages.has(name));
    expect(stale).toEqual([]);
  });

  test('every transform and advice has a page that names how to turn it off', () => {
    for (const t of [...listTransforms(), ...listAdvisories()])
      expect(pages.get(`${t.id}.md`)).toContain(`--skip ${t.id}`);
  });

  test('the index lists the advice apart, as changing nothing', () => {
    expect(pages.get('README.md')).toContain(
      '## Advice\n\nClass `advice`. It reports, as a note at the instruction it is about,',
    );
    expect(pages.get('README.md')).toContain('| [`dockerignore`](dockerignore.md) |');
    expect(pages.get('dockerignore.md')).toContain('## Kind\n\n`advice`. It reports');
  });
});

const examples = listTransforms().flatMap((t) =>
  (t.examples ?? []).map((example, i) => [`${t.id} #${i + 1}`, t, example] as const),
);

describe('docs examples', () => {
  test.each(examples)('%s is what the transform does', async (_, t, example) => {
    const result = await fix(example.before, {
      only: [t.id],
      safety: [t.safety],
      transforms: example.options ? { [t.id]: example.options } : undefined,
    });
    expect(result.output).toBe(example.after);
  });
});

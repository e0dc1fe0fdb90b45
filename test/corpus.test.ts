import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DockerDocument } from '../src/document';
import { fix } from '../src/index';
import { analyzeScript } from '../src/shell-effects';
import { CORPUS, describeShared, sharedFiles, shellAccepts, shellRuns } from './shared';

const found = sharedFiles(CORPUS, (name) => name.endsWith('Dockerfile'));
const files = found ?? [];
const read = (name: string) => readFileSync(path.join(CORPUS, name), 'utf8');

/** What a layout merge must keep: every other instruction, every command, every label. */
function meaning(text: string) {
  const doc = new DockerDocument(text);
  return doc.stages.map((stage) => ({
    others: stage.instructions
      .filter((i) => i.keyword !== 'RUN' && i.keyword !== 'LABEL')
      .map((i) => doc.text.slice(i.span.start, i.span.end)),
    runs: stage.instructions
      .filter((i) => i.keyword === 'RUN')
      .flatMap((i) =>
        i.execForm || i.opaque ? [i.body.text] : analyzeScript(i.body.text).commands,
      ),
    flags: [...new Set(stage.instructions.map((i) => i.flags.map(String).join(' ')))],
    labels: stage.instructions
      .filter((i) => i.keyword === 'LABEL')
      .flatMap((i) => (i.node as import('dockerfile-ast').Label).getProperties())
      .map((p) => [p.getName(), p.getValue()]),
  }));
}

describeShared(found)('the real corpus', () => {
  test('has files to run over', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
  });

  test.each(files)('%s', async (name) => {
    const input = read(name);
    const result = await fix(input);

    const again = await fix(result.output);
    expect(again.output).toBe(result.output);
    expect(again.changes).toEqual([]);
    if (result.changes.length === 0) expect(result.output).toBe(input);

    if (shellRuns(input).every(shellAccepts)) {
      expect(shellRuns(result.output).filter((s) => !shellAccepts(s))).toEqual([]);
    }

    const merged = await fix(input, { only: ['merge-runs', 'merge-labels'] });
    expect(meaning(merged.output)).toEqual(meaning(input));
  });
});

/**
 * `npm run bench`: measures dslim against its own baselines in one run, so
 * the ratios hold on a shared, noisy machine. Targets: the fix pipeline
 * within 3x of bare dockerfile-ast parsing; `dslim fix --stdin` on a
 * 50-line Dockerfile within 2.5x of bare Node start-up.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { fix, listTransforms } from '../../src/index';
import { DockerDocument } from '../../src/document';
import { clearMemos, withShellTree } from '../../src/shell';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SHARED = process.env.DSLIM_SHARED ?? path.resolve(ROOT, '..', 'shared');
const CORPUS = path.join(SHARED, 'corpus', 'real');
const FIFTY = path.join(ROOT, 'test', 'bench', 'fifty-lines.Dockerfile');
const BIN = path.join(ROOT, 'bin', 'dslim.js');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeSync(work: () => void): number {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function timeAsync(work: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function pipelineVsParse(texts: string[], rounds: number) {
  const passes: number[] = [];
  for (const text of texts) {
    DockerfileParser.parse(text);
    passes.push((await fix(text)).passes);
  }
  // The two parses every run needs, timed alone: a DockerDocument per round
  // (each round's text stands in as the first one) and the shell parse of
  // every RUN. They bound how close the pipeline can come to a bare parse.
  const runTexts = texts.flatMap((t) =>
    new DockerDocument(t).instructions
      .filter((i) => i.keyword === 'RUN' && !i.execForm && !i.opaque)
      .map((i) => i.body.text),
  );
  const parse: number[] = [];
  const pipeline: number[] = [];
  const warm: number[] = [];
  const documents: number[] = [];
  const shell: number[] = [];
  for (let round = 0; round < rounds; round++) {
    parse.push(timeSync(() => texts.forEach((t) => DockerfileParser.parse(t))));
    // Cold every round: a real run meets each file once.
    clearMemos();
    pipeline.push(
      await timeAsync(async () => {
        for (const t of texts) await fix(t);
      }),
    );
    // The same again with every script's reading remembered: what the rounds
    // cost beyond the first parse and analysis of each RUN's script.
    warm.push(
      await timeAsync(async () => {
        for (const t of texts) await fix(t);
      }),
    );
    documents.push(
      timeSync(() => texts.forEach((t, i) => times(passes[i], () => new DockerDocument(t)))),
    );
    clearMemos();
    shell.push(timeSync(() => runTexts.forEach((t) => withShellTree(t, () => null))));
  }
  return {
    parse: median(parse),
    pipeline: median(pipeline),
    warm: median(warm),
    documents: median(documents),
    shell: median(shell),
    rounds: passes.reduce((a, b) => a + b, 0),
    runs: runTexts.length,
  };
}

function times(count: number, work: () => void): void {
  for (let i = 0; i < count; i++) work();
}

function startupVsNode(runs: number) {
  const input = readFileSync(FIFTY);
  const dslim: number[] = [];
  const node: number[] = [];
  for (let run = 0; run < runs; run++) {
    node.push(timeSync(() => spawnSync(process.execPath, ['-e', ''])));
    dslim.push(
      timeSync(() => {
        const child = spawnSync(process.execPath, [BIN, 'fix', '--stdin'], { input });
        if (child.status !== 0) throw new Error(`dslim fix --stdin failed: ${child.stderr}`);
      }),
    );
  }
  return { node: median(node), dslim: median(dslim) };
}

async function countsOverCorpus(texts: string[]) {
  const counts = new Map(listTransforms().map((t) => [t.id, { changes: 0, notes: 0 }]));
  // A note may come from no transform: an inline comment naming an unknown id.
  const count = (id: string) => counts.get(id) ?? counts.set(id, { changes: 0, notes: 0 }).get(id)!;
  for (const text of texts) {
    const result = await fix(text, { safety: ['layout', 'cache', 'content'] });
    for (const c of result.changes) count(c.transform).changes++;
    for (const n of result.notes) count(n.transform).notes++;
  }
  return counts;
}

async function main(): Promise<void> {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('Dockerfile'));
  const texts = files.map((f) => readFileSync(path.join(CORPUS, f), 'utf8'));
  const bytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 7);

  const speed = await pipelineVsParse(texts, rounds);
  const perSecond = (ms: number) => ((texts.length / ms) * 1000).toFixed(0);
  const ratio = speed.pipeline / speed.parse;
  console.log(
    `corpus: ${texts.length} files, ${(bytes / 1024).toFixed(0)} KiB, median of ${rounds} rounds`,
  );
  console.log(
    `  bare dockerfile-ast parse   ${speed.parse.toFixed(1)} ms  ${perSecond(speed.parse)} files/s`,
  );
  console.log(
    `  dslim fix pipeline          ${speed.pipeline.toFixed(1)} ms  ${perSecond(speed.pipeline)} files/s`,
  );
  console.log(`  ratio ${ratio.toFixed(2)}x (target <= 3x): ${ratio <= 3 ? 'met' : 'MISSED'}`);
  const share = (ms: number) => `${ms.toFixed(1)} ms  ${(ms / speed.parse).toFixed(2)}x`;
  console.log(`  of which, timed alone:`);
  console.log(`    ${speed.rounds} DockerDocuments (one a round)  ${share(speed.documents)}`);
  console.log(`    shell parse of ${speed.runs} RUNs           ${share(speed.shell)}`);
  console.log(`  the pipeline again, scripts already read  ${share(speed.warm)}`);

  const runs = Number(process.env.BENCH_RUNS ?? 15);
  const start = startupVsNode(runs);
  const startRatio = start.dslim / start.node;
  console.log(`start-up: median of ${runs} runs each, interleaved`);
  console.log(`  node -e ''                  ${start.node.toFixed(1)} ms`);
  console.log(`  dslim fix --stdin (50 lines) ${start.dslim.toFixed(1)} ms`);
  console.log(
    `  ratio ${startRatio.toFixed(2)}x (target <= 2.5x): ${startRatio <= 2.5 ? 'met' : 'MISSED'}`,
  );

  console.log(
    `memory: peak RSS of this process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );

  console.log('changes and notes per transform over the corpus (all safety classes):');
  for (const [id, c] of await countsOverCorpus(texts)) {
    console.log(
      `  ${id.padEnd(26)} ${String(c.changes).padStart(4)} changes ${String(c.notes).padStart(4)} notes`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type Io } from '../src/cli';
import { PROGRESS_THRESHOLD } from '../src/progress';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dslim-progress-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Runs `dslim fix DIR` over `count` Dockerfiles with a terminal on standard error. */
async function runOver(count: number): Promise<{ bar: string; err: string }> {
  for (let i = 0; i < count; i++) {
    await fs.mkdir(path.join(dir, `s${i}`));
    await fs.writeFile(path.join(dir, `s${i}`, 'Dockerfile'), 'FROM alpine\nRUN echo hi\n');
  }
  let bar = '';
  let err = '';
  const terminal = { isTTY: true, columns: 80, write: (t: string) => ((bar += t), true) };
  const io: Io = {
    out: () => {},
    err: (text) => void (err += text),
    readStdin: async () => Buffer.from(''),
    isTTY: false,
    env: {},
    progressTerminal: terminal as unknown as NodeJS.WriteStream,
  };
  expect(await main(['node', 'dslim', 'fix', '--no-config', dir], io)).toBe(0);
  return { bar, err };
}

test('a terminal gets a progress bar when there are many files', async () => {
  const { bar, err } = await runOver(PROGRESS_THRESHOLD + 1);
  expect(bar).toContain(`/${PROGRESS_THRESHOLD + 1} Dockerfiles`);
  expect(err).toBe(
    `dslim: ${PROGRESS_THRESHOLD + 1} files checked, 0 would change, 0 bytes of Dockerfile touched, 0 notes\n`,
  );
});

test('a few files get no bar', async () => {
  const { bar } = await runOver(PROGRESS_THRESHOLD);
  expect(bar).toBe('');
});

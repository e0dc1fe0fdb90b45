import { main, type Io } from '../src/cli';
import type { Buildah } from '../src/image/buildah';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export interface CliInput {
  stdin?: string | Buffer;
  tty?: boolean;
  env?: NodeJS.ProcessEnv;
  /** The builder `dslim verify` uses, instead of buildah. */
  builder?: Buildah;
}

/** Runs the CLI in-process with captured output, as a test would see a terminal. */
export async function runCli(args: string[], input: CliInput = {}): Promise<CliRun> {
  const { code, stdout, err } = await runCliBytes(args, input);
  return { code, out: stdout.toString('utf8'), err };
}

/** As `runCli`, with standard output as the bytes written. */
export async function runCliBytes(
  args: string[],
  input: CliInput = {},
): Promise<{ code: number; stdout: Buffer; err: string }> {
  const out: Buffer[] = [];
  let err = '';
  const io: Io = {
    out: (text) => void out.push(Buffer.from(text)),
    err: (text) => void (err += text),
    readStdin: async () => Buffer.from(input.stdin ?? ''),
    isTTY: input.tty ?? false,
    env: { ...input.env },
    builder: input.builder,
  };
  const code = await main(['node', 'dslim', ...args], io);
  return { code, stdout: Buffer.concat(out), err };
}

import { main, type Io } from '../src/cli';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export interface CliInput {
  stdin?: string;
  tty?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Runs the CLI in-process with captured output, as a test would see a terminal. */
export async function runCli(args: string[], input: CliInput = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    readStdin: async () => Buffer.from(input.stdin ?? ''),
    isTTY: input.tty ?? false,
    env: { ...input.env },
  };
  const code = await main(['node', 'dslim', ...args], io);
  return { code, out, err };
}

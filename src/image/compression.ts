import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Compressions whose archives dslim does not read, by their first bytes, so
 * that such a file is named for what it is instead of "not a tar archive".
 */
const UNREAD_COMPRESSIONS: { name: string; magic: number[] }[] = [
  { name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68] },
];

/** The bytes of a blob or file, gunzipped when they start with gzip's magic number. */
export interface Decompressed {
  stream: Readable;
  /** True when the bytes were gzip-compressed. */
  gzip: boolean;
  /** The name of a compression dslim does not read, when the bytes start like one; else null. */
  unread: string | null;
}

/**
 * Passes the bytes on, through gunzip when they start with gzip's magic
 * number. The content decides, not a file name: `docker save x | gzip >
 * x.tar` is as common as `x.tar.gz`, and a layer blob has no name at all.
 */
export async function decompressed(blob: AsyncIterable<Uint8Array>): Promise<Decompressed> {
  const chunks = blob[Symbol.asyncIterator]();
  const first = await chunks.next();
  const head = first.done ? new Uint8Array(0) : first.value;
  const rest = Readable.from(
    (async function* () {
      yield head;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
    })(),
  );
  const unread = UNREAD_COMPRESSIONS.find((c) => startsWith(head, c.magic))?.name ?? null;
  if (!startsWith(head, GZIP_MAGIC)) return { stream: rest, gzip: false, unread };
  const out = new PassThrough();
  pipeline(rest, createGunzip(), out).catch((error: Error) => out.destroy(error));
  return { stream: out, gzip: true, unread: null };
}

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, i) => bytes[i] === byte);
}

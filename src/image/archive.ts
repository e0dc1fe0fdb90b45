import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { InputError } from '../engine';
import { describeError, openRegularFile, readRegularFile } from '../files';
import { decompressed } from './compression';

/** Largest file kept in memory while looking for an archive's JSON metadata. */
const MAX_METADATA_BYTES = 4 * 1024 * 1024;
/** `{` and `[`: how the JSON files of an image start; layer tars never do in practice. */
const JSON_START = new Set([0x7b, 0x5b]);

/**
 * Where an image's parts are stored: a directory (OCI image layout, or an
 * unpacked `docker save`) or a tar archive of one, plain or gzip-compressed.
 */
export interface ImageStore {
  /** A small JSON file by its path inside the store, or undefined. */
  json(name: string): Promise<unknown>;
  /**
   * Calls `visit` once for each named blob with its raw bytes, in whatever
   * order the store holds them; resolves when every visit has finished.
   */
  eachBlob(
    names: Set<string>,
    visit: (name: string, bytes: AsyncIterable<Uint8Array>) => Promise<void>,
  ): Promise<void>;
}

/** Opens an image directory or archive, or says why it is not one. */
export async function openStore(location: string): Promise<ImageStore> {
  let stat;
  try {
    stat = await fs.stat(location);
  } catch (error) {
    throw new InputError(`${location}: ${describeError(error as NodeJS.ErrnoException)}`);
  }
  return stat.isDirectory() ? directoryStore(location) : archiveStore(location);
}

function directoryStore(root: string): ImageStore {
  const resolve = (name: string) => path.join(root, ...name.split('/'));
  return {
    async json(name) {
      const bytes = await readRegularFile(resolve(name));
      if (!('problem' in bytes)) return parseJson(bytes.toString('utf8'), resolve(name));
      if (bytes.code === 'ENOENT') return undefined;
      throw new InputError(`${resolve(name)}: ${bytes.problem}`);
    },
    async eachBlob(names, visit) {
      for (const name of names) {
        const bytes = await openStream(resolve(name));
        // A reader that stops early (an error, a layer it need not finish)
        // leaves the file open until garbage collection: close it here.
        try {
          await visit(name, bytes);
        } finally {
          bytes.destroy();
        }
      }
    },
  };
}

/**
 * Reads a tar archive, plain or gzip-compressed (`docker save x | gzip`),
 * twice: once to keep its JSON files (they may come after the layers, as in
 * `docker save`), once to stream the wanted layers without holding them in
 * memory. Each pass gunzips again rather than keep the layers.
 */
async function archiveStore(file: string): Promise<ImageStore> {
  const metadata = new Map<string, Buffer>();
  await walkArchive(file, async (name, size, bytes) => {
    if (size > MAX_METADATA_BYTES) return;
    const chunks: Uint8Array[] = [];
    for await (const chunk of bytes) chunks.push(chunk);
    const content = Buffer.concat(chunks);
    if (mayBeMetadata(name, content)) metadata.set(name, content);
  });
  return {
    async json(name) {
      const content = metadata.get(normalizeName(name));
      if (content === undefined) return undefined;
      return parseJson(content.toString('utf8'), file, `\`${name}\` in it is not valid JSON`);
    },
    async eachBlob(names, visit) {
      const wanted = new Set([...names].map(normalizeName));
      await walkArchive(file, async (name, _size, bytes) => {
        if (wanted.has(name)) await visit(name, bytes);
      });
    },
  };
}

async function walkArchive(
  file: string,
  onFile: (name: string, size: number, bytes: AsyncIterable<Uint8Array>) => Promise<unknown>,
): Promise<void> {
  const reader = extract();
  const raw = await openStream(file);
  const { stream: source, gzip, unread } = await decompressed(raw);
  if (unread) {
    raw.destroy();
    throw new InputError(
      `${file}: a ${unread}-compressed file; dslim reads tar archives, plain or gzip-compressed: decompress it first`,
    );
  }
  source.on('error', (error) => reader.destroy(error));
  source.pipe(reader);
  try {
    for await (const entry of reader) {
      const { name, type, size } = entry.header;
      if (type === 'file' || type === 'contiguous-file') {
        await onFile(normalizeName(name), size ?? 0, entry as AsyncIterable<Uint8Array>);
      }
      entry.resume();
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const what = gzip ? 'gzip-compressed tar archive' : 'tar archive';
    throw new InputError(`${file}: not a readable ${what} (${(error as Error).message})`);
  } finally {
    // The archive may end before the file does (padding after its last
    // block), and an error stops the reading: either way the file is
    // closed here, not left to garbage collection.
    source.destroy();
    raw.destroy();
  }
}

/** A stream of a regular file's bytes; anything else is refused (see `openRegularFile`). */
async function openStream(file: string): Promise<Readable> {
  const handle = await openRegularFile(file);
  if ('problem' in handle) throw new InputError(`${file}: ${handle.problem}`);
  return handle.createReadStream();
}

/**
 * Whether an archive member may be one of the image's JSON files, to keep:
 * one named like them (`manifest.json`, `index.json`, a `docker save`
 * config `HEX.json`, `oci-layout`), one that starts like an object or a
 * list, or any other JSON text (an OCI blob that is `null`), so that a
 * malformed one is reported as such rather than as missing.
 */
function mayBeMetadata(name: string, content: Buffer): boolean {
  if (name.endsWith('.json') || name === 'oci-layout' || JSON_START.has(content[0])) return true;
  try {
    JSON.parse(content.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

function normalizeName(name: string): string {
  return path.posix.normalize(name).replace(/^(\.\/|\/)+/, '');
}

/** The JSON value of a file's text; else an error naming `where` (a path) and what is wrong. */
function parseJson(text: string, where: string, problem = 'not valid JSON'): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`${where}: ${problem}`);
  }
}

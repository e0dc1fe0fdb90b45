import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { extract, type Header } from 'tar-stream';
import { decompressed } from './compression';

export type FileType = 'file' | 'directory' | 'symlink' | 'device' | 'fifo';

/** One path as a layer writes it, with what identifies its content. */
export interface FileEntry {
  /** Absolute, normalized: `/usr/bin/make`. */
  path: string;
  type: FileType;
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of content; 0 for all but regular files, and for hard links. */
  size: number;
  /** Content sha256 of a regular file. */
  sha256?: string;
  /** Target of a symlink, or the path a hard link points to. */
  linkTarget?: string;
  hardLink?: boolean;
}

/** What one layer changes: files it adds and paths it deletes. */
export interface LayerContents {
  files: FileEntry[];
  /** Paths a `.wh.NAME` marker deletes from the layers below. */
  whiteouts: string[];
  /** Directories a `.wh..wh..opq` marker empties of the layers below' content. */
  opaqueDirectories: string[];
  /** Sum of the regular files' sizes, uncompressed (hard links count once). */
  bytes: number;
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** Reads one layer blob (a tar, gzip-compressed or not). */
export async function readLayer(blob: AsyncIterable<Uint8Array>): Promise<LayerContents> {
  const layer: LayerContents = { files: [], whiteouts: [], opaqueDirectories: [], bytes: 0 };
  const hashes = new Map<string, string>();
  const reader = extract();
  const { stream: source, unread } = await decompressed(blob);
  if (unread) throw new Error(`it is ${unread}-compressed, which dslim does not read`);
  source.on('error', (error) => reader.destroy(error));
  source.pipe(reader);
  for await (const entry of reader) {
    const { header } = entry;
    const entryPath = absolute(header.name);
    const base = path.posix.basename(entryPath);
    const parent = path.posix.dirname(entryPath);
    if (base === OPAQUE) {
      layer.opaqueDirectories.push(parent);
    } else if (base.startsWith(WHITEOUT)) {
      layer.whiteouts.push(path.posix.join(parent, base.slice(WHITEOUT.length)));
    } else if (entryPath !== '/') {
      const file = await describe(header, entry as AsyncIterable<Uint8Array>, entryPath, hashes);
      if (file) {
        layer.files.push(file);
        layer.bytes += file.size;
      }
    }
    entry.resume();
  }
  return layer;
}

async function describe(
  header: Header,
  content: AsyncIterable<Uint8Array>,
  entryPath: string,
  hashes: Map<string, string>,
): Promise<FileEntry | null> {
  const common = {
    path: entryPath,
    mode: (header.mode ?? 0) & 0o7777,
    uid: header.uid ?? 0,
    gid: header.gid ?? 0,
    size: 0,
  };
  switch (header.type) {
    case 'file':
    case 'contiguous-file': {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of content) {
        hash.update(chunk);
        size += chunk.length;
      }
      const sha256 = hash.digest('hex');
      hashes.set(entryPath, sha256);
      return { ...common, type: 'file', size, sha256 };
    }
    case 'link': {
      const target = absolute(header.linkname ?? '');
      return {
        ...common,
        type: 'file',
        sha256: hashes.get(target),
        linkTarget: target,
        hardLink: true,
      };
    }
    case 'symlink':
      return { ...common, type: 'symlink', linkTarget: header.linkname ?? '' };
    case 'directory':
      return { ...common, type: 'directory' };
    case 'character-device':
    case 'block-device':
      return { ...common, type: 'device' };
    case 'fifo':
      return { ...common, type: 'fifo' };
    default:
      return null;
  }
}

/** `./usr/bin/` → `/usr/bin` */
export function absolute(name: string): string {
  const normalized = path.posix.normalize('/' + name);
  return normalized.length > 1 ? normalized.replace(/\/+$/, '') : '/';
}

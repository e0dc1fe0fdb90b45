import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';

/** One tar entry: a header and, for regular files, the content. */
export type TarEntry = Partial<Header> & { name: string; content?: string | Buffer };

export const file = (name: string, content: string | Buffer, extra: Partial<Header> = {}) =>
  ({ name, content, type: 'file', mode: 0o644, ...extra }) as TarEntry;
export const dir = (name: string, extra: Partial<Header> = {}) =>
  ({ name, type: 'directory', mode: 0o755, ...extra }) as TarEntry;
export const symlink = (name: string, linkname: string) =>
  ({ name, type: 'symlink', linkname, mode: 0o777 }) as TarEntry;
export const hardlink = (name: string, linkname: string) =>
  ({ name, type: 'link', linkname, mode: 0o644 }) as TarEntry;
export const whiteout = (name: string) =>
  file(path.posix.join(path.posix.dirname(name), '.wh.' + path.posix.basename(name)), '');
export const opaque = (directory: string) => file(path.posix.join(directory, '.wh..wh..opq'), '');

/** Packs entries into a tar archive in memory. */
export async function tar(entries: TarEntry[]): Promise<Buffer> {
  const archive = pack();
  const done = (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of archive) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  })();
  for (const { content, ...header } of entries) {
    await new Promise<void>((resolve, reject) =>
      archive.entry({ mtime: new Date(0), ...header }, content ?? '', (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  }
  archive.finalize();
  return done;
}

/** A history entry as builders record them. */
export interface HistoryEntry {
  created_by: string;
  empty_layer?: boolean;
}

export interface ImageSpec {
  layers: TarEntry[][];
  history: HistoryEntry[];
  config?: Record<string, unknown>;
}

function configJson(spec: ImageSpec, layerTars: Buffer[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: spec.config ?? {},
      rootfs: { type: 'layers', diff_ids: layerTars.map((t) => 'sha256:' + sha256(t)) },
      history: spec.history,
    }),
  );
}

/** Writes an image the way `docker save` does: manifest.json, a config, one tar per layer. */
export async function writeDockerArchive(target: string, spec: ImageSpec): Promise<string> {
  const layerTars = await Promise.all(spec.layers.map(tar));
  const config = configJson(spec, layerTars);
  const configName = sha256(config) + '.json';
  const layerNames = layerTars.map((t) => `${sha256(t)}/layer.tar`);
  const manifest = [{ Config: configName, RepoTags: ['example:1'], Layers: layerNames }];
  const entries: TarEntry[] = layerTars.flatMap((t, i) => [file(layerNames[i], t)]);
  entries.push(file(configName, config), file('manifest.json', JSON.stringify(manifest)));
  await fs.writeFile(target, await tar(entries));
  return target;
}

/** Writes an OCI image layout directory with gzip-compressed layers. */
export async function writeOciLayout(target: string, spec: ImageSpec): Promise<string> {
  const layerTars = await Promise.all(spec.layers.map(tar));
  const blobs = new Map<string, Buffer>();
  const add = (bytes: Buffer) => {
    const digest = 'sha256:' + sha256(bytes);
    blobs.set(digest, bytes);
    return { digest, size: bytes.length };
  };
  const config = add(configJson(spec, layerTars));
  const layers = layerTars.map((t) => ({
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    ...add(gzipSync(t)),
  }));
  const manifest = add(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers,
      }),
    ),
  );
  await fs.mkdir(path.join(target, 'blobs', 'sha256'), { recursive: true });
  for (const [digest, bytes] of blobs)
    await fs.writeFile(path.join(target, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes);
  await fs.writeFile(path.join(target, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await fs.writeFile(
    path.join(target, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest }],
    }),
  );
  return target;
}

/** Tars a directory's files (as `buildah push oci-archive:` would). */
export async function tarDirectory(source: string, target: string): Promise<string> {
  const entries: TarEntry[] = [];
  for (const name of (await fs.readdir(source, { recursive: true })).sort()) {
    const full = path.join(source, name);
    if ((await fs.stat(full)).isFile()) entries.push(file(name, await fs.readFile(full)));
  }
  await fs.writeFile(target, await tar(entries));
  return target;
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

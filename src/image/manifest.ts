import { InputError } from '../engine';
import type { ImageStore } from './archive';

/** Where an image's config and layers sit inside its store. */
export interface ImageParts {
  format: 'docker-archive' | 'oci';
  config: string;
  /** Layer blob paths, bottom layer first; a blob may appear twice. */
  layers: string[];
}

interface DockerManifestEntry {
  Config?: unknown;
  Layers?: unknown;
}

interface OciDescriptor {
  mediaType?: string;
  digest?: string;
  platform?: { os?: string; architecture?: string };
}

/**
 * Finds the image in a store: `manifest.json` as `docker save` writes it,
 * else the OCI `index.json`, following nested indexes to the first image
 * (preferring linux/amd64 when an index lists several platforms).
 */
export async function locateImage(store: ImageStore, where: string): Promise<ImageParts> {
  const docker = await store.json('manifest.json');
  if (Array.isArray(docker) && docker.length > 0) {
    const entry = docker[0] as DockerManifestEntry;
    if (typeof entry.Config !== 'string' || !isStringArray(entry.Layers))
      throw new InputError(`${where}: manifest.json does not name a config and layers`);
    return { format: 'docker-archive', config: entry.Config, layers: entry.Layers };
  }

  let document = await store.json('index.json');
  if (document === undefined)
    throw new InputError(
      `${where}: neither a \`docker save\` archive (manifest.json) nor an OCI image (index.json)`,
    );
  for (let depth = 0; depth < 4; depth++) {
    const { manifests, config, layers } = document as {
      manifests?: OciDescriptor[];
      config?: OciDescriptor;
      layers?: OciDescriptor[];
    };
    if (config?.digest && Array.isArray(layers)) {
      return {
        format: 'oci',
        config: blobPath(config.digest, where),
        layers: layers.map((l) => blobPath(l.digest ?? '', where)),
      };
    }
    const chosen = Array.isArray(manifests) ? pickManifest(manifests) : undefined;
    if (!chosen?.digest) break;
    document = await store.json(blobPath(chosen.digest, where));
  }
  throw new InputError(`${where}: the OCI index does not lead to an image manifest`);
}

function pickManifest(manifests: OciDescriptor[]): OciDescriptor | undefined {
  return (
    manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ??
    manifests[0]
  );
}

function blobPath(digest: string, where: string): string {
  const match = /^([a-z0-9]+):([a-f0-9]+)$/.exec(digest);
  if (!match) throw new InputError(`${where}: \`${digest}\` is not a content digest`);
  return `blobs/${match[1]}/${match[2]}`;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

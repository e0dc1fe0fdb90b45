import { InputError } from '../engine';
import type { ImageStore } from './archive';
import { checkShape, readShaped, shapeProblem, type Shape } from './shape';

/** Where an image's config and layers sit inside its store. */
export interface ImageParts {
  format: 'docker-archive' | 'oci';
  config: string;
  /** How messages name the config: `the config blobs/sha256/… named by the manifest …`. */
  configLabel: string;
  /** Layer blob paths, bottom layer first; a blob may appear twice. */
  layers: string[];
}

interface DockerManifestEntry {
  Config: string;
  Layers: string[];
}

interface OciDescriptor {
  mediaType?: string;
  digest: string;
  platform?: { os?: string; architecture?: string };
}

/** `manifest.json` as `docker save` writes it: the first image is read. */
const DOCKER_MANIFEST: Shape = {
  list: {
    fields: { Config: 'string', Layers: { list: 'string' } },
    required: ['Config', 'Layers'],
  },
  empty: 'it names no image',
};

const DESCRIPTOR: Shape = {
  fields: {
    mediaType: 'string',
    digest: 'string',
    platform: { fields: { os: 'string', architecture: 'string' } },
  },
  required: ['digest'],
};

/** An OCI image index (`index.json`, or a blob it names): the images it lists. */
const OCI_INDEX: Shape = {
  fields: { manifests: { list: DESCRIPTOR, empty: 'it lists no image' } },
  required: ['manifests'],
};

/** An OCI image manifest: its config and layers. */
const OCI_MANIFEST: Shape = {
  fields: { config: DESCRIPTOR, layers: { list: DESCRIPTOR } },
  required: ['config', 'layers'],
};

/** A document an OCI index names: a manifest when it has a `config`, else an index. */
const OCI_DOCUMENT: Shape = { fields: {} };

/**
 * Finds the image in a store: `manifest.json` as `docker save` writes it
 * (a malformed one is reported only when there is no `index.json`), else
 * the OCI `index.json`, following nested indexes to the first image
 * (preferring linux/amd64 when an index lists several platforms). Each
 * file is checked for the shape dslim reads (see `checkShape`) as it is read.
 */
export async function locateImage(store: ImageStore, where: string): Promise<ImageParts> {
  const docker = await store.json('manifest.json');
  let document = await store.json('index.json');
  // Docker 25 writes both; a manifest.json not of `docker save`'s shape gives way to an index.json.
  if (docker !== undefined && (document === undefined || !shapeProblem(docker, DOCKER_MANIFEST))) {
    const [entry] = checkShape<DockerManifestEntry[]>(
      docker,
      DOCKER_MANIFEST,
      where,
      'manifest.json',
    );
    const configLabel = `the config ${entry.Config} named by manifest.json`;
    return { format: 'docker-archive', config: entry.Config, configLabel, layers: entry.Layers };
  }

  if (document === undefined)
    throw new InputError(
      `${where}: neither a \`docker save\` archive (manifest.json) nor an OCI image (index.json)`,
    );
  // `name` is the document's path in the store; `label` how messages name it.
  let [name, label] = ['index.json', 'index.json'];
  for (let depth = 0; depth < 4; depth++) {
    const object = checkShape<object>(document, OCI_DOCUMENT, where, label);
    if ('manifests' in object || !('config' in object)) {
      const index = checkShape<{ manifests: OciDescriptor[] }>(object, OCI_INDEX, where, label);
      const path = blobPath(pickManifest(index.manifests).digest, where);
      [name, label] = [path, `the manifest ${path} named by ${name}`];
      document = await readShaped(store, path, OCI_DOCUMENT, where, label);
      continue;
    }
    type Manifest = { config: OciDescriptor; layers: OciDescriptor[] };
    const { config, layers } = checkShape<Manifest>(object, OCI_MANIFEST, where, label);
    const path = blobPath(config.digest, where);
    return {
      format: 'oci',
      config: path,
      configLabel: `the config ${path} named by ${name}`,
      layers: layers.map((l) => blobPath(l.digest, where)),
    };
  }
  throw new InputError(`${where}: the OCI index does not lead to an image manifest`);
}

function pickManifest(manifests: OciDescriptor[]): OciDescriptor {
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

import type { FileEntry, LayerContents } from './layer';

/** A file a layer wrote that a later layer deleted or replaced. */
export interface WastedFile {
  path: string;
  bytes: number;
  /** Index of the layer that wrote it. */
  layer: number;
  /** Index of the layer that deleted or replaced it. */
  removedBy: number;
  how: 'deleted' | 'overwritten';
}

/** A file of the final filesystem, with the layer that wrote it last. */
export interface FinalFile extends FileEntry {
  layer: number;
}

/**
 * Applies layers bottom first as an overlay filesystem does: a layer's
 * whiteouts and opaque directories remove what the layers below wrote,
 * then its files are added over what is left. Records every file whose
 * bytes a later layer deleted or replaced.
 */
export function applyLayers(layers: LayerContents[]): {
  files: Map<string, FinalFile>;
  wasted: WastedFile[];
} {
  const files = new Map<string, FinalFile>();
  const wasted: WastedFile[] = [];
  const drop = (key: string, file: FinalFile, removedBy: number, how: WastedFile['how']) => {
    files.delete(key);
    if (file.size > 0)
      wasted.push({ path: key, bytes: file.size, layer: file.layer, removedBy, how });
  };
  const remove = (target: string, removedBy: number, how: WastedFile['how']) => {
    const single = files.get(target);
    if (single && single.type !== 'directory') return drop(target, single, removedBy, how);
    const prefix = target === '/' ? '/' : target + '/';
    for (const [key, file] of files) {
      if (key === target || key.startsWith(prefix)) drop(key, file, removedBy, how);
    }
  };

  layers.forEach((layer, index) => {
    for (const directory of layer.opaqueDirectories) {
      const kept = files.get(directory);
      remove(directory, index, 'deleted');
      if (kept) files.set(directory, kept);
    }
    for (const whiteout of layer.whiteouts) remove(whiteout, index, 'deleted');
    for (const file of layer.files) {
      const previous = files.get(file.path);
      if (previous && previous.type === 'directory' && file.type === 'directory') {
        files.set(file.path, { ...file, layer: index });
        continue;
      }
      if (previous) remove(file.path, index, 'overwritten');
      const sha256 =
        file.hardLink && !file.sha256 ? files.get(file.linkTarget ?? '')?.sha256 : file.sha256;
      files.set(file.path, { ...file, sha256, layer: index });
    }
  });
  return { files, wasted };
}

import { cacheTransform, wasteTransform } from './waste-transforms';
import { totalBytes, type Image, type LayerSummary } from './read';

/** Files whose bytes are wasted, grouped by the layer pair that wrote and removed them. */
export interface Offender {
  /** The biggest file of the group; `count` says how many there are. */
  path: string;
  count: number;
  bytes: number;
  how: 'deleted' | 'overwritten';
  writtenBy: string;
  removedBy: string;
  /** The dslim transform that avoids this waste, or null when none does. */
  transform: string | null;
}

/** A package cache that is still in the final filesystem. */
export interface KeptCache {
  what: string;
  files: number;
  bytes: number;
  transform: string;
}

export interface InspectReport {
  layers: LayerSummary[];
  totalBytes: number;
  wastedBytes: number;
  /** Share of the layers' bytes that reach the final filesystem, 0 to 1. */
  efficiency: number;
  offenders: Offender[];
  keptCaches: KeptCache[];
}

/** Sizes each layer and finds the bytes that never reach the final filesystem. */
export function inspectImage(image: Image, limit = 10): InspectReport {
  const total = totalBytes(image);
  const groups = new Map<string, { offender: Offender; biggest: number }>();
  for (const waste of image.wasted) {
    const writer = image.layers[waste.layer];
    const remover = image.layers[waste.removedBy];
    const transform = wasteTransform(
      waste.path,
      waste.how,
      image.history,
      writer.step,
      remover.step,
    );
    const key = `${waste.layer}:${waste.removedBy}:${waste.how}:${transform}`;
    const group = groups.get(key);
    if (group) {
      group.offender.count++;
      group.offender.bytes += waste.bytes;
      if (waste.bytes > group.biggest) {
        group.biggest = waste.bytes;
        group.offender.path = waste.path;
      }
      continue;
    }
    const offender: Offender = {
      path: waste.path,
      count: 1,
      bytes: waste.bytes,
      how: waste.how,
      writtenBy: writer.instruction,
      removedBy: remover.instruction,
      transform,
    };
    groups.set(key, { offender, biggest: waste.bytes });
  }

  const wastedBytes = image.wasted.reduce((sum, w) => sum + w.bytes, 0);
  return {
    layers: image.layers,
    totalBytes: total,
    wastedBytes,
    efficiency: total === 0 ? 1 : (total - wastedBytes) / total,
    offenders: [...groups.values()]
      .map((g) => g.offender)
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, limit),
    keptCaches: keptCaches(image),
  };
}

function keptCaches(image: Image): KeptCache[] {
  const caches = new Map<string, KeptCache>();
  for (const file of image.files.values()) {
    const cache = file.size > 0 ? cacheTransform(file.path) : null;
    if (!cache) continue;
    const kept = caches.get(cache.what) ?? {
      what: cache.what,
      transform: cache.transform,
      files: 0,
      bytes: 0,
    };
    kept.files++;
    kept.bytes += file.size;
    caches.set(cache.what, kept);
  }
  return [...caches.values()].sort((a, b) => b.bytes - a.bytes);
}

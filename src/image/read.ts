import { InputError } from '../engine';
import { openStore } from './archive';
import {
  CONFIG_SHAPE,
  historySteps,
  runConfig,
  type HistoryStep,
  type RawConfig,
  type RunConfig,
} from './config';
import { applyLayers, type FinalFile, type WastedFile } from './filesystem';
import { readLayer, type LayerContents } from './layer';
import { locateImage } from './manifest';
import { readShaped } from './shape';

/** One layer: its size and the step that made it. */
export interface LayerSummary {
  index: number;
  /** Uncompressed bytes of the regular files it writes. */
  bytes: number;
  files: number;
  /** Index in `history` of the step that made it, or -1 when the history does not say. */
  step: number;
  instruction: string;
}

/** Everything dslim reads from an image, without a container engine. */
export interface Image {
  format: 'docker-archive' | 'oci';
  layers: LayerSummary[];
  history: HistoryStep[];
  /** The final filesystem by absolute path. */
  files: Map<string, FinalFile>;
  wasted: WastedFile[];
  config: RunConfig;
}

/**
 * Reads a `docker save` archive, an OCI image layout directory or an OCI
 * archive: the layers, the filesystem they add up to and the run config.
 */
export async function readImage(location: string): Promise<Image> {
  const store = await openStore(location);
  const parts = await locateImage(store, location);
  const rawConfig = await readShaped<RawConfig>(
    store,
    parts.config,
    CONFIG_SHAPE,
    location,
    parts.configLabel,
  );

  const contents = new Map<string, LayerContents>();
  await store.eachBlob(new Set(parts.layers), async (name, bytes) => {
    const layer = await readLayer(bytes).catch((error: Error) => {
      if (error instanceof InputError) throw error;
      throw new InputError(`${location}: layer ${name} cannot be read (${error.message})`);
    });
    contents.set(name, layer);
  });
  const layers = parts.layers.map((name) => {
    const layer = contents.get(name);
    if (!layer) throw new InputError(`${location}: layer ${name} is missing`);
    return layer;
  });

  const history = historySteps(rawConfig);
  const steps = stepsWithLayers(history, layers.length);
  const { files, wasted } = applyLayers(layers);
  return {
    format: parts.format,
    layers: layers.map((layer, index) => ({
      index,
      bytes: layer.bytes,
      files: layer.files.filter((f) => f.type !== 'directory').length,
      step: steps[index],
      instruction: steps[index] >= 0 ? history[steps[index]].instruction : '',
    })),
    history,
    files,
    wasted,
    config: runConfig(rawConfig),
  };
}

/** For each layer, the history step that made it; -1 each when the counts disagree. */
function stepsWithLayers(history: HistoryStep[], count: number): number[] {
  const steps = history.flatMap((step, index) => (step.empty ? [] : [index]));
  return steps.length === count ? steps : new Array<number>(count).fill(-1);
}

/** Sum of all layers' bytes. */
export function totalBytes(image: Image): number {
  return image.layers.reduce((sum, layer) => sum + layer.bytes, 0);
}

import type { DockerDocument } from './document';

/** Instructions that add a filesystem layer to the image. */
const LAYER_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

/** How many layer-making instructions one stage has. */
export interface StageLayers {
  /** The stage's `AS` name, or `stage N` (0-based) when it has none. */
  stage: string;
  layers: number;
}

/** Counts RUN, COPY and ADD instructions per stage, in stage order. */
export function countLayers(doc: DockerDocument): StageLayers[] {
  return doc.stages.map((stage) => ({
    stage: stage.name ?? `stage ${stage.index}`,
    layers: stage.instructions.filter((i) => LAYER_KEYWORDS.has(i.keyword)).length,
  }));
}

/**
 * `build 7 → 3, stage 1 5 → 2`; when the stages themselves changed, the two lists
 * are given one after the other. Null when every stage keeps its layer count.
 */
export function describeLayerChange(before: StageLayers[], after: StageLayers[]): string | null {
  const sameStages =
    before.length === after.length && before.every((b, i) => b.stage === after[i].stage);
  if (sameStages) {
    if (before.every((b, i) => b.layers === after[i].layers)) return null;
    return before.map((b, i) => `${b.stage} ${b.layers} → ${after[i].layers}`).join(', ');
  }
  const listing = (counts: StageLayers[]) => counts.map((c) => `${c.stage} ${c.layers}`).join(', ');
  return `before: ${listing(before)}; after: ${listing(after)}`;
}

import type { Transform } from '../src/types';
import deleteInCreatingLayer from './delete-in-creating-layer';
import mergeCopies from './merge-copies';
import mergeLabels from './merge-labels';
import mergeRuns from './merge-runs';
import mountConsumedCopy from './mount-consumed-copy';
import smallerBase from './smaller-base';

/**
 * Every transform, in the order the engine runs them. When two transforms'
 * edits overlap in one round, the earlier one here wins and the other is
 * tried again on the next round's text.
 */
export const transforms: Transform[] = [
  mergeRuns,
  mergeLabels,
  mergeCopies,
  smallerBase,
  deleteInCreatingLayer,
  mountConsumedCopy,
];

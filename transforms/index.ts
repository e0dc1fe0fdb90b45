import type { Transform } from '../src/types';
import mergeLabels from './merge-labels';
import mergeRuns from './merge-runs';
import cleanAptLists from './clean-apt-lists';
import apkNoCache from './apk-no-cache';
import cleanYumCache from './clean-yum-cache';
import pipNoCache from './pip-no-cache';
import cleanNodeCache from './clean-node-cache';
import condaClean from './conda-clean';
import composerNoCache from './composer-no-cache';
import gemNoDocument from './gem-no-document';
import aptNoRecommends from './apt-no-recommends';

/**
 * Every transform, in the order the engine runs them. When two transforms'
 * edits overlap in one round, the earlier one here wins and the other is
 * tried again on the next round's text.
 */
export const transforms: Transform[] = [
  mergeRuns,
  mergeLabels,
  cleanAptLists,
  apkNoCache,
  cleanYumCache,
  pipNoCache,
  cleanNodeCache,
  condaClean,
  composerNoCache,
  gemNoDocument,
  aptNoRecommends,
];

import type { Transform } from '../src/types';
import deleteInCreatingLayer from './delete-in-creating-layer';
import extractInstallStage from './extract-install-stage';
import mergeCopies from './merge-copies';
import mergeLabels from './merge-labels';
import mergeRuns from './merge-runs';
import mountConsumedCopy from './mount-consumed-copy';
import smallerBase from './smaller-base';
import stripInstalledBinaries from './strip-installed-binaries';
import cleanAptLists from './clean-apt-lists';
import apkNoCache from './apk-no-cache';
import cleanYumCache from './clean-yum-cache';
import pipNoCache from './pip-no-cache';
import cleanNodeCache from './clean-node-cache';
import cleanGoCache from './clean-go-cache';
import condaClean from './conda-clean';
import composerNoCache from './composer-no-cache';
import gemNoDocument from './gem-no-document';
import aptNoRecommends from './apt-no-recommends';

/**
 * Every transform, in the order the engine runs them. When two transforms'
 * edits overlap in one round, the earlier one here wins and the other is
 * tried again on the next round's text. Taking the install out of the final
 * stage comes first, so that joining RUNs sees only what stays there; stripping
 * rewrites the install stage it made.
 */
export const transforms: Transform[] = [
  extractInstallStage,
  stripInstalledBinaries,
  mergeRuns,
  mergeLabels,
  mergeCopies,
  smallerBase,
  deleteInCreatingLayer,
  mountConsumedCopy,
  cleanAptLists,
  apkNoCache,
  cleanYumCache,
  pipNoCache,
  cleanNodeCache,
  cleanGoCache,
  condaClean,
  composerNoCache,
  gemNoDocument,
  aptNoRecommends,
];

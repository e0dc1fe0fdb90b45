/**
 * Where yum and dnf keep their cache, by the base image: `yum` is yum up to
 * RHEL 7, dnf from RHEL 8 and Fedora 22 on (keeping `/var/cache/dnf`), and
 * dnf5 from Fedora 41 on (keeping `/var/cache/libdnf5`); `dnf` is dnf or
 * dnf5 wherever it is installed.
 */
import type { DockerDocument, Stage } from './document';
import { orList } from './lists';
import { stageLineage } from './stage-paths';

/** The package manager that `yum` or `dnf` is in an image. */
export type RpmManager = 'yum' | 'dnf' | 'dnf5';

/** Where each keeps its metadata and packages. */
export const RPM_CACHE_DIRS: Record<RpmManager, string> = {
  yum: '/var/cache/yum',
  dnf: '/var/cache/dnf',
  dnf5: '/var/cache/libdnf5',
};

/** What `yum` and `dnf` may be where the base image is not known. */
const MAY_BE: Record<string, RpmManager[]> = {
  yum: ['yum', 'dnf', 'dnf5'],
  dnf: ['dnf', 'dnf5'],
};

/** Where `tool` keeps its cache in the stage, and how a message says so. */
export interface RpmCache {
  dirs: string[];
  /** For a message: `` `/var/cache/dnf` (`yum` is dnf in `rockylinux:9`) ``. */
  where: string;
  /** For a message, when the base image does not tell: why `dirs` are several. */
  unknown: string | null;
}

/**
 * Where `tool` (`yum` or `dnf`) keeps its cache in a stage, as the image it
 * is built from in the end tells (see `rpmManager`); every directory it may
 * use when the image does not tell.
 */
export function rpmCache(doc: DockerDocument, stage: Stage, tool: 'yum' | 'dnf'): RpmCache {
  const lineage = stageLineage(doc, stage);
  const image = lineage[lineage.length - 1].image;
  const family = rpmManager(image);
  if (family === null) {
    const dirs = MAY_BE[tool].map((m) => RPM_CACHE_DIRS[m]);
    const unknown = `dslim cannot tell from the base image whether its \`${tool}\` is ${orList(MAY_BE[tool])}`;
    return { dirs, where: `${orList(dirs.map((d) => `\`${d}\``))} (${unknown})`, unknown };
  }
  const manager: RpmManager = tool === 'dnf' && family === 'yum' ? 'dnf' : family;
  const dir = `\`${RPM_CACHE_DIRS[manager]}\``;
  return {
    dirs: [RPM_CACHE_DIRS[manager]],
    where: manager === tool ? dir : `${dir} (\`${tool}\` is ${manager} in \`${image}\`)`,
    unknown: null,
  };
}

/**
 * What `yum` is in an image, by its name and tag: yum in RHEL 7 and older
 * (CentOS, Oracle Linux, UBI, Amazon Linux 1 and 2) and Fedora 21 and
 * older, dnf in RHEL 8 and later (Rocky Linux and AlmaLinux from their
 * first release), Fedora 22 to 40 and Amazon Linux 2023, dnf5 in Fedora 41
 * and later. `latest`, or no tag, is the newest release. Null for another
 * image, or a tag dslim cannot read.
 */
export function rpmManager(image: string): RpmManager | null {
  const ref = imageRef(image);
  if (!ref) return null;
  const { repo, tag } = ref;
  const newest = tag === '' || tag === 'latest';
  const release = Number(/^\D*?(\d+)/.exec(tag)?.[1] ?? NaN);
  if (FEDORA.test(repo)) return newest || tag === 'rawhide' ? 'dnf5' : fedoraManager(release);
  if (EL8_ONLY.test(repo)) return 'dnf';
  if (repo === 'amazonlinux')
    return newest || release >= 2022 ? 'dnf' : Number.isNaN(release) ? null : 'yum';
  const el = EL_TAGGED.test(repo)
    ? newest
      ? 8
      : release
    : Number(EL_NAMED.exec(repo)?.[1] ?? NaN);
  if (Number.isNaN(el)) return null;
  return el <= 7 ? 'yum' : 'dnf';
}

/** Fedora's images, on Docker Hub, Quay and its own registry. */
const FEDORA = /^(fedora\/)?fedora$/;
/** Rebuilds of RHEL whose first release is RHEL 8's. */
const EL8_ONLY = /^(rockylinux\/)?rockylinux$|^(almalinux\/)?almalinux$|^almalinux\/\d/;
/** Images of RHEL or a rebuild whose tag gives the release: `centos:7`, `quay.io/centos/centos:stream9`. */
const EL_TAGGED = /^(centos\/)?centos$|^oraclelinux$/;
/** Images whose name gives the RHEL release: `ubi8/ubi`, `redhat/ubi9`, `rhel7`. */
const EL_NAMED = /^(?:redhat\/)?(?:ubi|rhel)(\d+)(?:[-/]|$)/;

/** What `yum` is in a Fedora release. */
function fedoraManager(release: number): RpmManager | null {
  if (Number.isNaN(release)) return null;
  return release <= 21 ? 'yum' : release <= 40 ? 'dnf' : 'dnf5';
}

/**
 * The repository path of an image reference, registry and `library/` left
 * out, and its tag (`''` for none); null when a variable is in it.
 */
function imageRef(image: string): { repo: string; tag: string } | null {
  if (image.includes('$')) return null;
  const name = image.replace(/@.*$/, '').toLowerCase();
  const colon = name.lastIndexOf(':');
  const tagged = colon > name.lastIndexOf('/');
  const path = (tagged ? name.slice(0, colon) : name).split('/');
  if (path.length > 1 && /[.:]|^localhost$/.test(path[0])) path.shift();
  if (path[0] === 'library') path.shift();
  return { repo: path.join('/'), tag: tagged ? name.slice(colon + 1) : '' };
}

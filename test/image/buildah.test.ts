import { cachedMountHazard, cachedMountReason } from '../../src/image/build-cache';
import {
  buildArguments,
  missingImage,
  storageArguments,
  storageCommand,
} from '../../src/image/buildah';

describe('cachedMountHazard: when verify builds without the layer cache', () => {
  it.each([
    [
      'a bind mount from a stage by name',
      'FROM alpine AS build\nRUN make\nFROM alpine\nRUN --mount=type=bind,from=build,source=/src,target=/tmp/src,rw make -C /tmp/src install\n',
      { line: 4, from: 'build', stage: true },
    ],
    [
      'a mount from a stage by index, with the type left out',
      'FROM alpine\nRUN make\nFROM alpine\nRUN --mount=from=0,target=/src true\n',
      { line: 4, from: '0', stage: true },
    ],
    [
      'a cache mount seeded from a stage, options in any case',
      'FROM alpine AS seed\nFROM alpine\nRUN --mount=type=cache,FROM=Seed,target=/c true\n',
      { line: 3, from: 'Seed', stage: true },
    ],
    [
      'a mount from an image',
      'FROM alpine\nRUN --mount=type=bind,from=golang:1.22,source=/usr/local/go,target=/go true\n',
      { line: 2, from: 'golang:1.22', stage: false },
    ],
    [
      'a second --mount of the RUN, over continuation lines',
      'FROM alpine AS build\nFROM alpine\nRUN --mount=type=cache,target=/root/.cache \\\n    --mount=type=bind,from=build,target=/b true\n',
      { line: 3, from: 'build', stage: true },
    ],
    [
      'an ONBUILD trigger that mounts from a stage',
      'FROM alpine AS build\nFROM alpine\nONBUILD RUN --mount=from=build,target=/b true\n',
      { line: 3, from: 'build', stage: true },
    ],
  ])('%s', (_name, text, expected) => {
    expect(cachedMountHazard(text)).toEqual(expected);
  });

  it.each([
    ['no mount', 'FROM alpine AS build\nFROM alpine\nCOPY --from=build /a /a\nRUN true\n'],
    ['a cache mount', 'FROM alpine\nRUN --mount=type=cache,target=/root/.cache pip install x\n'],
    ['a bind mount from the context', 'FROM alpine\nRUN --mount=type=bind,target=/src make\n'],
    ['a secret mount', 'FROM alpine\nRUN --mount=type=secret,id=token cat /run/secrets/token\n'],
  ])('not for %s', (_name, text) => {
    expect(cachedMountHazard(text)).toBeNull();
  });

  it('says why, naming the line and the stage', () => {
    expect(cachedMountReason({ line: 7, from: 'build', stage: true })).toBe(
      'line 7 mounts the stage `build` with `RUN --mount=…,from=`, and buildah 1.28 can mount an empty or stale directory there when it reuses cached layers (containers/buildah#4375, #4522)',
    );
    expect(cachedMountReason({ line: 2, from: 'golang:1.22', stage: false }, 'the rewrite')).toBe(
      'line 2 of the rewrite mounts `golang:1.22` with `RUN --mount=…,from=`, and buildah 1.28 can mount an empty or stale directory there when it reuses cached layers (containers/buildah#4375, #4522)',
    );
  });
});

describe('the buildah command lines', () => {
  const request = { dockerfile: '/w/Dockerfile', context: '/w', tag: 'localhost/x:1' };

  it('builds with the layer cache and never pulls by default', () => {
    expect(buildArguments(request)).toEqual([
      'bud',
      '--isolation',
      'chroot',
      '--layers',
      '--pull=never',
      '-f',
      '/w/Dockerfile',
      '-t',
      'localhost/x:1',
      '/w',
    ]);
  });

  it('builds every step again with noCache, and pulls only a missing image with pull', () => {
    expect(buildArguments({ ...request, noCache: true, pull: true })).toEqual([
      'bud',
      '--isolation',
      'chroot',
      '--layers',
      '--no-cache',
      '--pull=missing',
      '-f',
      '/w/Dockerfile',
      '-t',
      'localhost/x:1',
      '/w',
    ]);
  });

  it('points at the storage under DSLIM_BUILDAH_ROOT, and quotes it for the shell when it must', () => {
    expect(storageArguments({})).toEqual([
      '--root',
      '/var/tmp/dslim-buildah/storage',
      '--runroot',
      '/var/tmp/dslim-buildah/run',
      '--storage-driver',
      'vfs',
    ]);
    expect(storageCommand({ DSLIM_BUILDAH_ROOT: '/srv/b' })).toBe(
      'buildah --root /srv/b/storage --runroot /srv/b/run --storage-driver vfs',
    );
    expect(storageCommand({ DSLIM_BUILDAH_ROOT: "/srv/it's here" })).toBe(
      "buildah --root '/srv/it'\\''s here/storage' --runroot '/srv/it'\\''s here/run' --storage-driver vfs",
    );
  });
});

describe('missingImage: the image a failed build lacks', () => {
  it.each([
    [
      'a FROM',
      [
        'STEP 1/2: FROM debian:bookworm',
        'Error: creating build container: debian:bookworm: image not known',
      ],
      'debian:bookworm',
    ],
    [
      'a COPY --from',
      [
        'STEP 2/2: COPY --from=alpine:3 /x /x',
        'Error: COPY --from=alpine:3: no stage or image found with that name',
      ],
      'alpine:3',
    ],
    [
      'a RUN --mount from=',
      [
        'STEP 2/2: RUN --mount=from=alpine:3,target=/m true',
        'Error: building at STEP "RUN --mount=from=alpine:3,target=/m true": from=alpine:3,target=/m from=alpine:3: no stage or image found with that name',
      ],
      'alpine:3',
    ],
    [
      'a pull that failed under --pull (no network)',
      [
        'Trying to pull docker.io/library/debian:bookworm...',
        'Error: creating build container: initializing source docker://debian:bookworm: pinging container registry registry-1.docker.io: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host',
      ],
      'debian:bookworm',
    ],
  ])('names the image of %s', (_name, tail, image) => {
    expect(missingImage(tail)).toBe(image);
  });

  it('is null for any other failure', () => {
    expect(
      missingImage(['STEP 2/2: RUN false', 'Error: building at STEP "RUN false": exit status 1']),
    ).toBeNull();
  });
});

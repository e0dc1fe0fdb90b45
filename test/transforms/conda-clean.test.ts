import { lines, transformTable } from '../harness';

transformTable('conda-clean', {
  unchanged: [
    {
      name: 'a tmpfs over the package cache',
      input: lines(
        'FROM continuumio/miniconda3',
        'RUN --mount=type=tmpfs,target=/opt/conda/pkgs conda install -y numpy',
      ),
      reason: 'the packages go to the tmpfs, never to the layer',
      note: 'Adds no `conda clean`: `/opt/conda/pkgs` is a tmpfs mount, so the package cache never reaches a layer.',
    },
    {
      name: 'a RUN that deletes the conda program',
      input: lines(
        'FROM continuumio/miniconda3',
        'RUN conda install -y numpy && rm -rf /opt/conda/bin/conda',
      ),
      reason: 'conda clean would fail with `conda: not found`',
      note: 'Leaves the conda package cache of this `RUN`: `rm -rf /opt/conda/bin/conda` removes `/opt/conda/bin/conda`, so the added `conda clean --all --yes` may not find the `conda` it runs.',
    },
    {
      name: 'an EXIT trap that lists the package cache',
      input: lines(
        'FROM continuumio/miniconda3',
        "RUN trap 'ls /opt/conda/pkgs > /pk' EXIT; conda install -y numpy",
      ),
      reason: 'the trap would run after the appended clean',
      note: "Leaves the conda package cache of this `RUN`: it sets a trap that runs when the shell exits (`trap 'ls /opt/conda/pkgs > /pk' EXIT`)",
    },
    {
      name: 'a later RUN reads the package cache',
      input: lines(
        'FROM continuumio/miniconda3',
        'RUN conda install -y numpy',
        'RUN du -s /opt/conda/pkgs > /x',
      ),
      reason: 'the size would differ without the cache',
      note: '`du` in the `RUN` on line 3 names the cache',
    },
    {
      name: 'already cleaned',
      input: lines('FROM continuumio/miniconda3', 'RUN conda install -y numpy && conda clean -afy'),
      reason: 'the cleanup is there',
    },
    {
      name: 'pkgs on a cache mount',
      input: lines(
        'FROM continuumio/miniconda3',
        'RUN --mount=type=cache,target=/opt/conda/pkgs conda install -y numpy',
      ),
      reason: 'the package cache never reaches a layer',
      note: '`/opt/conda/pkgs` is a cache mount',
    },
    {
      name: 'not an install',
      input: lines('FROM continuumio/miniconda3', 'RUN conda info'),
      reason: 'nothing was downloaded',
    },
    {
      name: 'a later stage copies the installation to another path',
      input: lines(
        'FROM continuumio/miniconda3 AS build',
        'RUN conda install -y numpy',
        'FROM debian:12-slim',
        'COPY --from=build /opt/conda /usr/local/conda',
      ),
      reason: 'the package cache would be files of the final image under `/usr/local/conda/pkgs`',
      note: 'copies `/opt/conda` from this stage',
    },
    {
      name: 'a later stage copies the package cache itself back in place',
      input: lines(
        'FROM continuumio/miniconda3 AS build',
        'RUN conda install -y numpy',
        'FROM debian:12-slim',
        'COPY --from=build /opt/conda/pkgs/numpy-1.26.4-py312h0_0 /opt/conda/pkgs/numpy-1.26.4-py312h0_0',
      ),
      reason: 'a copy of a path inside the cache asks for those files by name',
      note: 'copies `/opt/conda/pkgs/numpy-1.26.4-py312h0_0` from this stage',
    },
  ],
  changed: [
    {
      name: 'conda install',
      input: lines('FROM continuumio/miniconda3', 'RUN conda install -y numpy'),
      output: lines(
        'FROM continuumio/miniconda3',
        'RUN conda install -y numpy && conda clean --all --yes',
      ),
      message: 'Adds `conda clean --all --yes` after `conda install`',
    },
    {
      name: 'micromamba env create',
      input: lines('FROM mambaorg/micromamba', 'RUN micromamba create -y -n app -f env.yml'),
      output: lines(
        'FROM mambaorg/micromamba',
        'RUN micromamba create -y -n app -f env.yml && micromamba clean --all --yes',
      ),
    },
    {
      name: 'a later stage copies the installation back in place',
      input: lines(
        'FROM continuumio/miniconda3 AS build',
        'RUN conda install -y numpy',
        'FROM debian:12-slim',
        'COPY --from=build /opt/conda /opt/conda',
      ),
      output: lines(
        'FROM continuumio/miniconda3 AS build',
        'RUN conda install -y numpy && conda clean --all --yes',
        'FROM debian:12-slim',
        'COPY --from=build /opt/conda /opt/conda',
      ),
    },
    {
      name: 'conda run by its path cleans by the same path',
      input: lines('FROM debian:12', 'RUN /opt/conda/bin/conda install -y numpy'),
      output: lines(
        'FROM debian:12',
        'RUN /opt/conda/bin/conda install -y numpy && /opt/conda/bin/conda clean --all --yes',
      ),
      message: 'Adds `/opt/conda/bin/conda clean --all --yes` after `conda install`',
    },
  ],
});

transformTable(
  'conda-clean',
  {
    unchanged: [
      {
        name: 'a cache mount over the package cache already',
        input: lines(
          'FROM continuumio/miniconda3',
          'RUN --mount=type=cache,target=/opt/conda/pkgs conda install -y numpy',
        ),
        reason: 'the cache never reaches a layer',
        note: 'Adds no `conda clean`: `/opt/conda/pkgs` is a cache mount',
      },
    ],
    changed: [
      {
        name: 'no mount: the cleanup, and the message says why',
        input: lines('FROM continuumio/miniconda3', 'RUN conda install -y numpy'),
        output: lines(
          'FROM continuumio/miniconda3',
          'RUN conda install -y numpy && conda clean --all --yes',
        ),
        message:
          'Adds `conda clean --all --yes` after `conda install` instead of a cache mount, because the `pkgs` directory is inside the installation, which the Dockerfile does not name, and holds the unpacked packages its environments may link to, which a mount would hide: the package archives and index cache it downloaded no longer stay in the layer.',
      },
    ],
  },
  { caches: 'mount' },
);

/** Later conda commands that run from the package cache or the cached index keep them. */
transformTable('conda-clean', {
  unchanged: [
    {
      name: 'a later `--offline`',
      input: lines(
        'FROM continuumio/miniconda3',
        'RUN conda install -y numpy',
        'RUN conda search --offline scipy',
      ),
      reason: '`--offline` reads the cached index and packages only',
      note: 'Leaves the conda package cache of this `RUN`: `conda search` in the `RUN` on line 3 runs from the cache rather than the network (`--offline`), so it needs what this `RUN` leaves there.',
    },
    ...[
      "su -c 'conda search --offline scipy'",
      'runuser -u root -- conda search --offline scipy',
      'eatmydata conda search --offline scipy',
    ].map((later) => ({
      name: `a later \`${later}\``,
      input: lines('FROM continuumio/miniconda3', 'RUN conda install -y numpy', `RUN ${later}`),
      reason: '`--offline` reads the cached index and packages only',
      note: 'Leaves the conda package cache of this `RUN`: `conda search` in the `RUN` on line 3 runs from the cache rather than the network (`--offline`), so it needs what this `RUN` leaves there.',
    })),
    {
      name: 'a later `chroot` may read the cache',
      input: lines(
        'FROM continuumio/miniconda3',
        'RUN conda install -y numpy',
        'RUN chroot / conda list',
      ),
      reason: 'dslim cannot tell which files a program under another root reads',
      note: 'Leaves the conda package cache of this `RUN`: `chroot` in the `RUN` on line 3 may read the cache',
    },
    {
      name: 'a later `-C`, `--use-index-cache`',
      input: lines(
        'FROM continuumio/miniconda3',
        'RUN conda install -y numpy',
        'RUN conda search -C scipy',
      ),
      reason: 'the cached index, however old, picks the versions',
      note: '(`-C`)',
    },
    {
      name: 'a later `--use-index-cache` written out',
      input: lines(
        'FROM continuumio/miniconda3',
        'RUN conda install -y numpy',
        'RUN conda search --use-index-cache scipy',
      ),
      reason: 'the cached index, however old, picks the versions',
      note: '(`--use-index-cache`)',
    },
    {
      name: '`CONDA_OFFLINE` set by an ENV',
      input: lines(
        'FROM continuumio/miniconda3',
        'RUN conda install -y numpy',
        'ENV CONDA_OFFLINE=true',
        'RUN conda search scipy',
      ),
      reason: 'conda reads its settings from `CONDA_*` variables',
      note: '(`CONDA_OFFLINE` set by the `ENV` on line 3)',
    },
    {
      name: 'mamba reads the same cache',
      input: lines(
        'FROM condaforge/miniforge3',
        'RUN conda install -y numpy',
        'RUN mamba search --offline scipy',
      ),
      reason: 'mamba uses the package cache of the installation',
      note: '`mamba search` in the `RUN` on line 3 runs from the cache rather than the network (`--offline`)',
    },
    {
      name: '`conda config --set offline true` in a RUN between',
      input: lines(
        'FROM continuumio/miniconda3',
        'RUN conda install -y numpy',
        'RUN conda config --set offline true',
        'RUN conda search scipy',
      ),
      reason: 'the setting lands in `.condarc`, which every conda command after it reads',
      note: '(`conda config --set offline` on line 3)',
    },
    {
      name: 'a download-only install',
      input: lines('FROM continuumio/miniconda3', 'RUN conda install -y --download-only numpy'),
      reason:
        'the packages it puts in the cache are all the RUN is for, and `conda clean` would remove them as unused',
      note: 'Leaves the conda package cache of this `RUN`: `conda install` only downloads packages into the cache (`--download-only`), for a later step to install them from there.',
    },
  ],
  changed: [
    {
      name: 'the install with `--offline` later: only that one is cleaned',
      input: lines(
        'FROM continuumio/miniconda3',
        'RUN conda install -y numpy',
        'RUN conda install -y --offline scipy',
      ),
      output: lines(
        'FROM continuumio/miniconda3',
        'RUN conda install -y numpy',
        'RUN conda install -y --offline scipy && conda clean --all --yes',
      ),
      note: '`conda install` in the `RUN` on line 3 runs from the cache rather than the network (`--offline`)',
    },
    {
      name: 'a later install online',
      input: lines(
        'FROM continuumio/miniconda3',
        'RUN conda install -y numpy',
        'RUN conda install -y scipy',
      ),
      output: lines(
        'FROM continuumio/miniconda3',
        'RUN conda install -y numpy && conda clean --all --yes',
        'RUN conda install -y scipy && conda clean --all --yes',
      ),
    },
    {
      name: '`CONDA_OFFLINE=false`',
      input: lines(
        'FROM continuumio/miniconda3',
        'ENV CONDA_OFFLINE=false',
        'RUN conda install -y numpy',
        'RUN conda search scipy',
      ),
      output: lines(
        'FROM continuumio/miniconda3',
        'ENV CONDA_OFFLINE=false',
        'RUN conda install -y numpy && conda clean --all --yes',
        'RUN conda search scipy',
      ),
    },
    {
      name: 'a later `conda list` without a network reads no cache',
      input: lines(
        'FROM continuumio/miniconda3',
        'RUN conda install -y numpy',
        'RUN --network=none conda list',
      ),
      output: lines(
        'FROM continuumio/miniconda3',
        'RUN conda install -y numpy && conda clean --all --yes',
        'RUN --network=none conda list',
      ),
    },
  ],
});

transformTable('conda-clean', {
  unchanged: [
    {
      name: 'a later stage copies the package directory CONDA_PKGS_DIRS moved',
      input: lines(
        'FROM continuumio/miniconda3 AS build',
        'ENV CONDA_PKGS_DIRS=/pk',
        'RUN conda install -y numpy',
        'FROM continuumio/miniconda3',
        'COPY --from=build /pk /opt/conda/pkgs',
      ),
      reason: 'the cleanup would empty what the later stage copies',
      note: 'Leaves the conda package cache of this `RUN`: the `COPY --from=build` on line 5 copies `/pk` from this stage, so removing the cache would change what it copies.',
    },
    {
      name: 'a later RUN reads the second of the CONDA_PKGS_DIRS',
      input: lines(
        'FROM continuumio/miniconda3',
        'ENV CONDA_PKGS_DIRS=/pk,/pk2',
        'RUN conda install -y numpy',
        'RUN ls /pk2 > /list',
      ),
      reason: 'the cleanup would change what it lists',
      note: 'Leaves the conda package cache of this `RUN`: `ls` in the `RUN` on line 4 names the cache, which it may read.',
    },
  ],
  changed: [
    {
      name: 'a moved package cache that nothing reads',
      input: lines(
        'FROM continuumio/miniconda3',
        'ENV CONDA_PKGS_DIRS=/pk',
        'RUN conda install -y numpy',
      ),
      output: lines(
        'FROM continuumio/miniconda3',
        'ENV CONDA_PKGS_DIRS=/pk',
        'RUN conda install -y numpy && conda clean --all --yes',
      ),
    },
  ],
});

/** The cleanup runs as the RUN's user: an install run as another one filled that user's cache. */
transformTable('conda-clean', {
  unchanged: [
    {
      name: 'an install run as another user',
      input: lines('FROM continuumio/miniconda3', 'RUN gosu app conda install -y numpy'),
      reason:
        'the added conda clean would run as root, not as the user whose cache the install filled',
      note: 'Leaves the conda package cache of this `RUN`: `gosu app conda install -y numpy` runs as `app` while the `RUN` runs as `root`, so the added `conda clean --all --yes` would run as `root`: it may be denied what that command leaves, or clean the cache of `root` instead of the one that command fills.',
    },
  ],
  changed: [
    {
      name: '`USER app`, then the install as `app` too',
      input: lines(
        'FROM continuumio/miniconda3',
        'USER app',
        'RUN sudo -u app conda install -y numpy',
      ),
      output: lines(
        'FROM continuumio/miniconda3',
        'USER app',
        'RUN sudo -u app conda install -y numpy && conda clean --all --yes',
      ),
    },
  ],
});

/** A mount holds the package cache only where the environment puts it; a copied-in one stays. */
transformTable('conda-clean', {
  unchanged: [
    {
      name: 'a cache mount where `CONDA_PKGS_DIRS` moves the cache',
      input: lines(
        'FROM continuumio/miniconda3',
        'ENV CONDA_PKGS_DIRS=/pkgs',
        'RUN --mount=type=cache,target=/pkgs conda install -y numpy',
      ),
      reason: 'conda writes its package cache into the mount',
      note: 'Adds no `conda clean`: `/pkgs` is a cache mount, so the package cache never reaches a layer.',
    },
    {
      name: 'an installation copied from an image',
      input: lines(
        'FROM debian:12',
        'COPY --from=continuumio/miniconda3 /opt/conda /opt/conda',
        'RUN /opt/conda/bin/conda install -y scipy',
      ),
      reason:
        'the copied `pkgs` stays in the COPY layer, and the cleanup would take it out of the image',
      note: 'Leaves the conda package cache of this `RUN`: the `COPY` on line 2 first writes into `/opt/conda`, above `/opt/conda/pkgs`',
    },
  ],
  changed: [
    {
      name: 'a cache mount at the default where `CONDA_PKGS_DIRS` moves the cache',
      input: lines(
        'FROM continuumio/miniconda3',
        'ENV CONDA_PKGS_DIRS=/pkgs',
        'RUN --mount=type=cache,target=/opt/conda/pkgs conda install -y numpy',
      ),
      output: lines(
        'FROM continuumio/miniconda3',
        'ENV CONDA_PKGS_DIRS=/pkgs',
        'RUN --mount=type=cache,target=/opt/conda/pkgs conda install -y numpy && conda clean --all --yes',
      ),
    },
    {
      name: '`MAMBA_ROOT_PREFIX` moves only the micromamba cache',
      input: lines(
        'FROM mambaorg/micromamba',
        'ENV MAMBA_ROOT_PREFIX=/mamba',
        'RUN --mount=type=cache,target=/root/micromamba/pkgs micromamba install -y numpy',
      ),
      output: lines(
        'FROM mambaorg/micromamba',
        'ENV MAMBA_ROOT_PREFIX=/mamba',
        'RUN --mount=type=cache,target=/root/micromamba/pkgs micromamba install -y numpy && micromamba clean --all --yes',
      ),
    },
  ],
});

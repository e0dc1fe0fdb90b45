import { lines, transformTable } from '../harness';

transformTable('conda-clean', {
  unchanged: [
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

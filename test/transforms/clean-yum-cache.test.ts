import { lines, transformTable } from '../harness';

transformTable('clean-yum-cache', {
  unchanged: [
    {
      name: 'a later RUN reads the yum cache',
      input: lines('FROM centos:7', 'RUN yum -y install git', 'RUN find /var/cache/yum > /x'),
      reason: 'the listing would be empty without the cache',
      note: '`find` in the `RUN` on line 3 names the cache',
    },
    {
      name: 'already cleaned',
      input: lines(
        'FROM rockylinux:9',
        'RUN dnf install -y git && dnf clean all && rm -rf /var/cache/dnf',
      ),
      reason: 'both the cleanup and the removal are there',
    },
    {
      name: 'no install',
      input: lines('FROM rockylinux:9', 'RUN dnf --version'),
      reason: 'nothing was downloaded',
    },
    {
      name: 'cache mount',
      input: lines(
        'FROM fedora:40',
        'RUN --mount=type=cache,target=/var/cache/dnf dnf install -y git',
      ),
      reason: 'the cache never reaches a layer',
      note: '`/var/cache/dnf` is a cache mount',
    },
    {
      name: 'exec form',
      input: lines('FROM centos:7', 'RUN ["yum", "install", "-y", "git"]'),
      reason: 'an exec-form RUN cannot take a shell command',
      note: 'Leaves the `yum` cache of this `RUN`: it is an exec-form',
    },
    {
      name: 'a later stage copies `/var/cache` out',
      input: lines(
        'FROM rockylinux:9 AS build',
        'RUN dnf install -y git',
        'FROM scratch',
        'COPY --from=build /var/cache /cache',
      ),
      reason: 'the dnf cache becomes files of the final image under `/cache`',
      note: 'the `COPY --from=build` on line 4 copies `/var/cache` from this stage',
    },
  ],
  changed: [
    {
      name: 'yum',
      input: lines('FROM centos:7', 'RUN yum -y install git'),
      output: lines(
        'FROM centos:7',
        'RUN yum -y install git && yum clean all && rm -rf /var/cache/yum',
      ),
      message: 'Adds `yum clean all && rm -rf /var/cache/yum`',
    },
    {
      name: 'dnf already cleaning gets the removal only',
      input: lines('FROM fedora:40', 'RUN dnf install -y git && dnf clean all'),
      output: lines(
        'FROM fedora:40',
        'RUN dnf install -y git && dnf clean all && rm -rf /var/cache/dnf',
      ),
    },
    {
      name: 'microdnf over several lines with `;`',
      input: lines(
        'FROM ubi9-minimal',
        'RUN set -e; \\',
        '    microdnf install -y tar; \\',
        '    tar --version',
      ),
      output: lines(
        'FROM ubi9-minimal',
        'RUN set -e; \\',
        '    microdnf install -y tar; \\',
        '    tar --version && \\',
        '    microdnf clean all && rm -rf /var/cache/yum',
      ),
    },
    {
      name: 'zypper short subcommand',
      input: lines('FROM opensuse/leap', 'RUN zypper -n in curl'),
      output: lines(
        'FROM opensuse/leap',
        'RUN zypper -n in curl && zypper clean --all && rm -rf /var/cache/zypp',
      ),
    },
    {
      name: 'CRLF',
      input: 'FROM fedora:40\r\nRUN dnf install -y git\r\n',
      output:
        'FROM fedora:40\r\nRUN dnf install -y git && dnf clean all && rm -rf /var/cache/dnf\r\n',
    },
    {
      name: "a later stage copies another tool's cache directory",
      input: lines(
        'FROM rockylinux:9 AS build',
        'RUN dnf install -y git',
        'FROM scratch',
        'COPY --from=build /var/cache/yum /yum',
      ),
      output: lines(
        'FROM rockylinux:9 AS build',
        'RUN dnf install -y git && dnf clean all && rm -rf /var/cache/dnf',
        'FROM scratch',
        'COPY --from=build /var/cache/yum /yum',
      ),
    },
    {
      name: 'dnf run by its path cleans by the same path',
      input: lines('FROM rockylinux:9', 'RUN /usr/bin/dnf install -y git'),
      output: lines(
        'FROM rockylinux:9',
        'RUN /usr/bin/dnf install -y git && /usr/bin/dnf clean all && rm -rf /var/cache/dnf',
      ),
    },
  ],
});

transformTable(
  'clean-yum-cache',
  {
    unchanged: [
      {
        name: 'a cache mount over the dnf cache already',
        input: lines(
          'FROM fedora:40',
          'RUN --mount=type=cache,target=/var/cache/dnf,sharing=locked dnf install -y git',
        ),
        reason: 'the cache never reaches a layer, so a second run adds nothing',
        note: 'Adds no cleanup for `dnf`: `/var/cache/dnf` is a cache mount',
      },
      {
        name: 'cleaned up already',
        input: lines(
          'FROM fedora:40',
          'RUN dnf install -y git && dnf clean all && rm -rf /var/cache/dnf',
        ),
        reason: 'the cache is out of the layer already',
      },
    ],
    changed: [
      {
        name: 'dnf gets a locked mount',
        input: lines('FROM fedora:40', 'RUN dnf install -y git'),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM fedora:40',
          'RUN --mount=type=cache,target=/var/cache/dnf,sharing=locked dnf install -y git',
        ),
        message:
          "Mounts a build cache at `/var/cache/dnf` for `dnf install`: the metadata and packages it keeps there stay in BuildKit's cache, not in the layer, and the next build reuses them.",
      },
      {
        name: 'microdnf and zypper keep theirs elsewhere',
        input: lines(
          'FROM ubi9-minimal AS a',
          'RUN microdnf install -y git',
          'FROM opensuse/leap AS b',
          'RUN zypper -n install git',
        ),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM ubi9-minimal AS a',
          'RUN --mount=type=cache,target=/var/cache/yum,sharing=locked microdnf install -y git',
          'FROM opensuse/leap AS b',
          'RUN --mount=type=cache,target=/var/cache/zypp,sharing=locked zypper -n install git',
        ),
      },
      {
        name: 'a cleanup already there without the rm: mounted, the clean empties the mount',
        input: lines('FROM fedora:40', 'RUN dnf install -y git && dnf clean all'),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM fedora:40',
          'RUN --mount=type=cache,target=/var/cache/dnf,sharing=locked dnf install -y git && dnf clean all',
        ),
      },
      {
        name: 'the RUN removes the cache directory: completed cleanup instead',
        input: lines('FROM fedora:40', 'RUN dnf install -y git && rm -rf /var/cache/dnf'),
        output: lines(
          'FROM fedora:40',
          'RUN dnf install -y git && rm -rf /var/cache/dnf && dnf clean all',
        ),
        message:
          'Adds `dnf clean all` after the install instead of a cache mount, because its `rm` removes `/var/cache/dnf` or a directory above it, which fails on a mount point: the metadata and packages `dnf` keeps in `/var/cache/dnf` no longer stay in the layer.',
      },
    ],
  },
  { caches: 'mount' },
);

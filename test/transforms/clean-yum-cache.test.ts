import { lines, transformTable } from '../harness';

transformTable('clean-yum-cache', {
  unchanged: [
    {
      name: 'a tmpfs above the dnf cache',
      input: lines(
        'FROM rockylinux:9',
        'RUN --mount=type=tmpfs,target=/var/cache dnf install -y git',
      ),
      reason: 'the cache goes to the tmpfs, never to the layer',
      note: 'Adds no cleanup for `dnf`: `/var/cache` is a tmpfs mount, so its cache never reaches a layer.',
    },
    {
      name: 'a RUN that erases yum',
      input: lines('FROM centos:7', 'RUN yum install -y httpd && rpm -e --nodeps yum'),
      reason: 'yum clean would fail with `yum: not found`',
      note: 'Leaves the `yum` cache of this `RUN`: `rpm -e --nodeps yum` removes `yum`, so the added `yum clean all` may not find the `yum` it runs.',
    },
    {
      name: 'a RUN that removes dnf',
      input: lines('FROM fedora:40', 'RUN dnf install -y httpd && dnf remove -y dnf'),
      reason: 'dnf clean would fail with `dnf: not found`',
      note: 'Leaves the `dnf` cache of this `RUN`: `dnf remove -y dnf` removes `dnf`, so the added `dnf clean all` may not find the `dnf` it runs.',
    },
    {
      name: 'an EXIT trap that lists the cache',
      input: lines(
        'FROM rockylinux:9',
        "RUN trap 'ls /var/cache/dnf > /c' EXIT; dnf install -y git",
      ),
      reason: 'the trap would run after the appended clean',
      note: "it sets a trap that runs when the shell exits (`trap 'ls /var/cache/dnf > /c' EXIT`), so commands added at its end would run before the trap, or set it off",
    },
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
      name: 'a RUN that removes another package',
      input: lines('FROM centos:7', 'RUN yum install -y httpd && yum remove -y yum-utils'),
      output: lines(
        'FROM centos:7',
        'RUN yum install -y httpd && yum remove -y yum-utils && yum clean all && rm -rf /var/cache/yum',
      ),
    },
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

/** Later commands that run from the cached metadata and packages keep them; so does a download-only install. */
transformTable('clean-yum-cache', {
  unchanged: [
    {
      name: 'a later `yum -C`',
      input: lines('FROM centos:7', 'RUN yum install -y curl', 'RUN yum -C list installed'),
      reason: '`-C` runs from the cache only, which the cleanup would empty',
      note: 'Leaves the `yum` cache of this `RUN`: `yum list` in the `RUN` on line 3 runs from the cache rather than the network (`-C`), so it needs what this `RUN` leaves there.',
    },
    {
      name: '`-C` grouped with other letters',
      input: lines('FROM centos:7', 'RUN yum install -y curl', 'RUN yum -qC list installed'),
      reason: 'yum reads `-qC` as `-q -C`',
      note: '(`-C`)',
    },
    {
      name: 'a later `dnf --cacheonly`',
      input: lines(
        'FROM rockylinux:9',
        'RUN dnf install -y git',
        'RUN dnf --cacheonly repoquery git',
      ),
      reason: '`--cacheonly` is `-C` written out',
      note: '`dnf repoquery` in the `RUN` on line 3 runs from the cache rather than the network (`--cacheonly`)',
    },
    {
      name: 'a later `--setopt=cacheonly=True`',
      input: lines(
        'FROM rockylinux:9',
        'RUN dnf install -y git',
        'RUN dnf --setopt=cacheonly=True list git',
      ),
      reason: 'the `cacheonly` setting is what `-C` sets',
      note: '(`--setopt cacheonly=True`)',
    },
    {
      name: 'a later `--setopt cacheonly=1` in two words',
      input: lines(
        'FROM rockylinux:9',
        'RUN dnf install -y git',
        'RUN dnf --setopt cacheonly=1 list git',
      ),
      reason: 'dnf takes the setting as the next word too',
      note: '(`--setopt cacheonly=1`)',
    },
    {
      name: "yum-utils' `repoquery -C`",
      input: lines(
        'FROM centos:7',
        'RUN yum install -y yum-utils',
        'RUN repoquery -C --requires git',
      ),
      reason: 'repoquery runs from the yum cache with `-C`',
      note: '`repoquery git` in the `RUN` on line 3 runs from the cache rather than the network (`-C`)',
    },
    {
      name: 'another tool of the family reads it: `yum` is dnf from RHEL 8 on',
      input: lines('FROM rockylinux:9', 'RUN dnf install -y git', 'RUN yum -C list installed'),
      reason: 'there `yum` reads the dnf cache',
      note: '`yum list` in the `RUN` on line 3 runs from the cache',
    },
    {
      name: 'a later `zypper --no-refresh`',
      input: lines(
        'FROM opensuse/leap:15.6',
        'RUN zypper --non-interactive install curl',
        'RUN zypper --no-refresh search git',
      ),
      reason:
        'without a refresh zypper reads only the cached metadata, and skips a repository not cached',
      note: '`zypper search` in the `RUN` on line 3 runs from the cache rather than the network (`--no-refresh`)',
    },
    {
      name: 'a download-only install',
      input: lines('FROM centos:7', 'RUN yum install -y --downloadonly git'),
      reason: 'the packages it downloads into the cache are all the RUN is for',
      note: 'Leaves the `yum` cache of this `RUN`: `yum install` only downloads packages into the cache (`--downloadonly`), for a later step to install them from there.',
    },
    {
      name: 'a download-only zypper install, `-d`',
      input: lines('FROM opensuse/leap:15.6', 'RUN zypper --non-interactive install -d git'),
      reason: '`-d` is `--download-only`',
      note: '`zypper install` only downloads packages into the cache (`-d`)',
    },
    {
      name: 'a download-only zypper install, `--download only`',
      input: lines(
        'FROM opensuse/leap:15.6',
        'RUN zypper --non-interactive install --download only git',
      ),
      reason: '`--download only` is `--download-only`',
      note: '(`--download only`)',
    },
  ],
  changed: [
    {
      name: 'the install with `-C` later: only that one is cleaned',
      input: lines(
        'FROM centos:7',
        'RUN yum install -y curl',
        'ENV A=1',
        'RUN yum -C install -y git',
      ),
      output: lines(
        'FROM centos:7',
        'RUN yum install -y curl',
        'ENV A=1',
        'RUN yum -C install -y git && yum clean all && rm -rf /var/cache/yum',
      ),
      note: 'Leaves the `yum` cache of this `RUN`: `yum install` in the `RUN` on line 4 runs from the cache rather than the network (`-C`), so it needs what this `RUN` leaves there.',
    },
    {
      name: 'a later install in a `RUN --network=none`',
      input: lines(
        'FROM rockylinux:9',
        'RUN dnf install -y git',
        'RUN --network=none dnf install -y vim',
      ),
      output: lines(
        'FROM rockylinux:9',
        'RUN dnf install -y git',
        'RUN --network=none dnf install -y vim && dnf clean all && rm -rf /var/cache/dnf',
      ),
      note: '`dnf install` in the `RUN` on line 3 runs from the cache rather than the network (`RUN --network=none`)',
    },
    {
      name: 'a later install online',
      input: lines('FROM centos:7', 'RUN yum install -y curl', 'RUN yum install -y git'),
      output: lines(
        'FROM centos:7',
        'RUN yum install -y curl && yum clean all && rm -rf /var/cache/yum',
        'RUN yum install -y git && yum clean all && rm -rf /var/cache/yum',
      ),
    },
    {
      name: 'a later `--setopt=cacheonly=False`',
      input: lines(
        'FROM rockylinux:9',
        'RUN dnf install -y git',
        'RUN dnf --setopt=cacheonly=False list git',
      ),
      output: lines(
        'FROM rockylinux:9',
        'RUN dnf install -y git && dnf clean all && rm -rf /var/cache/dnf',
        'RUN dnf --setopt=cacheonly=False list git',
      ),
    },
    {
      name: "zypper's `-C` is `--cache-dir`, not cache-only",
      input: lines(
        'FROM opensuse/leap:15.6',
        'RUN zypper --non-interactive install curl',
        'RUN zypper -C /tmp/zc search git',
      ),
      output: lines(
        'FROM opensuse/leap:15.6',
        'RUN zypper --non-interactive install curl && zypper clean --all && rm -rf /var/cache/zypp',
        'RUN zypper -C /tmp/zc search git',
      ),
    },
    {
      name: 'a later `RUN --network=none` that reaches no repository',
      input: lines('FROM rockylinux:9', 'RUN dnf install -y git', 'RUN --network=none dnf history'),
      output: lines(
        'FROM rockylinux:9',
        'RUN dnf install -y git && dnf clean all && rm -rf /var/cache/dnf',
        'RUN --network=none dnf history',
      ),
    },
    {
      name: 'a download-only install, then one that installs: the later one is cleaned',
      input: lines(
        'FROM centos:7',
        'RUN yum install -y --downloadonly git',
        'RUN yum install -y git',
      ),
      output: lines(
        'FROM centos:7',
        'RUN yum install -y --downloadonly git',
        'RUN yum install -y git && yum clean all && rm -rf /var/cache/yum',
      ),
    },
  ],
});

transformTable(
  'clean-yum-cache',
  {
    unchanged: [
      {
        name: 'a download-only install',
        input: lines('FROM rockylinux:9', 'RUN dnf install -y --downloadonly git'),
        reason: 'a mount would keep the downloaded packages out of the layer',
        note: '`dnf install` only downloads packages into the cache (`--downloadonly`)',
      },
      {
        name: 'a later `-C`',
        input: lines('FROM rockylinux:9', 'RUN dnf install -y git', 'RUN dnf -C list installed'),
        reason: 'a mount would keep the cache out of the layer the later RUN reads',
        note: '`dnf list` in the `RUN` on line 3 runs from the cache rather than the network (`-C`)',
      },
    ],
    changed: [
      {
        name: 'an install of its own with `-C`: the cleanup instead',
        input: lines('FROM rockylinux:9', 'RUN dnf -C install -y git'),
        output: lines(
          'FROM rockylinux:9',
          'RUN dnf -C install -y git && dnf clean all && rm -rf /var/cache/dnf',
        ),
        message:
          'instead of a cache mount, because `dnf install` runs from the cache rather than the network (`-C`), and a mount would hide the cache the image has:',
      },
    ],
  },
  { caches: 'mount' },
);

transformTable('clean-yum-cache', {
  unchanged: [
    {
      name: 'a later `chroot` may read the cache',
      input: lines(
        'FROM rockylinux:9',
        'RUN dnf install -y git',
        'RUN chroot / dnf -C install -y b',
      ),
      reason: 'dslim cannot tell which files a program under another root reads',
      note: 'Leaves the `dnf` cache of this `RUN`: `chroot` in the `RUN` on line 3 may read the cache: it runs its program under another root directory, so dslim cannot tell which files that program uses.',
    },
    ...[
      'env A=1 dnf -C list git',
      "sh -c 'yum --cacheonly info git'",
      'time repoquery -C git',
      "su - app -c 'dnf -C list git'",
      'runuser -u app -- dnf -C list git',
      'unshare --fork dnf -C list git',
      'flock /var/lock/dnf dnf -C list git',
    ].map((later) => ({
      name: `a later \`${later}\` reads the cached metadata`,
      input: lines('FROM rockylinux:9', 'RUN dnf install -y git', `RUN ${later} > /x`),
      reason: 'with the cache gone it has no metadata to read',
      note: 'in the `RUN` on line 3 runs from the cache rather than the network',
    })),
  ],
  changed: [
    ...[
      ['env A=1 dnf -C install -y b', 'dnf'],
      ['sudo dnf --cacheonly install -y b', 'dnf'],
      ["sh -c 'yum -C install -y b'", 'yum'],
      ['xargs dnf install -y -C < pkgs.txt', 'dnf'],
      ['nice -n 5 dnf install -y --setopt cacheonly=1 b', 'dnf'],
      ["su -c 'yum -C install -y b'", 'yum'],
      ['gosu root dnf -C install -y b', 'dnf'],
    ].map(([later, tool]) => ({
      name: `a later \`${later}\` runs from the cache: only that RUN is cleaned`,
      input: lines('FROM rockylinux:9', 'RUN dnf install -y git', `RUN ${later}`),
      output: lines(
        'FROM rockylinux:9',
        'RUN dnf install -y git',
        `RUN ${later} && ${tool} clean all && rm -rf /var/cache/dnf`,
      ),
      note: 'in the `RUN` on line 3 runs from the cache rather than the network',
    })),
    ...['env LANG=C', 'sudo', 'time', 'eatmydata', 'setsid -w', 'strace -f -o /tmp/t'].map(
      (wrapper) => ({
        name: `an install behind \`${wrapper}\``,
        input: lines('FROM rockylinux:9', `RUN ${wrapper} dnf install -y git`),
        output: lines(
          'FROM rockylinux:9',
          `RUN ${wrapper} dnf install -y git && dnf clean all && rm -rf /var/cache/dnf`,
        ),
      }),
    ),
    {
      name: 'an install in a `su -c` script: the cleanup goes after it, not into it',
      input: lines('FROM rockylinux:9', "RUN su -c 'dnf install -y git'"),
      output: lines(
        'FROM rockylinux:9',
        "RUN su -c 'dnf install -y git' && dnf clean all && rm -rf /var/cache/dnf",
      ),
    },
    {
      name: 'an install in a `sh -c` script: the cleanup goes after it, not into it',
      input: lines('FROM rockylinux:9', "RUN sh -c 'dnf install -y git'"),
      output: lines(
        'FROM rockylinux:9',
        "RUN sh -c 'dnf install -y git' && dnf clean all && rm -rf /var/cache/dnf",
      ),
    },
  ],
});

/** The cleanup runs as the RUN's user: `USER app` then `sudo dnf` leaves root's cache to it. */
transformTable('clean-yum-cache', {
  unchanged: [
    ...['sudo', 'doas', 'gosu root', "su -c 'dnf install -y git'"].map((wrapper) => {
      const run = wrapper.includes("'") ? wrapper : `${wrapper} dnf install -y git`;
      const command = wrapper.includes("'") ? 'dnf install -y git' : run;
      return {
        name: `\`USER app\`, then \`${run}\``,
        input: lines('FROM rockylinux:9', 'USER app', `RUN ${run}`),
        reason: "the added cleanup would run as app, and be denied root's cache",
        note: `Leaves the \`dnf\` cache of this \`RUN\`: \`${command}\` runs as \`root\` while the \`RUN\` runs as \`app\`, so the added \`dnf clean all && rm -rf /var/cache/dnf\` would run as \`app\`: it may be denied what that command leaves, or clean the cache of \`app\` instead of the one that command fills.`,
      };
    }),
  ],
  changed: [
    {
      name: '`USER root` after another user, then `sudo`',
      input: lines('FROM rockylinux:9', 'USER app', 'USER root', 'RUN sudo dnf install -y git'),
      output: lines(
        'FROM rockylinux:9',
        'USER app',
        'USER root',
        'RUN sudo dnf install -y git && dnf clean all && rm -rf /var/cache/dnf',
      ),
    },
  ],
});

/** A RUN that ends by filling the cache keeps it: the last command asks for it. */
transformTable('clean-yum-cache', {
  unchanged: [
    {
      name: '`yum makecache fast` after the install',
      input: lines('FROM centos:7', 'RUN yum -y install epel-release && yum makecache fast'),
      reason: 'the RUN fills the cache on purpose, which a cleanup would undo',
      note: 'Leaves the `yum` cache of this `RUN`: `yum makecache` after the install only fills the cache, so the `RUN` ends by filling it on purpose.',
    },
    {
      name: '`dnf makecache` after the install',
      input: lines('FROM fedora:40', 'RUN dnf install -y curl && dnf makecache'),
      reason: 'the RUN fills the cache on purpose',
      note: 'Leaves the `dnf` cache of this `RUN`: `dnf makecache` after the install only fills the cache, so the `RUN` ends by filling it on purpose.',
    },
    {
      name: '`zypper refresh` after the install, with an option before it',
      input: lines('FROM opensuse/leap:15.6', 'RUN zypper -n in curl && zypper -n refresh'),
      reason: 'refresh only fills the metadata cache',
      note: 'Leaves the `zypper` cache of this `RUN`: `zypper refresh` after the install only fills the cache, so the `RUN` ends by filling it on purpose.',
    },
    {
      name: 'a command after `makecache` that neither uses nor empties the cache',
      input: lines('FROM rockylinux:9', 'RUN dnf install -y curl && dnf makecache && dnf history'),
      reason: '`dnf history` reaches neither the network nor the cache',
      note: '`dnf makecache` after the install only fills the cache',
    },
  ],
  changed: [
    {
      name: 'an install after `makecache` is cleaned',
      input: lines('FROM centos:7', 'RUN yum makecache fast && yum install -y git'),
      output: lines(
        'FROM centos:7',
        'RUN yum makecache fast && yum install -y git && yum clean all && rm -rf /var/cache/yum',
      ),
    },
    {
      name: '`clean all` after `makecache`: the removal is added',
      input: lines('FROM centos:7', 'RUN yum install -y git && yum makecache && yum clean all'),
      output: lines(
        'FROM centos:7',
        'RUN yum install -y git && yum makecache && yum clean all && rm -rf /var/cache/yum',
      ),
    },
    {
      name: 'an `rm` of the cache after `makecache`: the clean is added',
      input: lines(
        'FROM centos:7',
        'RUN yum install -y git && yum makecache && rm -rf /var/cache/yum',
      ),
      output: lines(
        'FROM centos:7',
        'RUN yum install -y git && yum makecache && rm -rf /var/cache/yum && yum clean all',
      ),
    },
  ],
});

/** Where `yum` and `dnf` keep their cache depends on the image the stage is built from. */
transformTable('clean-yum-cache', {
  unchanged: [
    {
      name: 'a later RUN reads the dnf cache that `yum` fills in Rocky Linux 9',
      input: lines('FROM rockylinux:9', 'RUN yum install -y git', 'RUN ls /var/cache/dnf > /x'),
      reason: 'there `yum` is dnf, whose cache the listing reads',
      note: 'Leaves the `yum` cache of this `RUN`: `ls` in the `RUN` on line 3 names the cache, which it may read.',
    },
    {
      name: 'a mount at the dnf cache of `yum` in AlmaLinux 8',
      input: lines(
        'FROM almalinux:8',
        'RUN --mount=type=cache,target=/var/cache/dnf yum install -y git',
      ),
      reason: 'the cache `yum` fills there never reaches a layer',
      note: 'Adds no cleanup for `yum`: `/var/cache/dnf` is a cache mount, so its cache never reaches a layer.',
    },
  ],
  changed: [
    ...[
      'fedora:40',
      'rockylinux:8',
      'almalinux:9',
      'centos:8',
      'centos',
      'quay.io/centos/centos:stream9',
      'registry.access.redhat.com/ubi8/ubi',
      'redhat/ubi9',
      'oraclelinux:8',
      'amazonlinux:2023',
      'amazonlinux',
    ].map((image) => ({
      name: `\`yum\` is dnf in \`${image}\``,
      input: lines(`FROM ${image}`, 'RUN yum install -y git'),
      output: lines(
        `FROM ${image}`,
        'RUN yum install -y git && yum clean all && rm -rf /var/cache/dnf',
      ),
      message: `Adds \`yum clean all && rm -rf /var/cache/dnf\` after the install: the metadata and packages \`yum\` keeps in \`/var/cache/dnf\` (\`yum\` is dnf in \`${image}\`) no longer stay in the layer.`,
    })),
    ...[
      'centos:7',
      'centos:centos6',
      'oraclelinux:7-slim',
      'amazonlinux:2',
      'amazonlinux:2018.03',
      'registry.access.redhat.com/ubi7/ubi',
      'fedora:21',
    ].map((image) => ({
      name: `\`yum\` is yum in \`${image}\``,
      input: lines(`FROM ${image}`, 'RUN yum install -y git'),
      output: lines(
        `FROM ${image}`,
        'RUN yum install -y git && yum clean all && rm -rf /var/cache/yum',
      ),
      message:
        'the metadata and packages `yum` keeps in `/var/cache/yum` no longer stay in the layer.',
    })),
    ...['fedora:41', 'fedora', 'fedora:rawhide', 'registry.fedoraproject.org/fedora:42'].map(
      (image) => ({
        name: `\`dnf\` is dnf5 in \`${image}\``,
        input: lines(`FROM ${image}`, 'RUN dnf install -y git'),
        output: lines(
          `FROM ${image}`,
          'RUN dnf install -y git && dnf clean all && rm -rf /var/cache/libdnf5',
        ),
        message: `the metadata and packages \`dnf\` keeps in \`/var/cache/libdnf5\` (\`dnf\` is dnf5 in \`${image}\`) no longer stay in the layer.`,
      }),
    ),
    {
      name: '`dnf` where `yum` is yum is dnf',
      input: lines('FROM centos:7', 'RUN yum install -y dnf && dnf install -y git'),
      output: lines(
        'FROM centos:7',
        'RUN yum install -y dnf && dnf install -y git && dnf clean all && rm -rf /var/cache/dnf',
      ),
      message: 'the metadata and packages `dnf` keeps in `/var/cache/dnf` no longer stay',
    },
    {
      name: 'the image is found through the stages the stage builds on',
      input: lines('FROM rockylinux:9 AS base', 'FROM base', 'RUN yum install -y git'),
      output: lines(
        'FROM rockylinux:9 AS base',
        'FROM base',
        'RUN yum install -y git && yum clean all && rm -rf /var/cache/dnf',
      ),
      message: '(`yum` is dnf in `rockylinux:9`)',
    },
    {
      name: 'another image: every directory `yum` may use',
      input: lines('FROM example.com/el/base:1', 'RUN yum install -y git'),
      output: lines(
        'FROM example.com/el/base:1',
        'RUN yum install -y git && yum clean all && rm -rf /var/cache/yum /var/cache/dnf /var/cache/libdnf5',
      ),
      message:
        'Adds `yum clean all && rm -rf /var/cache/yum /var/cache/dnf /var/cache/libdnf5` after the install: the metadata and packages `yum` keeps in `/var/cache/yum`, `/var/cache/dnf` or `/var/cache/libdnf5` (dslim cannot tell from the base image whether its `yum` is yum, dnf or dnf5) no longer stay in the layer.',
    },
    {
      name: 'an image named through an ARG without a default: every directory `dnf` may use',
      input: lines('ARG BASE', 'FROM $BASE', 'RUN dnf install -y git'),
      output: lines(
        'ARG BASE',
        'FROM $BASE',
        'RUN dnf install -y git && dnf clean all && rm -rf /var/cache/dnf /var/cache/libdnf5',
      ),
      message:
        '`dnf` keeps in `/var/cache/dnf` or `/var/cache/libdnf5` (dslim cannot tell from the base image whether its `dnf` is dnf or dnf5)',
    },
    {
      name: 'another image, one of the directories removed already: the others are added',
      input: lines('FROM example.com/el/base:1', 'RUN dnf install -y git && rm -rf /var/cache/dnf'),
      output: lines(
        'FROM example.com/el/base:1',
        'RUN dnf install -y git && rm -rf /var/cache/dnf && dnf clean all && rm -rf /var/cache/libdnf5',
      ),
    },
  ],
});

transformTable(
  'clean-yum-cache',
  {
    unchanged: [
      {
        name: 'a mount at the dnf cache of `yum` in Rocky Linux 9',
        input: lines(
          'FROM rockylinux:9',
          'RUN --mount=type=cache,target=/var/cache/dnf,sharing=locked yum install -y git',
        ),
        reason: 'the mount in the input holds the cache already',
        note: 'Adds no cleanup for `yum`: `/var/cache/dnf` is a cache mount',
      },
    ],
    changed: [
      {
        name: 'another image: a mount at every directory `dnf` may use',
        input: lines('FROM example.com/el/base:1', 'RUN dnf install -y git'),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM example.com/el/base:1',
          'RUN --mount=type=cache,target=/var/cache/dnf,sharing=locked --mount=type=cache,target=/var/cache/libdnf5,sharing=locked dnf install -y git',
        ),
        message:
          "Mounts build caches at `/var/cache/dnf` and `/var/cache/libdnf5` for `dnf install`, since dslim cannot tell from the base image whether its `dnf` is dnf or dnf5: the metadata and packages it keeps there stay in BuildKit's cache, not in the layer, and the next build reuses them.",
      },
      {
        name: '`yum` in Rocky Linux 9 gets the dnf cache mounted',
        input: lines('FROM rockylinux:9', 'RUN yum install -y git'),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM rockylinux:9',
          'RUN --mount=type=cache,target=/var/cache/dnf,sharing=locked yum install -y git',
        ),
        message: 'Mounts a build cache at `/var/cache/dnf` for `yum install`: ',
      },
    ],
  },
  { caches: 'mount' },
);

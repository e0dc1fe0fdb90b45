import { lines, transformTable } from '../harness';

transformTable('apk-no-cache', {
  unchanged: [
    {
      name: 'a bind mount over the apk cache',
      input: lines(
        'FROM alpine:3.20',
        'RUN --mount=type=bind,source=apk,target=/var/cache/apk apk add curl',
      ),
      reason: 'the index never reaches the layer, and the mount may hold packages apk reads',
      note: 'Leaves `apk` as it is: `/var/cache/apk` is a bind mount, so the index never reaches a layer.',
    },
    {
      name: 'a later RUN lists the cache directory',
      input: lines('FROM alpine:3.20', 'RUN apk add curl', 'RUN ls /var/cache/apk > /x'),
      reason: '/x would be empty without the stored index',
      note: 'Leaves `apk add` as it is: `ls` in the `RUN` on line 3 names the cache, which it may read.',
    },
    {
      name: 'an ONBUILD RUN reads the cache',
      input: lines('FROM alpine:3.20', 'ONBUILD RUN ls /var/cache/apk > /x', 'RUN apk add curl'),
      reason: 'the trigger runs in images built on this one, after the install',
      note: '`ls` in the `RUN` on line 2 names the cache',
    },
    {
      name: 'a later `apk search` reads the index the add stored',
      input: lines('FROM alpine:3.20', 'RUN apk add curl', 'RUN apk search git > /x'),
      reason: 'with `--no-cache` no index is stored, and the search finds nothing',
      note: 'Leaves `apk add` as it is: `apk search` in the `RUN` on line 3 looks packages up in the index this `apk add` stores, which `--no-cache` would not store.',
    },
    {
      name: '`apk policy` later in the same RUN',
      input: lines('FROM alpine:3.20', 'RUN apk add curl && apk policy curl > /x'),
      reason: 'the policy reads the stored index',
      note: '`apk policy` later in this `RUN` looks packages up',
    },
    {
      name: 'already `--no-cache`',
      input: lines('FROM alpine:3.20', 'RUN apk add --no-cache curl'),
      reason: 'nothing to add, and no `apk update` to drop',
    },
    {
      name: 'apk cache on a cache mount',
      input: lines('FROM alpine:3.20', 'RUN --mount=type=cache,target=/var/cache/apk apk add curl'),
      reason: 'the index never reaches a layer and the mount is there to keep it',
      note: '`/var/cache/apk` is a cache mount',
    },
    {
      name: '`apk update` read by a later `apk search`',
      input: lines(
        'FROM alpine:3.20',
        'RUN apk update && apk add --no-cache curl',
        'RUN apk search git',
      ),
      reason: 'the later command reads the index that `apk update` stored',
    },
    {
      name: '`apk update` joined by `||`',
      input: lines('FROM alpine:3.20', 'RUN apk update || true && apk add --no-cache curl'),
      reason: 'dropping it would change which commands the `||` chooses between',
    },
    {
      name: 'exec form',
      input: lines('FROM alpine:3.20', 'RUN ["apk", "add", "curl"]'),
      reason: 'no shell reads an exec-form RUN, so its words are passed as they are',
      note: 'exec-form (JSON) RUN',
    },
    {
      name: '`--no-network`',
      input: lines(
        'FROM alpine:3.20',
        'RUN apk add --no-network --virtual .rundeps so:libc.musl-x86_64.so.1',
      ),
      reason: 'it downloads nothing, and `--no-cache` would make it fetch an index without network',
    },
    {
      name: 'a later stage copies a directory above the cache',
      input: lines(
        'FROM alpine:3.20 AS base',
        'RUN apk add curl',
        'FROM scratch',
        'COPY --from=base /etc/apk /etc-apk',
      ),
      reason: '`/etc/apk/cache` is inside the copy, where it is data, not a cache',
      note: 'the `COPY --from=base` on line 4 copies `/etc/apk` from this stage',
    },
    {
      name: 'an update a later stage would copy the index of',
      input: lines(
        'FROM alpine:3.20 AS base',
        'RUN apk update && apk add --no-cache curl',
        'FROM scratch',
        'COPY --from=base /var/cache/apk /index',
      ),
      reason: 'dropping `apk update` would leave the copied directory without its index',
      note: 'copies `/var/cache/apk` from this stage',
    },
  ],
  changed: [
    {
      name: 'an add after an update in a RUN of its own reads the index that RUN stored',
      input: lines('FROM alpine:3.20', 'RUN apk update', 'RUN apk add curl'),
      output: lines('FROM alpine:3.20', 'RUN apk update', 'RUN apk add --no-cache curl'),
      message:
        'Adds `--no-cache` to `apk add`, which has no `apk update` before it in this `RUN` and no `--update-cache`: it then fetches the index into memory rather than reading one stored before this `RUN`, so nothing it downloads (a refreshed index, or packages where `/etc/apk/cache` keeps them) is stored in this layer; an index stored before stays in the layer that stored it.',
    },
    {
      name: 'an add with --update-cache stores the index it fetches',
      input: lines('FROM alpine:3.20', 'RUN apk update', 'RUN apk add -U curl'),
      output: lines('FROM alpine:3.20', 'RUN apk update', 'RUN apk add --no-cache -U curl'),
      message:
        'Adds `--no-cache` to `apk add`: the package index is no longer stored in the layer.',
    },
    {
      name: 'an update kept while an ignored later RUN still reads its index',
      input: lines(
        'FROM alpine:3.20',
        'RUN apk update && apk add curl',
        '# dslim-ignore',
        'RUN apk add vim',
      ),
      output: lines(
        'FROM alpine:3.20',
        'RUN apk update && apk add --no-cache curl',
        '# dslim-ignore',
        'RUN apk add vim',
      ),
    },
    {
      name: 'one add',
      input: lines('FROM alpine:3.20', 'RUN apk add curl'),
      output: lines('FROM alpine:3.20', 'RUN apk add --no-cache curl'),
      message: 'Adds `--no-cache` to `apk add`',
    },
    {
      name: 'update dropped beside it',
      input: lines('FROM alpine:3.20', 'RUN apk update && apk add curl'),
      output: lines('FROM alpine:3.20', 'RUN apk add --no-cache curl'),
      message: 'drops `apk update`',
    },
    {
      name: 'update on its own line in the middle of a chain',
      input: lines(
        'FROM alpine:3.20',
        'RUN set -eux && \\',
        '    apk update && \\',
        '    apk add --no-cache --virtual .build gcc && \\',
        '    apk del .build',
      ),
      output: lines(
        'FROM alpine:3.20',
        'RUN set -eux && \\',
        '    apk add --no-cache --virtual .build gcc && \\',
        '    apk del .build',
      ),
      message: 'Drops `apk update`',
    },
    {
      name: 'flags on continuation lines stay once and in order',
      input: lines(
        'FROM alpine:3.20',
        'RUN --mount=type=bind,source=a,target=/a \\',
        '    --mount=type=ssh \\',
        '    apk add \\',
        '      git',
      ),
      output: lines(
        'FROM alpine:3.20',
        'RUN --mount=type=bind,source=a,target=/a \\',
        '    --mount=type=ssh \\',
        '    apk add --no-cache \\',
        '      git',
      ),
    },
    {
      name: 'CRLF and a later `apk search` keeping the update',
      input: 'FROM alpine:3.20\r\nRUN apk update && apk add curl && apk search x\r\n',
      output: 'FROM alpine:3.20\r\nRUN apk update && apk add --no-cache curl && apk search x\r\n',
    },
    {
      name: 'a later stage copies the installed files only',
      input: lines(
        'FROM alpine:3.20 AS base',
        'RUN apk update && apk add curl',
        'FROM scratch',
        'COPY --from=base /usr/bin/curl /usr/bin/curl',
      ),
      output: lines(
        'FROM alpine:3.20 AS base',
        'RUN apk add --no-cache curl',
        'FROM scratch',
        'COPY --from=base /usr/bin/curl /usr/bin/curl',
      ),
    },
  ],
});

const APK_MOUNTS =
  '--mount=type=cache,target=/etc/apk/cache,sharing=locked --mount=type=cache,target=/var/cache/apk,sharing=locked';

transformTable(
  'apk-no-cache',
  {
    unchanged: [
      {
        name: 'a cache mount over the apk cache already',
        input: lines(
          'FROM alpine:3.20',
          'RUN --mount=type=cache,target=/etc/apk/cache apk add -U curl',
        ),
        reason: 'the index never reaches a layer, so a second run adds nothing',
        note: 'Leaves `apk` as it is: `/etc/apk/cache` is a cache mount',
      },
      {
        name: 'already `--no-cache`',
        input: lines('FROM alpine:3.20', 'RUN apk add --no-cache curl'),
        reason: 'nothing is stored, and nothing would go into a mount',
      },
    ],
    changed: [
      {
        name: 'update, then add: mounted, and the update stays',
        input: lines('FROM alpine:3.20', 'RUN apk update && apk add curl'),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM alpine:3.20',
          `RUN ${APK_MOUNTS} apk update && apk add curl`,
        ),
        message:
          "Mounts build caches at `/etc/apk/cache` and `/var/cache/apk` for `apk add`: the package index and the packages apk downloads stay in BuildKit's cache, not in the layer, and the next build reuses them.",
      },
      {
        name: '`apk add --update-cache` fetches its own index',
        input: lines('FROM alpine:3.20', 'RUN apk --update-cache add curl && apk add -U git'),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM alpine:3.20',
          `RUN ${APK_MOUNTS} apk --update-cache add curl && apk add -U git`,
        ),
      },
      {
        name: 'a later RUN refreshes before it reads',
        input: lines(
          'FROM alpine:3.20',
          'RUN apk update && apk add curl',
          'RUN apk del curl && apk update && apk upgrade',
        ),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM alpine:3.20',
          `RUN ${APK_MOUNTS} apk update && apk add curl`,
          'RUN apk del curl && apk update && apk upgrade',
        ),
      },
      {
        name: 'no fresh index: `--no-cache` instead',
        input: lines('FROM alpine:3.20', 'RUN apk add curl'),
        output: lines('FROM alpine:3.20', 'RUN apk add --no-cache curl'),
        message:
          'Adds `--no-cache` to `apk add` instead of a cache mount, because an `apk add` here fetches no fresh index (no `apk update` before it, no `--update-cache`), so it could read an old one from the cache: it then fetches the index into memory rather than reading one stored before this `RUN`, so nothing it downloads (a refreshed index, or packages where `/etc/apk/cache` keeps them) is stored in this layer; an index stored before stays in the layer that stored it.',
      },
      {
        name: 'a later RUN reads the stored index: `--no-cache` instead, the update kept',
        input: lines('FROM alpine:3.20', 'RUN apk update && apk add curl', 'RUN apk search git'),
        output: lines(
          'FROM alpine:3.20',
          'RUN apk update && apk add --no-cache curl',
          'RUN apk search git',
        ),
        message:
          'because the `RUN` on line 3 reads the package index this one stores, which a mount would keep out of the layer:',
      },
    ],
  },
  { caches: 'mount' },
);

/** `apk --no-network` installs from the stored index and cache only. */
transformTable('apk-no-cache', {
  unchanged: [
    {
      name: 'a later `apk add --no-network`',
      input: lines('FROM alpine:3.20', 'RUN apk add curl', 'RUN apk add --no-network jq'),
      reason: '`--no-cache` would store no index for the later add to read',
      note: 'Leaves `apk add` as it is: `apk add` in the `RUN` on line 3 runs from the cache rather than the network (`--no-network`), so it needs what this `RUN` leaves there.',
    },
    {
      name: '`apk add --no-network` later in the same RUN',
      input: lines('FROM alpine:3.20', 'RUN apk add curl && apk add --no-network jq'),
      reason: 'the second add reads the index the first stores',
      note: '`apk add` later in this `RUN` runs from the cache rather than the network (`--no-network`)',
    },
    {
      name: 'a later add in a `RUN --network=none`',
      input: lines(
        'FROM alpine:3.20',
        'RUN apk update && apk add curl',
        'RUN --network=none apk add jq',
      ),
      reason:
        'without a network the later add reads the stored index, which dropping `apk update` would lose',
      note: '`apk add` in the `RUN` on line 3 runs from the cache rather than the network (`RUN --network=none`)',
    },
    {
      name: 'an add in a `RUN --network=none` itself',
      input: lines('FROM alpine:3.20', 'RUN --network=none apk add jq'),
      reason: '`--no-cache` would make it fetch an index it cannot reach',
      note: '`apk add` here runs from the cache rather than the network (`RUN --network=none`)',
    },
  ],
  changed: [
    {
      name: 'a later `apk del` without a network reads no index',
      input: lines('FROM alpine:3.20', 'RUN apk add curl', 'RUN --network=none apk del curl'),
      output: lines(
        'FROM alpine:3.20',
        'RUN apk add --no-cache curl',
        'RUN --network=none apk del curl',
      ),
    },
  ],
});

/** Wrappers whose words are the command's own: an `apk add` behind one is changed like any other. */
const EDITABLE_APK_WRAPPERS = [
  'env A=1',
  'sudo',
  'command',
  'exec',
  'time',
  'nice -n 5',
  'timeout 60',
  'gosu root',
  'su-exec root',
  'setpriv --reuid=0 --regid=0 --keep-groups',
  'runuser -u root --',
  'unshare -n --fork',
  'flock -x /tmp/apk.lock',
  'eatmydata',
  'fakeroot --',
  'strace -f -o /tmp/trace',
  'catchsegv',
  'setsid -w',
  'taskset -c 0',
];

transformTable('apk-no-cache', {
  unchanged: [
    {
      name: 'an `apk add` in a `sh -c` script',
      input: lines('FROM alpine:3.20', "RUN sh -c 'apk add curl'"),
      reason: 'the flag would have to go inside the quoted script',
      note: 'Leaves `apk add` as it is: it runs `apk` in the script of `sh -c`, a quoted word, which dslim does not edit.',
    },
    {
      name: 'an `apk add` through `xargs`',
      input: lines('FROM alpine:3.20', 'RUN xargs apk add < pkgs.txt'),
      reason: 'the words of the add are not all in the RUN',
      note: 'Leaves `apk add` as it is: it runs `apk` through `xargs`, which gives it more words from its input, so dslim does not edit it.',
    },
    ...[
      'env A=1 apk search git > /x',
      'sudo apk info -a git > /x',
      'xargs apk info < names > /x',
      "sh -c 'apk list git > /x'",
    ].map((later) => ({
      name: `a later \`${later}\` reads the stored index`,
      input: lines('FROM alpine:3.20', 'RUN apk add curl', `RUN ${later}`),
      reason: 'with `--no-cache` no index is stored, and the later lookup finds nothing',
      note: 'in the `RUN` on line 3 looks packages up in the index this `apk add` stores',
    })),
    ...["su app -c 'apk search git > /x'", 'gosu app apk info -a git > /x'].map((later) => ({
      name: `a later \`${later}\` reads the stored index`,
      input: lines('FROM alpine:3.20', 'RUN apk add curl', `RUN ${later}`),
      reason: 'with `--no-cache` no index is stored, and the later lookup finds nothing',
      note: 'in the `RUN` on line 3 looks packages up in the index this `apk add` stores',
    })),
    {
      name: 'a later `chroot` may read the index',
      input: lines(
        'FROM alpine:3.20',
        'RUN apk update && apk add curl',
        'RUN chroot / apk add git',
      ),
      reason: 'dslim cannot tell which files a program under another root reads',
      note: 'Leaves `apk add` as it is: `chroot` in the `RUN` on line 3 may read the cache: it runs its program under another root directory',
    },
    {
      name: 'a `chroot` after the add in the same RUN may read the index',
      input: lines('FROM alpine:3.20', 'RUN apk add curl && chroot /target apk info curl'),
      reason: 'with `--no-cache` no index is stored for what runs after the add',
      note: '`chroot` after the install may read the cache: it runs its program under another root directory',
    },
    {
      name: 'a later `env` add in a `RUN --network=none`',
      input: lines(
        'FROM alpine:3.20',
        'RUN apk add curl',
        'RUN --network=none env A=1 apk add git',
      ),
      reason: 'without a network the later add has only the index this RUN stores',
      note: '`apk add` in the `RUN` on line 3 runs from the cache rather than the network (`RUN --network=none`)',
    },
  ],
  changed: [
    ...EDITABLE_APK_WRAPPERS.map((wrapper) => ({
      name: `a later \`${wrapper} apk add\` gets \`--no-cache\` too, so the update can go`,
      input: lines(
        'FROM alpine:3.20',
        'RUN apk update && apk add a',
        'ENV X=1',
        `RUN ${wrapper} apk add git`,
      ),
      output: lines(
        'FROM alpine:3.20',
        'RUN apk add --no-cache a',
        'ENV X=1',
        `RUN ${wrapper} apk add --no-cache git`,
      ),
    })),
    ...[
      "sh -c 'apk add git'",
      'xargs apk add < pkgs.txt',
      "su -c 'apk add git'",
      "flock /tmp/apk.lock -c 'apk add git'",
      "busybox sh -c 'apk add git'",
      'runuser -u root apk add git',
    ].map((later) => ({
      name: `a later \`${later}\` keeps the \`apk update\` it reads`,
      input: lines('FROM alpine:3.20', 'RUN apk update && apk add a', 'ENV X=1', `RUN ${later}`),
      output: lines(
        'FROM alpine:3.20',
        'RUN apk update && apk add --no-cache a',
        'ENV X=1',
        `RUN ${later}`,
      ),
      note: 'dslim does not edit',
    })),
    {
      name: 'a `chroot` between the update and the add keeps the update',
      input: lines('FROM alpine:3.20', 'RUN apk update && chroot /target true && apk add a'),
      output: lines(
        'FROM alpine:3.20',
        'RUN apk update && chroot /target true && apk add --no-cache a',
      ),
    },
    {
      name: 'the add behind `time -p` in the same RUN',
      input: lines('FROM alpine:3.20', 'RUN apk update && time -p apk add curl'),
      output: lines('FROM alpine:3.20', 'RUN time -p apk add --no-cache curl'),
    },
  ],
});

transformTable('apk-no-cache', {
  unchanged: [
    {
      name: '`xargs apk info` later in the RUN reads the index',
      input: lines('FROM alpine:3.20', 'RUN apk add curl && echo git | xargs -r apk info -R > /x'),
      reason: '`apk info -R` of a package not installed looks it up in the index',
      note: '`apk info` later in this `RUN` looks packages up',
    },
  ],
  changed: [
    {
      name: '`xargs apk info --installed` later in the RUN reads only the installed database',
      input: lines(
        'FROM alpine:3.20',
        'RUN apk add curl && echo so:libc.musl-x86_64.so.1 | xargs -r apk info --installed > /x',
      ),
      output: lines(
        'FROM alpine:3.20',
        'RUN apk add --no-cache curl && echo so:libc.musl-x86_64.so.1 | xargs -r apk info --installed > /x',
      ),
    },
  ],
});

/** A RUN that ends with `apk update` stores the index on purpose: it stays. */
transformTable('apk-no-cache', {
  unchanged: [
    {
      name: '`apk update` after the add',
      input: lines('FROM alpine:3.20', 'RUN apk add curl && apk update'),
      reason: 'the last update stores the index for the image',
      note: 'Leaves `apk add` as it is: `apk update` after the install only fills the cache, so the `RUN` ends by filling it on purpose.',
    },
    {
      name: '`apk update` after an add with `--no-cache` is not dropped',
      input: lines('FROM alpine:3.20', 'RUN apk add --no-cache curl && apk update'),
      reason: 'dropping the update would drop the index the RUN asks for',
      note: '`apk update` after the install only fills the cache',
    },
  ],
  changed: [
    {
      name: '`apk cache clean` after the update: the add is changed',
      input: lines('FROM alpine:3.20', 'RUN apk add curl && apk update && apk cache clean'),
      output: lines(
        'FROM alpine:3.20',
        'RUN apk add --no-cache curl && apk update && apk cache clean',
      ),
    },
  ],
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fix } from '../../src/index';
import { lines, transformTable } from '../harness';

const download = 'RUN curl -fsSLo /tmp/app.tgz https://example.com/app.tgz';

/**
 * Commands between the creation and the rm that may read the file without
 * their words naming it, with the start of the note that says how.
 */
const readersBetween: [string, string][] = [
  [
    'F=/tmp/a.tgz; tar xzf $F',
    '`tar xzf $F`, which may name the path through `$F`, a word the shell expands',
  ],
  ['./install.sh', '`./install.sh`, which runs a script or a program, and it may read the path'],
  ['make', '`make`, which may read files its words do not name (a Makefile'],
  ['sh /opt/setup.sh', '`sh /opt/setup.sh`, which runs a script'],
  ['python3 /opt/setup.py', '`python3 /opt/setup.py`, which runs a script'],
  ['eval "$CMD"', '`eval "$CMD"`, which runs other commands'],
  ['$CMD', '`$CMD`, which is named by a variable or a substitution'],
  ['. /opt/env.sh && echo ok', '`. /opt/env.sh`, which runs other commands'],
  ['unpack() { :; }; unpack', '`unpack`, which may read files its words do not name'],
  ['cat /opt/list | xargs echo', '`xargs echo`, which runs other commands'],
  ['find /opt -exec true {} +', '`find /opt -exec true {} +`, which runs other commands'],
  [
    'apt-get install -y foo',
    '`apt-get install -y foo`, which may read files its words do not name',
  ],
  ['pip install foo', '`pip install foo`, which may read files its words do not name'],
  ['echo $ARCHIVE', '`echo $ARCHIVE`, which may name the path through `$ARCHIVE`'],
  ['cat /opt/*.txt', '`cat /opt/*.txt`, which may name the path through `/opt/*.txt`'],
  ['ls -R > /list', '`ls -R`, which lists its working directory, where the path may be'],
  ['tar czf /x.tgz /tmp', '`tar czf /x.tgz /tmp`, which names the path, a directory above it'],
  ['cp -r /tmp /backup', '`cp -r /tmp /backup`, which names the path, a directory above it'],
  ['chmod -R 755 /tmp', '`chmod -R 755 /tmp`, which names the path, a directory above it'],
  ['rsync -a /tmp/ /backup/', '`rsync -a /tmp/ /backup/`, which names the path'],
  ['cd /tmp && make', '`cd /tmp`, which names the path, a directory above it'],
  ['[ -f /tmp/a.tgz ] || exit 1', '`[ -f /tmp/a.tgz ]`, which names the path'],
  ['if [[ -s /tmp/a.tgz ]]; then echo ok; fi', '`[[ -s /tmp/a.tgz ]]`, which names the path'],
  [
    'for f in /tmp/*.tgz; do echo "$f"; done',
    '`for f in /tmp/*.tgz; do echo "$f"; done`, which names the path',
  ],
  ['while read -r l; do echo "$l"; done < /tmp/a.tgz', '`read -r l`, which names the path'],
  ['X=$(< /tmp/a.tgz) && echo ok', '`< /tmp/a.tgz`, which names the path'],
  ['{ echo a; } >> /tmp/a.tgz', '`echo a`, which names the path'],
];

transformTable('delete-in-creating-layer', {
  unchanged: [
    ...[
      ['exit 0', 'exit'],
      ['exec sh -c true', 'exec'],
      ['return 0', 'return'],
      ['test -f /etc/ready || return 0; echo go', 'return'],
    ].map(([tail, stop]) => ({
      name: `a creating RUN that may stop early with \`${stop}\`: ${tail}`,
      input: lines(
        'FROM debian',
        `RUN mkdir -p /tmp/big; ${tail}`,
        'ENV A=1',
        'RUN rm -rf /tmp/big',
      ),
      reason: `dash ends the script at \`${stop}\` (a \`return\` outside a function too), so an appended rm would never run`,
      note: `Leaves \`rm -rf /tmp/big\` where it is: the \`RUN\` at line 2 may stop before its end (\`${stop}\`)`,
    })),
    {
      name: 'a creating RUN that defines a function rm',
      input: lines(
        'FROM debian:12',
        'RUN rm() { :; }; echo data > /tmp/f',
        'ENV A=1',
        'RUN rm /tmp/f',
      ),
      reason: 'the moved rm would call the function and leave the file',
      note: 'Leaves `rm /tmp/f` where it is: in the `RUN` at line 2, `rm()` defines a function `rm`, which the added `rm /tmp/f` would run instead of the program.',
    },
    {
      name: 'a creating RUN that sets an EXIT trap',
      input: lines(
        'FROM debian:12',
        "RUN trap 'cp /tmp/f /keep' EXIT; echo data > /tmp/f",
        'ENV A=1',
        'RUN rm /tmp/f',
      ),
      reason:
        'the trap copies /tmp/f when the shell exits: after an appended rm, `/keep` is never made',
      note: "Leaves `rm /tmp/f` where it is: the `RUN` at line 2 sets a trap that runs when the shell exits (`trap 'cp /tmp/f /keep' EXIT`), so commands added at its end would run before the trap, or set it off.",
    },
    {
      name: 'a creating RUN that sets an ERR trap under bash',
      input: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-c"]',
        "RUN trap 'echo failed' ERR; curl -o /tmp/x.tgz https://example.test/x",
        'ENV A=1',
        'RUN rm /tmp/x.tgz',
      ),
      reason: 'an appended rm that fails would run the trap',
      note: "the `RUN` at line 3 sets a trap that runs when a command fails, in bash (`trap 'echo failed' ERR`)",
    },
    {
      name: 'a reader through the merged-/usr link of the base image',
      input: lines(
        'FROM debian:12',
        'RUN echo data > /usr/lib/foo.conf',
        'ENV B=1',
        'RUN cp /lib/foo.conf /etc/ || echo none > /etc/foo.conf',
        'ENV C=1',
        'RUN rm /usr/lib/foo.conf',
      ),
      reason: '/lib is a link to usr/lib: cp reads the file, which the moved rm would delete first',
      note: 'Leaves `rm /usr/lib/foo.conf` where it is: the `RUN` at line 4 runs `cp /lib/foo.conf /etc/`, which names the path, a directory above it or a path inside it.',
    },
    {
      name: 'a reader through /var/run',
      input: lines(
        'FROM debian:12',
        'RUN mkdir /run/app',
        'ENV B=1',
        'RUN ls /var/run/app > /list',
        'ENV C=1',
        'RUN rm -r /run/app',
      ),
      reason: '/var/run is a link to /run',
      note: 'the `RUN` at line 4 runs `ls /var/run/app`, which names the path',
    },
    {
      name: 'a reader through a link an earlier RUN made',
      input: lines(
        'FROM debian:12',
        'RUN ln -s /tmp /link',
        'RUN echo data > /tmp/f',
        'ENV B=1',
        'RUN cp /link/f /etc/ || echo none > /etc/f',
        'ENV C=1',
        'RUN rm /tmp/f',
      ),
      reason: '/link/f is /tmp/f',
      note: 'Leaves `rm /tmp/f` where it is: the `RUN` at line 5 runs `cp /link/f /etc/`, which names the path, a directory above it or a path inside it.',
    },
    {
      name: 'a reader through a link the creating RUN made, with a relative target',
      input: lines(
        'FROM debian:12',
        'RUN mkdir -p /data && echo data > /data/f && cd / && ln -sfT data link',
        'ENV B=1',
        'RUN cat /link/f > /etc/f',
        'ENV C=1',
        'RUN rm /data/f',
      ),
      reason: 'link → data, relative to /: /link/f is /data/f',
      note: 'the `RUN` at line 4 runs `cat /link/f`, which names the path',
    },
    {
      name: 'a reader through a link of a stage it builds on',
      input: lines(
        'FROM debian:12 AS base',
        'RUN ln -sT /tmp /link',
        'FROM base',
        'RUN echo data > /tmp/f',
        'ENV B=1',
        'RUN cat /link/f > /etc/f',
        'ENV C=1',
        'RUN rm /tmp/f',
      ),
      reason: '/link/f is /tmp/f',
      note: 'the `RUN` at line 6 runs `cat /link/f`, which names the path',
    },
    {
      name: 'a link dslim cannot place',
      input: lines(
        'FROM debian:12',
        'RUN ln -s /tmp "$LINK"',
        'RUN echo data > /tmp/f',
        'ENV B=1',
        'RUN cat /opt/x/f > /etc/f',
        'ENV C=1',
        'RUN rm /tmp/f',
      ),
      reason: 'the link may be /opt/x, so cat may read /tmp/f',
      note: 'Leaves `rm /tmp/f` where it is: `ln -s /tmp "$LINK"` makes a symbolic link that dslim cannot place, so the path may have another name that a command between them reads.',
    },
    {
      name: 'a creating RUN that ends in a call of what a sourced file may define',
      input: lines(
        'FROM debian:bookworm-slim',
        'RUN . /opt/lib.sh && curl -o /tmp/x.tgz https://example.test/x && unpack_all',
        'ENV A=1',
        'RUN rm /tmp/x.tgz',
      ),
      reason:
        'the sourced file may turn errexit on and define `unpack_all`, which would run without errexit once `&& rm` follows',
      note: 'the `RUN` at line 2 ends in `unpack_all`, which may be a function defined in code the script runs but does not show (a sourced file, an `eval`); `&&` after it would switch off, inside it, the errexit (`set -e`) that `. /opt/lib.sh` may turn on',
    },
    {
      name: 'a RUN between that reads the file through an input redirection',
      input: lines(
        'FROM debian:bookworm-slim',
        'RUN curl -o /tmp/x.tgz https://example.test/x',
        'ENV A=1',
        'RUN tar xz -C /opt < /tmp/x.tgz && echo ok',
        'ENV B=1',
        'RUN rm /tmp/x.tgz',
      ),
      reason: 'moving the rm would delete the file before the RUN that reads it',
      note: 'the `RUN` at line 4 runs `tar xz -C /opt`, which names the path',
    },
    {
      name: 'a heredoc COPY between them',
      input: lines(
        'FROM debian',
        download,
        'COPY <<EOF /etc/x',
        'rm /tmp/app.tgz',
        'EOF',
        'RUN rm /tmp/app.tgz',
      ),
      reason: 'a heredoc instruction cannot be read safely, so it may write into the path',
      note: 'may write into the path',
    },
    {
      name: 'adjacent RUNs are left to merge-runs',
      input: lines('FROM debian', download, 'RUN rm /tmp/app.tgz'),
      reason: 'merge-runs joins neighbours; moving the rm as well would race it',
    },
    {
      name: 'a path from the base image',
      input: lines('FROM debian', 'RUN mkdir /opt/a', 'ENV A=1', 'RUN rm -rf /etc/nginx'),
      reason: 'no earlier RUN creates /etc/nginx: the delete in the later layer must stay',
    },
    {
      name: 'a COPY writes into the path between them',
      input: lines(
        'FROM debian',
        'RUN mkdir -p /usr/src/app',
        'COPY . /usr/src/app/',
        'RUN rm -rf /usr/src/app',
      ),
      reason: 'moved earlier, the rm would leave the copied files in the image',
      note: 'the `COPY` at line 3 may write into the path',
    },
    {
      name: 'a RUN between them reads the path',
      input: lines(
        'FROM debian',
        download,
        'ENV A=1',
        'RUN tar -xzf /tmp/app.tgz -C /opt',
        'ENV B=2',
        'RUN rm /tmp/app.tgz',
      ),
      reason: 'moved earlier, the archive would be gone when tar runs',
      note: 'the `RUN` at line 4 runs `tar -xzf /tmp/app.tgz -C /opt`, which names the path',
    },
    {
      name: 'a WORKDIR between them creates a directory inside the path',
      input: lines('FROM debian', 'RUN mkdir /build', 'WORKDIR /build/out', 'RUN rm -rf /build'),
      reason: 'with the rm moved, WORKDIR would recreate /build/out and it would stay in the image',
      note: 'the `WORKDIR` at line 3 may create a directory inside the path',
    },
    {
      name: 'a USER between them',
      input: lines('FROM debian', download, 'USER app', 'RUN rm -f /tmp/app.tgz'),
      reason: 'the delete would run as another user, who may or may not be allowed to delete',
      note: 'changes the user that deletes it',
    },
    {
      name: 'a glob over a created path',
      input: lines('FROM debian', download, 'ENV A=1', 'RUN rm -rf /tmp/*'),
      reason: 'the glob also removes files other instructions put in /tmp',
      note: '`/tmp/*` holds a variable, a glob or a relative path that cannot be resolved',
    },
    {
      name: 'a variable with no literal directory',
      input: lines('FROM debian', 'RUN mkdir /opt/x', 'ENV A=1', 'RUN rm -rf "$GNUPGHOME"'),
      reason: 'the variable could name anything; nothing ties it to the earlier RUN',
    },
    {
      name: 'an rm beside `||`',
      input: lines('FROM debian', download, 'ENV A=1', 'RUN rm /tmp/app.tgz || true'),
      reason: 'taking the rm out would change what `|| true` applies to',
      note: 'cannot be taken out alone',
    },
    {
      name: 'an rm that also deletes a path from elsewhere',
      input: lines('FROM debian', download, 'ENV A=1', 'RUN rm -rf /tmp/app.tgz /var/cache/foo'),
      reason: '/var/cache/foo may come from the base image, so the later delete must stay whole',
      note: '`/var/cache/foo` is not created by the `RUN` at line 2',
    },
    {
      name: 'an earlier command of the deleting RUN reads the path',
      input: lines(
        'FROM debian',
        download,
        'ENV A=1',
        'RUN tar -xzf /tmp/app.tgz -C /opt && rm /tmp/app.tgz',
      ),
      reason: 'moved earlier, the archive would be gone when tar runs',
      note: '`tar -xzf /tmp/app.tgz -C /opt`, earlier in this `RUN`, names the path',
    },
    {
      name: 'a command running inside the path before the rm',
      input: lines(
        'FROM debian',
        'RUN git clone https://example.com/x.git /usr/src/x',
        'ENV A=1',
        'RUN cd /usr/src/x && make install && cd / && rm -rf /usr/src/x',
      ),
      reason: 'make reads the source tree through its working directory',
      note: '`cd /usr/src/x`, earlier in this `RUN`, names the path',
    },
    {
      name: 'a creating RUN ending in a shell comment',
      input: lines('FROM debian', `${download} # fetch`, 'ENV A=1', 'RUN rm /tmp/app.tgz'),
      reason: 'text appended after the comment would be commented out',
      note: 'ends in a shell comment',
    },
    {
      name: 'a VOLUME over the path',
      input: lines(
        'FROM debian',
        'RUN mkdir -p /data/seed',
        'VOLUME /data',
        'RUN rm -rf /data/seed',
      ),
      reason: 'changes under a declared volume are handled differently by builders',
      note: 'declares a volume over the path',
    },
    {
      name: 'a cache mount over the path',
      input: lines(
        'FROM debian',
        'RUN mkdir -p /root/.cache/x',
        'ENV A=1',
        'RUN --mount=type=cache,target=/root/.cache rm -rf /root/.cache/x',
      ),
      reason: 'the rm deletes from the cache, not from the layer',
      note: 'may cover the path',
    },
    {
      name: 'a relative rm where the creating RUN ends elsewhere',
      input: lines(
        'FROM debian',
        'WORKDIR /src',
        'RUN curl -o app.tgz https://example.com/a && cd /opt',
        'ENV A=1',
        'RUN rm app.tgz',
      ),
      reason: 'the same text would name /opt/app.tgz at the end of the creating RUN',
      note: '`app.tgz` is relative',
    },
    {
      name: 'a heredoc creating RUN',
      input: lines(
        'FROM debian',
        'RUN <<EOF',
        'curl -o /tmp/a https://example.com/a',
        'EOF',
        'ENV A=1',
        'RUN rm /tmp/a',
      ),
      reason: 'a heredoc body is never edited',
    },
    ...readersBetween.map(([mid, note]) => ({
      name: `a RUN between them that may read the file: ${mid}`,
      input: lines('FROM debian', 'RUN curl -o /tmp/a.tgz x', `RUN ${mid}`, 'RUN rm /tmp/a.tgz'),
      reason: 'moved into the creating RUN, the rm would delete the file before this RUN reads it',
      note: `the \`RUN\` at line 3 runs ${note}`,
    })),
    {
      name: 'a script earlier in the deleting RUN',
      input: lines('FROM debian', download, 'ENV A=1', 'RUN ./install.sh && rm /tmp/app.tgz'),
      reason: 'the script runs after the creating RUN and before the rm, and may read the file',
      note: '`./install.sh`, earlier in this `RUN`, runs a script or a program, and it may read the path without naming it',
    },
    {
      name: 'a variable earlier in the deleting RUN',
      input: lines(
        'FROM debian',
        download,
        'ENV A=/tmp/app.tgz',
        'RUN cp "$A" /opt/ && rm /tmp/app.tgz',
      ),
      reason: 'the ENV names the file, and cp copies it before the rm',
      note: '`cp "$A" /opt/`, earlier in this `RUN`, may name the path through `$A`',
    },
  ],
  changed: [
    {
      name: 'relative paths under a WORKDIR that the stage built on set',
      input: lines(
        'FROM alpine AS base',
        'WORKDIR /work',
        'FROM base',
        'RUN mkdir data && echo made',
        'ENV A=1',
        'RUN rm -rf data',
      ),
      output: lines(
        'FROM alpine AS base',
        'WORKDIR /work',
        'FROM base',
        'RUN mkdir data && echo made && rm -rf data',
        'ENV A=1',
      ),
      message: 'which creates `/work/data`',
    },
    {
      name: 'relative paths under the WORKDIR of a stage an ARG names by default',
      input: lines(
        'ARG BASE=base',
        'FROM alpine AS base',
        'WORKDIR /work',
        'FROM ${BASE}',
        'RUN mkdir data && echo made',
        'ENV A=1',
        'RUN rm -rf data',
      ),
      output: lines(
        'ARG BASE=base',
        'FROM alpine AS base',
        'WORKDIR /work',
        'FROM ${BASE}',
        'RUN mkdir data && echo made && rm -rf data',
        'ENV A=1',
      ),
      message: 'which creates `/work/data`',
    },
    {
      name: 'relative paths in a stage from scratch, whose working directory is /',
      input: lines(
        'FROM scratch',
        'COPY busybox /bin/',
        'RUN ["/bin/busybox", "--install", "/bin"]',
        'RUN mkdir data && echo made',
        'ENV A=1',
        'RUN rm -rf data',
      ),
      output: lines(
        'FROM scratch',
        'COPY busybox /bin/',
        'RUN ["/bin/busybox", "--install", "/bin"]',
        'RUN mkdir data && echo made && rm -rf data',
        'ENV A=1',
      ),
      message: 'which creates `/data`',
    },
    {
      name: 'a creating RUN that sets PATH for one command only',
      input: lines('FROM debian:12', 'RUN PATH=/x:$PATH touch /tmp/f', 'ENV A=1', 'RUN rm /tmp/f'),
      output: lines('FROM debian:12', 'RUN PATH=/x:$PATH touch /tmp/f && rm /tmp/f', 'ENV A=1'),
    },
    {
      name: 'a creating RUN whose EXIT trap is inside a subshell',
      input: lines(
        'FROM debian:12',
        "RUN ( trap 'cp /tmp/f /keep' EXIT; echo data > /tmp/f )",
        'ENV A=1',
        'RUN rm /tmp/f',
      ),
      output: lines(
        'FROM debian:12',
        "RUN ( trap 'cp /tmp/f /keep' EXIT; echo data > /tmp/f ) && rm /tmp/f",
        'ENV A=1',
      ),
    },
    {
      name: 'links of other paths',
      input: lines(
        'FROM debian:12',
        'RUN ln -sf /usr/bin/python3 /usr/bin/python && ln -s $JAVA_HOME /opt/java',
        'RUN echo data > /tmp/f',
        'ENV B=1',
        'RUN cat /opt/x/f > /etc/f',
        'ENV C=1',
        'RUN rm /tmp/f',
      ),
      output: lines(
        'FROM debian:12',
        'RUN ln -sf /usr/bin/python3 /usr/bin/python && ln -s $JAVA_HOME /opt/java',
        'RUN echo data > /tmp/f && rm /tmp/f',
        'ENV B=1',
        'RUN cat /opt/x/f > /etc/f',
        'ENV C=1',
      ),
      message: 'into the `RUN` at line 3, which creates `/tmp/f`',
    },
    {
      name: 'a RUN between them that only writes and tests other paths',
      input: lines(
        'FROM debian',
        'RUN curl -o /tmp/a.tgz x',
        'RUN [ -d /opt/app ] || mkdir -p /opt/app && echo "built $VERSION" > /opt/app/version 2>&1',
        'RUN ls /opt > /opt/list && rm /tmp/a.tgz',
      ),
      output: lines(
        'FROM debian',
        'RUN curl -o /tmp/a.tgz x && rm /tmp/a.tgz',
        'RUN [ -d /opt/app ] || mkdir -p /opt/app && echo "built $VERSION" > /opt/app/version 2>&1',
        'RUN ls /opt > /opt/list',
      ),
      message: 'into the `RUN` at line 2, which creates `/tmp/a.tgz`',
    },
    {
      name: 'plain commands of other paths before the rm in its own RUN',
      input: lines(
        'FROM debian',
        download,
        'ENV A=1',
        'RUN set -eux; cd /opt && echo "$A" > /opt/a && rm /tmp/app.tgz',
      ),
      output: lines(
        'FROM debian',
        `${download} && rm /tmp/app.tgz`,
        'ENV A=1',
        'RUN set -eux; cd /opt && echo "$A" > /opt/a',
      ),
    },
    {
      name: 'a file created by a redirection that ends a chain',
      input: lines(
        'FROM debian:bookworm-slim',
        'RUN mkdir -p /opt && head -c 9 /dev/zero > /tmp/x.bin',
        'ENV A=1',
        'RUN rm /tmp/x.bin',
      ),
      output: lines(
        'FROM debian:bookworm-slim',
        'RUN mkdir -p /opt && head -c 9 /dev/zero > /tmp/x.bin && rm /tmp/x.bin',
        'ENV A=1',
      ),
    },
    {
      name: 'a download deleted after an ENV, in the middle of a chain',
      input: lines(
        'FROM debian',
        download,
        'ENV APP=1',
        'RUN echo hi && rm -f /tmp/app.tgz && echo done',
      ),
      output: lines(
        'FROM debian',
        `${download} && rm -f /tmp/app.tgz`,
        'ENV APP=1',
        'RUN echo hi && echo done',
      ),
      message: 'into the `RUN` at line 2, which creates `/tmp/app.tgz`',
    },
    {
      name: 'a RUN that only deletes disappears, its comment stays',
      input: lines(
        'FROM debian',
        download,
        'COPY app.conf /etc/app.conf',
        '',
        '# clean up',
        'RUN rm -rf /tmp/app.tgz',
        'CMD ["app"]',
      ),
      output: lines(
        'FROM debian',
        `${download} && rm -rf /tmp/app.tgz`,
        'COPY app.conf /etc/app.conf',
        '',
        '# clean up',
        'CMD ["app"]',
      ),
    },
    {
      name: 'errexit scripts get `;` and the file continuation style',
      input: lines(
        'FROM debian',
        'RUN set -eux; \\',
        '\tmkdir -p /usr/src/redis; \\',
        '\tcurl -o /usr/src/redis.tgz https://example.com/r',
        'ENV X=1',
        'RUN set -eux; rm -r /usr/src/redis; echo ok',
      ),
      output: lines(
        'FROM debian',
        'RUN set -eux; \\',
        '\tmkdir -p /usr/src/redis; \\',
        '\tcurl -o /usr/src/redis.tgz https://example.com/r; \\',
        '\trm -r /usr/src/redis',
        'ENV X=1',
        'RUN set -eux; echo ok',
      ),
    },
    {
      name: 'leading-operator style and a relative path under the same WORKDIR',
      input: lines(
        'FROM debian',
        'WORKDIR /src',
        'RUN wget -O app.zip https://example.com/a \\',
        '    && unzip app.zip -d out',
        'LABEL a=b',
        'RUN echo unpacked && rm app.zip',
      ),
      output: lines(
        'FROM debian',
        'WORKDIR /src',
        'RUN wget -O app.zip https://example.com/a \\',
        '    && unzip app.zip -d out \\',
        '    && rm app.zip',
        'LABEL a=b',
        'RUN echo unpacked',
      ),
    },
    {
      name: 'CRLF line endings are kept',
      input: ['FROM debian', download, 'ENV A=1', 'RUN rm /tmp/app.tgz && echo ok', ''].join(
        '\r\n',
      ),
      output: ['FROM debian', `${download} && rm /tmp/app.tgz`, 'ENV A=1', 'RUN echo ok', ''].join(
        '\r\n',
      ),
    },
    {
      name: 'a backtick escape continues the moved line',
      input: lines(
        '# escape=`',
        'FROM debian',
        'RUN mkdir /tmp/w && `',
        '    touch /tmp/w/a',
        'ENV A=1',
        'RUN rm -rf /tmp/w && echo ok',
      ),
      output: lines(
        '# escape=`',
        'FROM debian',
        'RUN mkdir /tmp/w && `',
        '    touch /tmp/w/a && `',
        '    rm -rf /tmp/w',
        'ENV A=1',
        'RUN echo ok',
      ),
    },
    {
      name: 'a heredoc neighbour is untouched',
      input: lines(
        'FROM debian',
        download,
        'ENV A=1',
        'RUN rm /tmp/app.tgz && echo ok',
        'RUN <<EOF',
        '\trm /tmp/app.tgz',
        'EOF',
      ),
      output: lines(
        'FROM debian',
        `${download} && rm /tmp/app.tgz`,
        'ENV A=1',
        'RUN echo ok',
        'RUN <<EOF',
        '\trm /tmp/app.tgz',
        'EOF',
      ),
    },
    {
      name: 'a git clone without a directory, deleted in a multi-line RUN',
      input: lines(
        'FROM debian',
        'WORKDIR /w',
        'RUN git clone --depth 1 https://example.com/tool.git',
        'ENV A=1',
        'RUN rm -rf \\',
        '    /w/tool \\',
        '  && echo ok',
      ),
      output: lines(
        'FROM debian',
        'WORKDIR /w',
        'RUN git clone --depth 1 https://example.com/tool.git && rm -rf \\',
        '    /w/tool',
        'ENV A=1',
        'RUN echo ok',
      ),
    },
  ],
});

describe('delete-in-creating-layer beside merge-runs', () => {
  test('a join of the creating RUN in the same round does not split the moved rm', async () => {
    const input = lines(
      'FROM debian',
      'RUN curl -o /tmp/a.tgz https://example.com/a',
      'RUN echo next',
      'ENV A=1',
      'RUN rm /tmp/a.tgz && echo ok',
    );
    const result = await fix(input, { only: ['merge-runs', 'delete-in-creating-layer'] });
    expect(result.output).toBe(
      lines(
        'FROM debian',
        'RUN curl -o /tmp/a.tgz https://example.com/a && \\',
        '    echo next && \\',
        '    rm /tmp/a.tgz',
        'ENV A=1',
        'RUN echo ok',
      ),
    );
  });
});

describe('delete-in-creating-layer and an EXIT trap, run in a real shell', () => {
  test('the trap sees the file only while the rm stays in its own RUN', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dslim-trap-'));
    const file = join(dir, 'f');
    const input = lines(
      'FROM debian:12',
      `RUN trap 'cat ${file}' EXIT; echo data > ${file}`,
      'ENV A=1',
      `RUN rm ${file}`,
    );
    const result = await fix(input, {
      safety: ['layout', 'cache', 'content'],
      only: ['delete-in-creating-layer'],
    });
    expect(result.output).toBe(input);
    expect(result.notes.map((n) => n.message).join('\n')).toContain(
      `sets a trap that runs when the shell exits (\`trap 'cat ${file}' EXIT\`)`,
    );
    const sh = (script: string) => spawnSync('sh', ['-c', script], { encoding: 'utf8' }).stdout;
    const creating = `trap 'cat ${file}' EXIT; echo data > ${file}`;
    expect(sh(creating) + sh(`rm ${file}`)).toBe('data\n');
    // The rm appended to the creating RUN runs before the trap, which finds nothing.
    expect(sh(`${creating} && rm ${file}`)).toBe('');
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('one verdict per rm', () => {
  const only = { only: ['delete-in-creating-layer'] };

  test.each([
    [
      'moved into a RUN that appends to the file: no note on the next round',
      lines(
        'FROM alpine',
        'RUN curl -o /tmp/x.tgz http://x',
        'RUN ls /',
        'RUN echo more >> /tmp/x.tgz',
        'ENV A=1',
        'RUN rm /tmp/x.tgz',
      ),
      lines(
        'FROM alpine',
        'RUN curl -o /tmp/x.tgz http://x',
        'RUN ls /',
        'RUN echo more >> /tmp/x.tgz && rm /tmp/x.tgz',
        'ENV A=1',
      ),
      [
        'Moves `rm /tmp/x.tgz` into the `RUN` at line 4, which creates `/tmp/x.tgz`: deleted in the layer that writes them, the files no longer take space in any layer.',
      ],
    ],
    [
      'already in a RUN that writes the file, though an earlier RUN made it',
      lines(
        'FROM alpine',
        'RUN curl -o /tmp/x.tgz http://x',
        'ENV A=1',
        'RUN echo more >> /tmp/x.tgz && rm /tmp/x.tgz',
      ),
      null,
      [],
    ],
  ])('%s', async (_, input, output, messages) => {
    const result = await fix(input, only);
    expect(result.output).toBe(output ?? input);
    expect(result.changes.map((c) => c.message)).toEqual(messages);
    expect(result.notes).toEqual([]);
  });
});

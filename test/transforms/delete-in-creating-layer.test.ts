import { fix } from '../../src/index';
import { lines, transformTable } from '../harness';

const download = 'RUN curl -fsSLo /tmp/app.tgz https://example.com/app.tgz';

transformTable('delete-in-creating-layer', {
  unchanged: [
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
      note: 'the `RUN` at line 4 uses the path',
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
      note: 'the `RUN` at line 4 uses the path',
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
      note: '`tar` uses the path earlier in this `RUN`',
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
      note: 'uses the path earlier in this `RUN`',
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
  ],
  changed: [
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
        'RUN ls && rm app.zip',
      ),
      output: lines(
        'FROM debian',
        'WORKDIR /src',
        'RUN wget -O app.zip https://example.com/a \\',
        '    && unzip app.zip -d out \\',
        '    && rm app.zip',
        'LABEL a=b',
        'RUN ls',
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

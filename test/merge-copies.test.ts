import { lines, transformTable } from './harness';

transformTable('merge-copies', {
  unchanged: [
    {
      name: 'different destinations',
      input: lines('FROM alpine', 'COPY a /x/', 'COPY b /y/'),
      reason: 'each source lands in its own directory',
    },
    {
      name: 'destination without a final slash',
      input: lines('FROM alpine', 'COPY a /opt/app', 'COPY b /opt/app'),
      reason: 'with one source, `/opt/app` may be the name the file is copied to',
      note: 'does not end in `/`',
    },
    {
      name: 'different --chown',
      input: lines('FROM alpine', 'COPY --chown=app a /srv/', 'COPY b /srv/'),
      reason: 'the files would get another owner',
      note: 'their flags differ: the one before has `--chown=app`, this one has none.',
    },
    {
      name: 'flags in another order',
      input: lines(
        'FROM alpine',
        'COPY --link --chmod=644 a /srv/',
        'COPY --chmod=644 --link b /srv/',
      ),
      reason: 'flags are compared exactly as written',
      note: 'another order',
    },
    {
      name: 'different --from stages',
      input: lines(
        'FROM alpine AS one',
        'FROM alpine AS two',
        'FROM alpine',
        'COPY --from=one /a /srv/',
        'COPY --from=two /b /srv/',
      ),
      reason: 'one instruction copies from one stage only',
    },
    {
      name: 'an instruction between them',
      input: lines('FROM alpine', 'COPY a /srv/', 'ENV X=1', 'COPY b /srv/'),
      reason: 'the ENV stands between the two layers',
    },
    {
      name: 'COPY then ADD',
      input: lines('FROM alpine', 'COPY a /srv/', 'ADD b /srv/'),
      reason: 'ADD unpacks archives and COPY does not',
      note: 'Leaves this `ADD` apart from the one before: ADD unpacks archives that COPY copies as they are, so the sources of one would change meaning in the other.',
    },
    {
      name: 'ADD then COPY into other directories',
      input: lines('FROM alpine', 'ADD a /srv/', 'COPY b /opt/'),
      reason: 'nothing to join, and nothing a reader would expect joined',
    },
    {
      name: 'heredoc COPY',
      input: lines(
        '# syntax=docker/dockerfile:1',
        'FROM alpine',
        'COPY a /srv/',
        'COPY <<EOF /srv/',
        'hello',
        'EOF',
      ),
      reason: 'heredocs are never edited',
      note: 'heredoc',
    },
    {
      name: 'JSON form beside shell form',
      input: lines('FROM alpine', 'COPY ["a", "/srv/"]', 'COPY b /srv/'),
      reason: 'the two forms are not mixed',
      note: 'JSON form',
    },
    {
      name: 'ADD of a URL',
      input: lines('FROM alpine', 'ADD https://example.com/a.txt /srv/', 'ADD b /srv/'),
      reason: 'a download is its own step',
      note: 'URL',
    },
    {
      name: 'ADD of an archive',
      input: lines('FROM alpine', 'ADD a.txt /srv/', 'ADD app.tar.gz /srv/'),
      reason: 'ADD unpacks archives, which is kept apart',
      note: 'archive',
    },
    {
      name: 'ADD with a variable source',
      input: lines('FROM alpine', 'ARG SRC', 'ADD a /srv/', 'ADD $SRC /srv/'),
      reason: 'the variable could name a URL',
      note: 'variable',
    },
    {
      name: 'relative destinations under unknown WORKDIRs written differently',
      input: lines('FROM alpine', 'COPY a ./', 'COPY b /app/'),
      reason: 'the inherited WORKDIR is unknown, so `./` may not be `/app/`',
    },
    {
      name: 'pragma comment between them',
      input: lines('FROM alpine', 'COPY a /srv/', '# hadolint ignore=DL3021', 'COPY b /srv/'),
      reason: 'the pragma is about the second instruction alone',
      note: 'hadolint',
    },
    {
      name: 'different stages',
      input: lines('FROM alpine', 'COPY a /srv/', 'FROM alpine', 'COPY b /srv/'),
      reason: 'each stage is its own image',
    },
  ],
  changed: [
    {
      name: 'two files into one directory',
      input: lines('FROM alpine', 'COPY a /srv/', 'COPY b /srv/'),
      output: lines('FROM alpine', 'COPY a \\', '    b /srv/'),
      message: 'Joins 2 `COPY` instructions that copy into `/srv/`',
    },
    {
      name: 'three, keeping source order and comments',
      input: lines(
        'FROM alpine',
        'COPY conf/ /etc/app/',
        '# defaults first',
        '',
        'COPY a.conf b.conf /etc/app/',
        'COPY conf.d /etc/app/',
      ),
      output: lines(
        'FROM alpine',
        'COPY conf/ \\',
        '# defaults first',
        '    a.conf b.conf \\',
        '    conf.d /etc/app/',
      ),
      message: 'Joins 3',
    },
    {
      name: 'same flags',
      input: lines(
        'FROM alpine',
        'COPY --chown=app:app --chmod=644 a ./',
        'COPY --chown=app:app --chmod=644 b ./',
      ),
      output: lines('FROM alpine', 'COPY --chown=app:app --chmod=644 a \\', '    b ./'),
    },
    {
      name: '`.` and `./` are the same directory',
      input: lines('FROM alpine', 'WORKDIR /app', 'COPY a .', 'COPY b ./'),
      output: lines('FROM alpine', 'WORKDIR /app', 'COPY a \\', '    b ./'),
    },
    {
      name: 'a joined `.` is written `./`, as the legacy builder wants for several sources',
      input: lines('FROM alpine', 'WORKDIR /app', 'COPY a .', 'COPY b .'),
      output: lines('FROM alpine', 'WORKDIR /app', 'COPY a \\', '    b ./'),
      message: 'that copy into `./`',
    },
    {
      name: 'a joined `.` in JSON form is written `"./"`',
      input: lines('FROM alpine', 'COPY ["a", "."]', 'COPY ["b", "."]'),
      output: lines('FROM alpine', 'COPY ["a", \\', '    "b", "./"]'),
    },
    {
      name: 'relative and absolute destinations under a known WORKDIR',
      input: lines('FROM alpine', 'WORKDIR /app', 'WORKDIR src', 'COPY a ./', 'COPY b /app/src/'),
      output: lines('FROM alpine', 'WORKDIR /app', 'WORKDIR src', 'COPY a \\', '    b /app/src/'),
    },
    {
      name: 'JSON form stays JSON',
      input: lines('FROM alpine', 'COPY ["a b", "/srv/"]', 'COPY [ "c", "/srv/" ]'),
      output: lines('FROM alpine', 'COPY ["a b", \\', '    "c", "/srv/" ]'),
    },
    {
      name: 'continuation lines and CRLF kept',
      input: 'FROM alpine\r\nCOPY a \\\r\n  b /srv/\r\nCOPY c /srv/\r\n',
      output: 'FROM alpine\r\nCOPY a \\\r\n  b \\\r\n  c /srv/\r\n',
    },
    {
      name: 'wildcards and same --from',
      input: lines(
        'FROM alpine AS build',
        'FROM alpine',
        'COPY --from=build /out/*.so /usr/lib/',
        'COPY --from=build /out/lib*.a /usr/lib/',
      ),
      output: lines(
        'FROM alpine AS build',
        'FROM alpine',
        'COPY --from=build /out/*.so \\',
        '    /out/lib*.a /usr/lib/',
      ),
    },
    {
      name: 'local ADD without archives',
      input: lines('FROM alpine', 'ADD a.txt /srv/', 'ADD b.txt /srv/'),
      output: lines('FROM alpine', 'ADD a.txt \\', '    b.txt /srv/'),
      message: '`ADD`',
    },
    {
      name: 'variable in a COPY source, the same on both sides',
      input: lines(
        'FROM alpine',
        'ARG APP=web',
        'COPY $APP/config /srv/',
        'COPY ${APP}/static /srv/',
      ),
      output: lines('FROM alpine', 'ARG APP=web', 'COPY $APP/config \\', '    ${APP}/static /srv/'),
    },
  ],
});

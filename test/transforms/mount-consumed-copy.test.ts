import { fix } from '../../src/index';
import { lines, transformTable } from '../harness';

const syntax = '# syntax=docker/dockerfile:1';
const install = 'RUN sh /tmp/install.sh && rm /tmp/install.sh';
const mounted =
  'RUN --mount=type=bind,source=install.sh,target=/tmp/install.sh,rw sh /tmp/install.sh';

transformTable('mount-consumed-copy', {
  unchanged: [
    {
      name: 'a chown --reference=FILE names a path in place of the owner',
      input: lines(
        'FROM debian:bookworm-slim',
        'RUN chown --reference=/etc/passwd app.tar.gz',
        'COPY app.tar.gz /tmp/',
        'RUN tar xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz',
      ),
      reason: 'with --reference the first operand is a file, and it may be /tmp/app.tar.gz',
      note: 'Leaves this `COPY` as it is: the `RUN` at line 2 runs `chown --reference=/etc/passwd app.tar.gz`, which names the path, a directory above it or a path inside it, so a file may lie at `/tmp/app.tar.gz` already',
    },
    {
      name: 'a chmod mode written like an option, then a relative file',
      input: lines(
        'FROM debian:bookworm-slim',
        'RUN chmod -x tool',
        'COPY app.tar.gz /tmp/',
        'RUN tar xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz',
      ),
      reason: '`-x` is the mode, so `tool` is a path in a working directory dslim cannot tell',
      note: 'Leaves this `COPY` as it is: the `RUN` at line 2 runs `chmod -x tool`, which names `tool` relative to a working directory dslim cannot tell, so a file may lie at `/tmp/app.tar.gz` already',
    },
    {
      name: 'a system package install before a copy outside the scratch directories',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y tool',
        'WORKDIR /opt/tool',
        'COPY tool.conf /opt/tool/',
        'RUN tool --import /opt/tool/tool.conf && rm /opt/tool/tool.conf',
      ),
      reason:
        'the package may ship /opt/tool/tool.conf, which the rm deleted and a mount would hide',
      note: 'the `RUN` at line 2 runs `apt-get update`',
    },
    {
      name: 'a system package install that names a file in /tmp',
      input: lines(
        'FROM debian:12',
        'RUN apt-get download tool && mv tool_*.deb /tmp/install.sh',
        'COPY install.sh /tmp/',
        install,
      ),
      reason: 'the mv may leave a file at /tmp/install.sh',
      note: 'so a file may lie at `/tmp/install.sh` already',
    },
    {
      name: 'an ADD after a RUN of a package manager',
      input: lines(
        'FROM python:3',
        'RUN pip install flask',
        'ADD tool.deb /tmp/',
        'RUN dpkg -i /tmp/tool.deb && rm -f /tmp/tool.deb',
      ),
      reason:
        'pip runs code of the packages it installs, which may leave /tmp/tool.deb; the rm deleted that file',
      note: 'the `RUN` at line 2 runs `pip install flask`, which may read files its words do not name (a Makefile, a configuration file, a script of its own), so a file may lie at `/tmp/tool.deb` already',
    },
    {
      name: 'a heredoc RUN before the COPY',
      input: lines(
        'FROM debian',
        'RUN <<EOF',
        '\tcat /tmp/install.sh',
        'EOF',
        'COPY install.sh /tmp/',
        install,
      ),
      reason: 'dslim cannot read the heredoc, which may write /tmp/install.sh',
      note: 'the `RUN` at line 2 cannot be read, so it may write the path',
    },
    {
      name: 'an earlier RUN wrote the file the COPY overwrites',
      input: lines(
        'FROM debian:12',
        'RUN echo old > /tmp/install.sh',
        'ENV X=1',
        'COPY install.sh /tmp/',
        install,
      ),
      reason:
        'the rm deleted the old file too; the mount only hides it while the RUN runs, so it would stay in the image',
      note: 'the `RUN` at line 2 runs `echo old`, which names the path, a directory above it or a path inside it, so a file may lie at `/tmp/install.sh` already: the `rm` deleted it, while the mount would only hide it as the `RUN` runs, and it would stay in the image',
    },
    {
      name: 'a stage of this file it builds on wrote the file',
      input: lines(
        'FROM debian:12 AS base',
        'RUN touch /tmp/install.sh',
        'FROM base',
        'COPY install.sh /tmp/',
        install,
      ),
      reason: 'the base stage left a file at the path, which the rm deleted',
      note: 'the `RUN` at line 2 runs `touch /tmp/install.sh`, which names the path',
    },
    {
      name: 'an earlier program that may write anywhere',
      input: lines('FROM debian:12', 'RUN make -C /src install', 'COPY install.sh /tmp/', install),
      reason: 'make may have left a file at the path, which the rm deleted',
      note: 'the `RUN` at line 2 runs `make -C /src install`, which may read files its words do not name',
    },
    {
      name: 'an earlier COPY into the same directory',
      input: lines('FROM debian:12', 'COPY scripts/ /tmp/', 'COPY install.sh /tmp/', install),
      reason: 'the scripts directory may hold an install.sh, which the rm deleted',
      note: 'the `COPY` at line 2 may write the path, so a file may lie at `/tmp/install.sh` already',
    },
    {
      name: 'an earlier WORKDIR at the path',
      input: lines(
        'FROM debian:12',
        'WORKDIR /tmp/install.sh',
        'WORKDIR /',
        'COPY install.sh /tmp/',
        install,
      ),
      reason: 'WORKDIR made a directory there; the rm of the copy left none',
      note: 'the `WORKDIR` at line 2 may create the path',
    },
    {
      name: 'an rm after `;` that decides the exit status',
      input: lines(
        'FROM debian:bookworm-slim',
        'COPY x.sh /tmp/x.sh',
        'RUN sh /tmp/x.sh; rm /tmp/x.sh',
      ),
      reason: 'a failing x.sh does not fail this build; without the rm it would',
      note: 'exit status',
    },
    {
      name: 'a recursive rm of a tree from another stage',
      input: lines(
        'FROM gcc:14 AS build',
        'FROM debian:bookworm-slim',
        'COPY --from=build /src/tool /tmp/tool',
        'RUN cd /tmp/tool && make install && rm -rf /tmp/tool',
      ),
      reason: "the source may be a directory; a mounted tree is the install-stage transform's job",
      note: 'recursive',
    },
    {
      name: 'a background job',
      input: lines(
        'FROM debian',
        'COPY install.sh /tmp/',
        'RUN (sleep 1; cat /tmp/install.sh > /copy) & sh /tmp/install.sh && rm /tmp/install.sh',
      ),
      reason:
        'the job may read the file after the rm, and would find the mounted one instead of none',
      note: 'background job',
    },
    {
      name: '--chown changes ownership a mount does not have',
      input: lines('FROM debian', 'COPY --chown=app install.sh /tmp/', install),
      reason: 'a bind mount keeps the build context owner, not the one --chown sets',
      note: '`--chown` sets ownership, mode or layering',
    },
    {
      name: '--link',
      input: lines('FROM debian', 'COPY --link install.sh /tmp/', install),
      reason: '--link layering has no bind-mount equivalent to prove',
      note: '`--link`',
    },
    {
      name: 'the COPY creates the directory it writes into',
      input: lines(
        'FROM debian',
        'COPY install.sh /opt/setup/',
        'RUN sh /opt/setup/install.sh && rm /opt/setup/install.sh',
      ),
      reason: 'the image keeps /opt/setup after the rm; with a mount it would not exist',
      note: 'may create `/opt/setup`, which would then be missing',
    },
    {
      name: 'a scratch stage has no /tmp',
      input: lines('FROM scratch', 'COPY install.sh /tmp/', install),
      reason: 'COPY would have created /tmp',
      note: 'may create `/tmp`',
    },
    {
      name: 'the file is kept',
      input: lines('FROM debian', 'COPY app.conf /tmp/', 'RUN cat /tmp/app.conf'),
      reason: 'a file nobody deletes belongs in the image',
    },
    {
      name: 'another instruction between them',
      input: lines('FROM debian', 'COPY install.sh /tmp/', 'ENV A=1', install),
      reason: 'only the RUN right after the COPY is considered',
    },
    {
      name: 'ADD of an archive that is extracted again by hand',
      input: lines(
        'FROM debian',
        'ADD app.tar.gz /tmp/',
        'RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz',
      ),
      reason: 'ADD already unpacked the archive into /tmp; a mount would not unpack it',
      note: '`ADD` unpacks a local tar archive',
    },
    {
      name: 'ADD of a URL',
      input: lines('FROM debian', 'ADD https://example.com/install.sh /tmp/', install),
      reason: 'a bind mount cannot download',
      note: '`ADD` downloads a URL',
    },
    {
      name: 'the rm deletes more than the file',
      input: lines(
        'FROM debian',
        'COPY install.sh /tmp/',
        'RUN sh /tmp/install.sh && rm -rf /tmp/install.sh /var/cache/x',
      ),
      reason: 'dropping the rm would keep /var/cache/x',
      note: 'the `rm` also deletes `/var/cache/x`',
    },
    {
      name: 'the RUN moves the file',
      input: lines(
        'FROM debian',
        'COPY app.bin /tmp/',
        'RUN mv /tmp/app.bin /usr/local/bin/app && /usr/local/bin/app --version && rm -f /tmp/app.bin',
      ),
      reason: 'a mount point cannot be moved',
      note: 'moves, unlinks or replaces the file',
    },
    {
      name: 'the RUN hard-links the file',
      input: lines('FROM debian', 'COPY x.sh /tmp/', 'RUN ln /tmp/x.sh /usr/bin/x && rm /tmp/x.sh'),
      reason: 'a hard link cannot cross from the mount to the layer: `ln` would fail',
      note: 'hard-links the file',
    },
    {
      name: '`link` and `cp -l` hard-link too',
      input: lines(
        'FROM debian',
        'COPY x.sh /tmp/',
        'RUN link /tmp/x.sh /usr/bin/x && cp -al /tmp/x.sh /opt/x && rm /tmp/x.sh',
      ),
      reason: 'both fail across devices',
      note: 'hard-links the file',
    },
    {
      name: 'a later command lists the working directory that holds the file',
      input: lines(
        'FROM debian',
        'WORKDIR /tmp',
        'COPY inst.sh /tmp/',
        'RUN sh /tmp/inst.sh && rm /tmp/inst.sh && ls -R > /x',
      ),
      reason: '`ls -R` in /tmp would list the mounted file, which the original had deleted',
      note: '`ls` runs after the `rm` and could see `/tmp/inst.sh` without naming it',
    },
    {
      name: 'a later command names the file through a variable',
      input: lines(
        'FROM debian',
        'WORKDIR /tmp',
        'COPY inst.sh /tmp/',
        'RUN sh /tmp/inst.sh && rm /tmp/inst.sh && f=/tmp/inst.sh; test -e $f || echo gone > /x',
      ),
      reason: '`test -e $f` would find the mounted file',
      note: '`test` runs after the `rm`',
    },
    {
      name: 'a later `[ ]` test of the file',
      input: lines(
        'FROM debian',
        'COPY inst.sh /tmp/',
        'RUN sh /tmp/inst.sh && rm /tmp/inst.sh && if [ -e /tmp/inst.sh ]; then echo kept > /x; fi',
      ),
      reason: 'the shell parses `[ ]` as a test, not a command, and it would find the mounted file',
      note: '`[` uses the path after the `rm`',
    },
    {
      name: 'a later loop over a glob of the directory',
      input: lines(
        'FROM debian',
        'COPY inst.sh /tmp/',
        'RUN sh /tmp/inst.sh && rm /tmp/inst.sh && for f in /tmp/*; do echo $f; done > /x',
      ),
      reason: 'the glob would list the mounted file, which the original had deleted',
      note: '`for` uses the path after the `rm`',
    },
    {
      name: 'a later shell reads a script of its own',
      input: lines(
        'FROM debian',
        'COPY inst.sh /tmp/',
        'RUN sh /tmp/inst.sh && rm /tmp/inst.sh && sh -c "test -e /tmp/inst.sh || echo gone > /x"',
      ),
      reason: 'the path is inside the script `sh -c` runs, where no word names it',
      note: '`sh` runs after the `rm`',
    },
    {
      name: 'a later `bash -c` lists the directory',
      input: lines(
        'FROM debian',
        'COPY inst.sh /tmp/',
        'RUN sh /tmp/inst.sh && rm /tmp/inst.sh && bash -c "ls /tmp" > /x',
      ),
      reason: '`ls /tmp` would list the mounted file',
      note: '`bash` runs after the `rm`',
    },
    {
      name: 'a trap may run after the rm',
      input: lines(
        'FROM debian',
        'COPY inst.sh /tmp/',
        "RUN trap 'ls /tmp > /x' EXIT; sh /tmp/inst.sh && rm /tmp/inst.sh",
      ),
      reason: 'the EXIT trap lists /tmp after the rm',
      note: 'sets a `trap`',
    },
    {
      name: 'a numeric stage reference',
      input: lines(
        'FROM debian AS build',
        'RUN touch /out.deb',
        'FROM debian',
        'COPY --from=0 /out.deb /tmp/',
        'RUN dpkg -i /tmp/out.deb && rm /tmp/out.deb',
      ),
      reason: 'a numeric --from is not carried over to a mount',
      note: 'is a number or holds a variable',
    },
    {
      name: 'sed -i replaces the file',
      input: lines(
        'FROM debian',
        'COPY app.conf /tmp/',
        "RUN sed -i 's/a/b/' /tmp/app.conf && cp /tmp/app.conf /etc/ && rm /tmp/app.conf",
      ),
      reason: 'sed -i renames a new file over the old one, which a mount point does not allow',
      note: 'moves, unlinks or replaces the file',
    },
    {
      name: 'an rm beside `||`',
      input: lines(
        'FROM debian',
        'COPY install.sh /tmp/',
        'RUN sh /tmp/install.sh; rm /tmp/install.sh || true',
      ),
      reason: 'the rm cannot be dropped without changing what `|| true` applies to',
      note: 'cannot be dropped alone',
    },
    {
      name: 'a heredoc COPY',
      input: lines('FROM debian', 'COPY <<EOF /tmp/install.sh', 'echo hi', 'EOF', install),
      reason: 'heredoc instructions are never edited',
    },
    {
      name: 'a RUN under a USER other than root',
      input: lines(
        'FROM debian:bookworm-slim',
        'USER nobody',
        'COPY a.sh /tmp/a.sh',
        'RUN sh /tmp/a.sh && rm /tmp/a.sh',
      ),
      reason:
        'nobody cannot delete the root-owned copy in the sticky /tmp, so the build fails as it is',
      note: 'Leaves this `COPY` as it is: the `RUN` runs as `USER nobody`, which may not be allowed to delete the root-owned copy, so the build could fail as it is and pass once rewritten.',
    },
    {
      name: 'a USER set in the stage built from',
      input: lines(
        'FROM debian:bookworm-slim AS base',
        'USER ${APP_USER}',
        'FROM base',
        'COPY a.sh /tmp/a.sh',
        'RUN sh /tmp/a.sh && rm /tmp/a.sh',
      ),
      reason: 'the stage inherits the user, and a variable may name anyone',
      note: 'runs as `USER ${APP_USER}`',
    },
    {
      name: 'a syntax directive that pins frontend 1.0',
      input: lines(
        '# syntax=docker/dockerfile:1.0',
        'FROM debian',
        'COPY install.sh /tmp/',
        install,
      ),
      reason: 'that frontend does not know `RUN --mount`',
      note: 'Leaves this `COPY` as it is: the `syntax` directive pins `docker/dockerfile:1.0`, and the Dockerfile frontend reads `RUN --mount` only from 1.2 on.',
    },
    {
      name: 'a syntax directive that names an unknown frontend',
      input: lines(
        '# syntax=myregistry.example/custom-frontend:latest',
        'FROM debian',
        'COPY install.sh /tmp/',
        install,
      ),
      reason: 'what that frontend reads is not known',
      note: 'names the frontend `myregistry.example/custom-frontend:latest`, which may not know `RUN --mount`',
    },
  ],
  changed: [
    {
      name: 'a chmod mode is not a path',
      input: lines(
        'FROM debian:bookworm-slim',
        'RUN chmod 755 /usr/local/bin',
        'COPY app.tar.gz /tmp/',
        'RUN tar xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz',
      ),
      output: lines(
        syntax,
        'FROM debian:bookworm-slim',
        'RUN chmod 755 /usr/local/bin',
        'RUN --mount=type=bind,source=app.tar.gz,target=/tmp/app.tar.gz,rw tar xzf /tmp/app.tar.gz -C /opt',
      ),
    },
    {
      name: 'modes, owners and their options are not paths',
      input: lines(
        'FROM debian:bookworm-slim',
        'RUN chmod +x /usr/local/bin/a && chmod -R u+w /opt && chmod -x /usr/bin/b',
        'RUN chown -R root:root /opt && chgrp -h staff /srv && chown --from root:root app /srv',
        'RUN mkdir -pm 700 /root/.ssh && touch -d 2020-01-01 /etc/stamp',
        'RUN install -D -m 755 -o root -g staff /usr/bin/a /usr/local/bin/a',
        'COPY app.tar.gz /tmp/',
        'RUN tar xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz',
      ),
      output: lines(
        syntax,
        'FROM debian:bookworm-slim',
        'RUN chmod +x /usr/local/bin/a && chmod -R u+w /opt && chmod -x /usr/bin/b',
        'RUN chown -R root:root /opt && chgrp -h staff /srv && chown --from root:root app /srv',
        'RUN mkdir -pm 700 /root/.ssh && touch -d 2020-01-01 /etc/stamp',
        'RUN install -D -m 755 -o root -g staff /usr/bin/a /usr/local/bin/a',
        'RUN --mount=type=bind,source=app.tar.gz,target=/tmp/app.tar.gz,rw tar xzf /tmp/app.tar.gz -C /opt',
      ),
    },
    {
      name: 'a system package install before a copy into /tmp',
      input: lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y --no-install-recommends curl',
        'COPY install.sh /tmp/',
        install,
      ),
      output: lines(
        syntax,
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y --no-install-recommends curl',
        mounted,
      ),
    },
    {
      name: 'earlier RUNs that provably write elsewhere',
      input: lines(
        'FROM debian:12 AS base',
        'RUN mkdir -p /opt/app && echo ok > /opt/app/version',
        'FROM base',
        'RUN ln -s /opt/app /srv/app',
        'COPY install.sh /tmp/',
        install,
      ),
      output: lines(
        syntax,
        'FROM debian:12 AS base',
        'RUN mkdir -p /opt/app && echo ok > /opt/app/version',
        'FROM base',
        'RUN ln -s /opt/app /srv/app',
        mounted,
      ),
    },
    {
      name: 'a RUN under `USER root` after another user',
      input: lines('FROM debian', 'USER app', 'USER root:root', 'COPY install.sh /tmp/', install),
      output: lines(syntax, 'FROM debian', 'USER app', 'USER root:root', mounted),
    },
    {
      name: 'a syntax directive that pins a frontend with `RUN --mount`, by digest',
      input: lines(
        `# syntax=docker.io/docker/dockerfile:1.2@sha256:${'0'.repeat(64)}`,
        'FROM debian',
        'COPY install.sh /tmp/',
        install,
      ),
      output: lines(
        `# syntax=docker.io/docker/dockerfile:1.2@sha256:${'0'.repeat(64)}`,
        'FROM debian',
        mounted,
      ),
    },
    {
      name: 'an installer copied, run and deleted',
      input: lines('FROM debian', 'COPY install.sh /tmp/', `${install} && echo done`),
      output: lines(syntax, 'FROM debian', `${mounted} && echo done`),
      message: 'Mounts `install.sh` at `/tmp/install.sh`',
    },
    {
      name: "the mount goes after the RUN's own flags",
      input: lines(
        'FROM debian',
        'COPY install.sh /tmp/',
        'RUN --network=none sh /tmp/install.sh && rm /tmp/install.sh',
      ),
      output: lines(
        syntax,
        'FROM debian',
        'RUN --network=none --mount=type=bind,source=install.sh,target=/tmp/install.sh,rw sh /tmp/install.sh',
      ),
    },
    {
      name: 'an existing syntax directive is kept as it is',
      input: lines(
        '# syntax=docker/dockerfile:1.7',
        'FROM debian',
        'COPY install.sh /tmp/install.sh',
        install,
      ),
      output: lines('# syntax=docker/dockerfile:1.7', 'FROM debian', mounted),
    },
    {
      name: 'the syntax line goes before an escape directive, and backticks stay',
      input: lines(
        '# escape=`',
        'FROM debian',
        'COPY install.sh /tmp/',
        'RUN sh /tmp/install.sh `',
        '    && rm /tmp/install.sh',
      ),
      output: lines(syntax, '# escape=`', 'FROM debian', mounted),
    },
    {
      name: 'a BOM stays first',
      input: `\ufeff${lines('FROM debian', 'COPY install.sh /tmp/', install)}`,
      output: `\ufeff${lines(syntax, 'FROM debian', mounted)}`,
    },
    {
      name: 'CRLF line endings are kept',
      input: ['FROM debian', 'COPY install.sh /tmp/', install, ''].join('\r\n'),
      output: [syntax, 'FROM debian', mounted, ''].join('\r\n'),
    },
    {
      name: 'a wheel from another stage',
      input: lines(
        'FROM python:3 AS build',
        'RUN pip wheel -w /out .',
        'FROM python:3-slim',
        'COPY --from=build /out/app.whl /tmp/',
        'RUN pip install /tmp/app.whl && rm /tmp/app.whl',
      ),
      output: lines(
        syntax,
        'FROM python:3 AS build',
        'RUN pip wheel -w /out .',
        'FROM python:3-slim',
        'RUN --mount=type=bind,from=build,source=/out/app.whl,target=/tmp/app.whl,rw pip install /tmp/app.whl',
      ),
    },
    {
      name: 'later commands that provably cannot see the file',
      input: lines(
        'FROM debian',
        'WORKDIR /tmp',
        'COPY inst.sh /tmp/',
        'RUN sh /tmp/inst.sh && rm /tmp/inst.sh && ln -s /usr/bin/x /usr/local/bin/y && echo ok > /x',
      ),
      output: lines(
        syntax,
        'FROM debian',
        'WORKDIR /tmp',
        'RUN --mount=type=bind,source=inst.sh,target=/tmp/inst.sh,rw sh /tmp/inst.sh && ln -s /usr/bin/x /usr/local/bin/y && echo ok > /x',
      ),
    },
    {
      name: 'a chmod needs a writable mount',
      input: lines(
        'FROM debian',
        'COPY install.sh /tmp/',
        'RUN chmod +x /tmp/install.sh && /tmp/install.sh && rm /tmp/install.sh',
      ),
      output: lines(
        syntax,
        'FROM debian',
        'RUN --mount=type=bind,source=install.sh,target=/tmp/install.sh,rw chmod +x /tmp/install.sh && /tmp/install.sh',
      ),
    },
    {
      name: 'a requirements file in the WORKDIR',
      input: lines(
        'FROM python:3',
        'WORKDIR /app',
        'COPY requirements.txt .',
        'RUN pip install -r requirements.txt && rm requirements.txt',
      ),
      output: lines(
        syntax,
        'FROM python:3',
        'WORKDIR /app',
        'RUN --mount=type=bind,source=requirements.txt,target=/app/requirements.txt,rw pip install -r requirements.txt',
      ),
    },
    {
      name: 'an ADD of a .deb',
      input: lines(
        'FROM debian',
        'ADD tool.deb /tmp/',
        'RUN dpkg -i /tmp/tool.deb && rm -f /tmp/tool.deb',
      ),
      output: lines(
        syntax,
        'FROM debian',
        'RUN --mount=type=bind,source=tool.deb,target=/tmp/tool.deb,rw dpkg -i /tmp/tool.deb',
      ),
    },
    {
      name: 'a heredoc neighbour after the RUN is untouched',
      input: lines(
        'FROM debian',
        'COPY install.sh /tmp/',
        install,
        'RUN <<EOF',
        '\tcat /tmp/install.sh',
        'EOF',
      ),
      output: lines(syntax, 'FROM debian', mounted, 'RUN <<EOF', '\tcat /tmp/install.sh', 'EOF'),
    },
  ],
});

describe('mount-consumed-copy beside merge-runs', () => {
  test('the mount is added only once the RUNs it would cover are known', async () => {
    const input = lines(
      'FROM debian',
      'COPY install.sh /tmp/',
      'RUN sh /tmp/install.sh && rm /tmp/install.sh',
      'RUN rm -rf /tmp/*',
    );
    const result = await fix(input, { only: ['merge-runs', 'mount-consumed-copy'] });
    expect(result.output).toBe(
      lines(
        'FROM debian',
        'COPY install.sh /tmp/',
        'RUN sh /tmp/install.sh && rm /tmp/install.sh && \\',
        '    rm -rf /tmp/*',
      ),
    );
    expect(result.notes.map((n) => n.message).join('\n')).toContain(
      'the `RUN` also moves, unlinks or replaces the file',
    );
  });
});

test('a RUN joined after the rm keeps the copy when it uses the path', async () => {
  // merge-runs joins the two RUNs first; under a mount, `test -e` would then
  // find the file that the original deleted before it ran.
  const next = 'RUN test -e /tmp/install.sh || touch /gone';
  const result = await fix(lines('FROM debian', 'COPY install.sh /tmp/', install, next));
  expect(result.output).toBe(
    lines(
      'FROM debian',
      'COPY install.sh /tmp/',
      'RUN sh /tmp/install.sh && rm /tmp/install.sh && \\',
      '    ( test -e /tmp/install.sh || touch /gone )',
    ),
  );
  expect(result.notes.map((n) => n.message)).toContain(
    'Leaves this `COPY` as it is: `test` uses the path after the `rm`, where it would find the mounted file instead of none.',
  );
});

test.each([
  ['a recursive listing', 'RUN ls -R > /x', '`ls` runs after the `rm`'],
  ['a variable', 'RUN f=/tmp/inst.sh; test -e $f || echo gone > /x', '`test` runs after the `rm`'],
  ['`bash -c`', 'RUN bash -c "ls /tmp" > /x', '`bash` runs after the `rm`'],
  ['`sh -c`', 'RUN sh -c "test -e /tmp/inst.sh || echo gone > /x"', '`sh` runs after the `rm`'],
])(
  'a RUN joined after the rm keeps the copy when it may see the path: %s',
  async (_, next, note) => {
    const copy = lines('FROM debian', 'WORKDIR /tmp', 'COPY inst.sh /tmp/');
    const input = copy + lines('RUN sh /tmp/inst.sh && rm /tmp/inst.sh', next);
    const result = await fix(input);
    expect(result.output.startsWith(copy)).toBe(true);
    expect(result.output).not.toContain('--mount');
    expect(result.notes.map((n) => n.message).join('\n')).toContain(note);
  },
);

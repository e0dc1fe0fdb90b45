import { lines, transformTable } from '../harness';

transformTable('merge-runs', {
  unchanged: [
    {
      name: 'an exec-form RUN',
      input: lines('FROM alpine:3.20', 'RUN [ "sh", "-x", "/opt/configure.sh" ]', 'RUN echo next'),
      reason: 'exec form runs without a shell; gluing it into `&&` breaks the build',
      note: 'exec-form',
    },
    {
      name: 'heredoc RUNs',
      input: lines(
        'FROM alpine:3.20',
        'RUN <<-EOT',
        '\techo one',
        '\tEOT',
        'RUN <<EOT',
        'echo two',
        'EOT',
      ),
      reason: 'a heredoc body has no errexit; an && chain does',
      note: 'heredoc',
    },
    {
      name: 'a heredoc the parser misreads (space before a quoted delimiter)',
      input: lines(
        'FROM alpine:3.20',
        'RUN echo a',
        "RUN cat << 'EOT' > /x",
        'RUN inside',
        'EOT',
        'RUN echo b',
      ),
      reason: 'the parser takes the body for instructions, so the region and its neighbours stay',
    },
    {
      name: 'different flags',
      input: lines('FROM alpine:3.20', 'RUN --mount=type=cache,target=/root/.cache a', 'RUN b'),
      reason: 'a mount belongs to one RUN; moving a command under it changes what it sees',
      note: 'different flags',
    },
    {
      name: 'an instruction between',
      input: lines('FROM alpine:3.20', 'RUN a', 'ENV X=1', 'RUN b'),
      reason: 'ENV changes what the second RUN sees',
    },
    {
      name: 'RUNs in different stages',
      input: lines('FROM alpine:3.20 AS one', 'RUN a', 'FROM alpine:3.20', 'RUN b'),
      reason: 'stages are separate images',
    },
    {
      name: 'ONBUILD RUNs',
      input: lines('FROM alpine:3.20', 'ONBUILD RUN a', 'ONBUILD RUN b'),
      reason: 'triggers run in a child build; they are not RUN instructions here',
    },
    {
      name: 'a Windows base image',
      input: lines(
        '# escape=`',
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
        'RUN mkdir C:\\app\\logs',
        'RUN mkdir C:\\app\\cache',
      ),
      reason: 'cmd is not a POSIX shell',
      note: 'not a POSIX shell',
    },
    {
      name: 'a PowerShell SHELL that persists across ENV',
      input: lines(
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
        'SHELL ["powershell", "-Command"]',
        'ENV TOOL_HOME=C:\\tools',
        "RUN Write-Host 'one'",
        "RUN Write-Host 'two'",
      ),
      reason: 'PowerShell has no POSIX `&&` semantics',
      note: 'not a POSIX shell',
    },
    {
      name: 'a background job',
      input: lines('FROM alpine:3.20', 'RUN sleep 5 &', 'RUN b'),
      reason: 'the job would keep running during the second command',
      note: 'background job',
    },
    {
      name: 'a cd leak under set -e',
      input: lines('FROM alpine:3.20', 'RUN set -e; cd /src; make', 'RUN ls'),
      reason: 'a subshell would contain the cd but switch off errexit inside it',
      note: '`cd /src` would carry over',
    },
    {
      name: 'set -e and a compound last command',
      input: lines('FROM alpine:3.20', 'RUN set -e; if true; then a; b; fi', 'RUN c'),
      reason: 'once followed by `&&`, errexit no longer applies inside the if',
      note: 'compound command under `set -e`',
    },
    {
      name: 'errexit from the SHELL with a leak',
      input: lines(
        'FROM alpine:3.20',
        'SHELL ["/bin/bash", "-eo", "pipefail", "-c"]',
        'RUN cd /x',
        'RUN ls',
      ),
      reason: 'the SHELL turns on errexit, which a subshell followed by `&&` would lose',
      note: 'would carry over',
    },
    {
      name: 'a pragma comment between',
      input: lines('FROM alpine:3.20', 'RUN a', '# hadolint ignore=DL3059', 'RUN b'),
      reason: 'the pragma is about the second RUN alone',
      note: 'hadolint',
    },
    {
      name: 'a shell comment that runs over a continuation',
      input: lines('FROM alpine:3.20', 'RUN echo a # note \\', '    && echo b', 'RUN c'),
      reason: 'Docker joins the lines, so the comment swallows the rest of the RUN',
      note: 'comment',
    },
    {
      name: 'a script the shell parser cannot read',
      input: lines('FROM alpine:3.20', 'RUN if then fi (', 'RUN b'),
      reason: 'its meaning once joined is unknown',
      note: 'cannot read',
    },
    {
      name: 'a single RUN',
      input: lines('FROM alpine:3.20', 'RUN a && b'),
      reason: 'nothing to join',
    },
  ],
  changed: [
    {
      name: 'two RUNs',
      input: lines('FROM alpine:3.20', 'RUN apk add curl', 'RUN curl --version'),
      output: lines('FROM alpine:3.20', 'RUN apk add curl && \\', '    curl --version'),
      message: 'Joins 2 `RUN` instructions into one',
    },
    {
      name: 'three RUNs, one finding',
      input: lines('FROM alpine:3.20', 'RUN a', 'RUN b', 'RUN c'),
      output: lines('FROM alpine:3.20', 'RUN a && \\', '    b && \\', '    c'),
      message: 'Joins 3 `RUN`',
    },
    {
      name: 'a cd that must not leak',
      input: lines(
        'FROM debian:bookworm-slim',
        'WORKDIR /app',
        'RUN cd /opt && touch here',
        'RUN touch there',
      ),
      output: lines(
        'FROM debian:bookworm-slim',
        'WORKDIR /app',
        'RUN ( cd /opt && touch here ) && \\',
        '    touch there',
      ),
      message: 'State that would carry over (`cd /opt`) stays inside a subshell.',
    },
    {
      name: 'a cd followed by an absolute cd',
      input: lines('FROM alpine:3.20', 'RUN cd /src && make', 'RUN cd /src && make install'),
      output: lines('FROM alpine:3.20', 'RUN cd /src && make && \\', '    cd /src && make install'),
    },
    {
      name: 'a trailing semicolon',
      input: lines('FROM alpine:3.20', 'RUN set -eux; \\', '    echo one;', 'RUN echo two'),
      output: lines('FROM alpine:3.20', 'RUN set -eux; \\', '    echo one && \\', '    echo two'),
    },
    {
      name: 'a shell comment at the end of the line',
      input: lines('FROM alpine:3.20', 'RUN make # build everything', 'RUN make install'),
      output: lines(
        'FROM alpine:3.20',
        'RUN make && \\',
        '    # build everything',
        '    make install',
      ),
    },
    {
      name: 'comments and blank lines between',
      input: lines('FROM alpine:3.20', 'RUN a', '', '# then b', '', 'RUN b'),
      output: lines('FROM alpine:3.20', 'RUN a && \\', '# then b', '    b'),
    },
    {
      name: 'a second RUN with `||`',
      input: lines('FROM alpine:3.20', 'RUN apt-get update', 'RUN apt-get install -y x || true'),
      output: lines(
        'FROM alpine:3.20',
        'RUN apt-get update && \\',
        '    ( apt-get install -y x || true )',
      ),
    },
    {
      name: 'a second RUN with several statements',
      input: lines('FROM alpine:3.20', 'RUN a', 'RUN b; c'),
      output: lines('FROM alpine:3.20', 'RUN a && \\', '    ( b; c )'),
    },
    {
      name: 'a grouped RUN in the middle of a chain',
      input: lines('FROM alpine:3.20', 'RUN a', 'RUN b; c', 'RUN d'),
      output: lines('FROM alpine:3.20', 'RUN a && \\', '    ( b; c ) && \\', '    d'),
    },
    {
      name: 'identical flags, kept once',
      input: lines(
        'FROM python:3.12-slim',
        'RUN --mount=type=cache,target=/root/.cache \\',
        '    --mount=type=ssh \\',
        '    pip install a',
        'RUN --mount=type=cache,target=/root/.cache \\',
        '    --mount=type=ssh \\',
        '    pip install b',
      ),
      output: lines(
        'FROM python:3.12-slim',
        'RUN --mount=type=cache,target=/root/.cache \\',
        '    --mount=type=ssh \\',
        '    pip install a && \\',
        '    pip install b',
      ),
    },
    {
      name: 'CRLF line endings',
      input: 'FROM alpine:3.20\r\nRUN a\r\nRUN b\r\n',
      output: 'FROM alpine:3.20\r\nRUN a && \\\r\n    b\r\n',
    },
    {
      name: 'a byte-order mark',
      input: '\ufeffFROM alpine:3.20\nRUN a\nRUN b\n',
      output: '\ufeffFROM alpine:3.20\nRUN a && \\\n    b\n',
    },
    {
      name: 'the backtick escape character',
      input: lines('# escape=`', 'FROM alpine:3.20', 'RUN echo a `', '  b', 'RUN echo c'),
      output: lines('# escape=`', 'FROM alpine:3.20', 'RUN echo a `', '  b && `', '  echo c'),
    },
    {
      name: 'the leading-operator style',
      input: lines('FROM alpine:3.20', 'RUN apk add x \\', ' && apk del y', 'RUN echo b'),
      output: lines('FROM alpine:3.20', 'RUN apk add x \\', ' && apk del y \\', ' && echo b'),
    },
    {
      name: 'tab indentation',
      input: lines('FROM alpine:3.20', 'RUN a \\', '\t&& b', 'RUN c'),
      output: lines('FROM alpine:3.20', 'RUN a \\', '\t&& b \\', '\t&& c'),
    },
    {
      name: 'a function used later',
      input: lines('FROM alpine:3.20', 'RUN f() { echo; }; f', 'RUN g', 'RUN f'),
      output: lines('FROM alpine:3.20', 'RUN ( f() { echo; }; f && \\', '    g ) && \\', '    f'),
    },
    {
      name: 'an export',
      input: lines('FROM alpine:3.20', 'RUN export A=1', 'RUN env'),
      output: lines('FROM alpine:3.20', 'RUN ( export A=1 ) && \\', '    env'),
      message: '(`export A=1`) stays inside a subshell',
    },
    {
      name: 'set -e reaching a plain command',
      input: lines('FROM alpine:3.20', 'RUN set -ex; apk add a', 'RUN apk add b'),
      output: lines('FROM alpine:3.20', 'RUN set -ex; apk add a && \\', '    apk add b'),
    },
    {
      name: 'set -u reaching an expansion',
      input: lines('FROM alpine:3.20', 'RUN set -u; a', 'RUN echo $HOME'),
      output: lines('FROM alpine:3.20', 'RUN ( set -u; a ) && \\', '    echo $HOME'),
    },
    {
      name: 'pipefail reaching a pipeline',
      input: lines('FROM alpine:3.20', 'RUN set -o pipefail; a | b', 'RUN c | d'),
      output: lines('FROM alpine:3.20', 'RUN ( set -o pipefail; a | b ) && \\', '    c | d'),
    },
    {
      name: 'errexit inside a group that would stop being last',
      input: lines('FROM alpine:3.20', 'RUN export A=1', 'RUN set -e; cd /x; make', 'RUN echo $A'),
      output: lines(
        'FROM alpine:3.20',
        'RUN ( export A=1 ) && \\',
        '    ( set -e; cd /x; make )',
        'RUN echo $A',
      ),
    },
    {
      name: 'only the RUN that leaks goes in a subshell',
      input: lines('FROM alpine:3.20', 'RUN a', 'RUN cd /src && make', 'RUN make check'),
      output: lines(
        'FROM alpine:3.20',
        'RUN a && \\',
        '    ( cd /src && make ) && \\',
        '    make check',
      ),
    },
    {
      name: 'an arithmetic assignment',
      input: lines('FROM alpine:3.20', 'RUN echo $((X=5))', 'RUN echo "[$X]" > /f'),
      output: lines('FROM alpine:3.20', 'RUN ( echo $((X=5)) ) && \\', '    echo "[$X]" > /f'),
    },
    {
      name: 'an arithmetic increment',
      input: lines('FROM alpine:3.20', 'RUN ((i++))', 'RUN echo $i'),
      output: lines('FROM alpine:3.20', 'RUN ( ((i++)) ) && \\', '    echo $i'),
    },
    {
      name: 'printf -v',
      input: lines('FROM alpine:3.20', 'RUN printf -v X %s 5', 'RUN echo "$X"'),
      output: lines('FROM alpine:3.20', 'RUN ( printf -v X %s 5 ) && \\', '    echo "$X"'),
    },
    {
      name: 'a plain printf leaks nothing',
      input: lines('FROM alpine:3.20', 'RUN printf %s 5 > /a', 'RUN cat /a'),
      output: lines('FROM alpine:3.20', 'RUN printf %s 5 > /a && \\', '    cat /a'),
    },
    {
      name: 'no final newline',
      input: 'FROM alpine:3.20\nRUN a\nRUN b',
      output: 'FROM alpine:3.20\nRUN a && \\\n    b',
    },
    {
      name: 'merged around a heredoc neighbour pair',
      input: lines('FROM alpine:3.20', 'RUN a', 'RUN b', 'RUN <<EOF', 'echo c', 'EOF'),
      output: lines('FROM alpine:3.20', 'RUN a && \\', '    b', 'RUN <<EOF', 'echo c', 'EOF'),
    },
  ],
});

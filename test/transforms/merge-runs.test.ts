import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { DockerDocument } from '../../src/document';
import { fix } from '../../src/index';
import { lines, transformTable } from '../harness';

transformTable('merge-runs', {
  unchanged: [
    {
      name: 'consecutive ONBUILD RUN triggers',
      input: lines('FROM debian:12', 'ONBUILD RUN echo a', 'ONBUILD RUN echo b'),
      reason: 'triggers run in the images built on this one; dslim joins only the RUNs of the file',
      note: 'Leaves this `RUN` apart from the one before: both are `ONBUILD RUN` triggers, which run later, in each image built on this stage, and dslim does not join triggers.',
    },
    {
      name: 'set with option words from an ARG',
      input: lines(
        'FROM debian:12',
        'ARG FLAGS=-e',
        'RUN cd /tmp; set $FLAGS; false; touch /tmp/reached',
        'RUN echo b',
      ),
      reason:
        '`$FLAGS` may be `-e`, which a subshell followed by `&&` switches off: touch would run',
      note: 'Leaves this `RUN` apart from the one before: `cd /tmp` and `set $FLAGS` would carry over into this RUN, and the subshell that could contain it would switch off the errexit (`set -e`) that `set $FLAGS` may turn on.',
    },
    {
      name: 'set with an option letter from a variable',
      input: lines('FROM debian:12', 'RUN set -$x; echo a', 'RUN echo b'),
      reason: '`-$x` may be `-e`, or `-n`, which would stop the next RUN running anything',
      note: '`set -$x` would carry over into this RUN, and the subshell that could contain it would switch off the errexit (`set -e`) that `set -$x` may turn on',
    },
    {
      name: 'set -o with an option name from a variable',
      input: lines('FROM debian:12', 'RUN set -o $o; cd /tmp', 'RUN ls'),
      reason: '`$o` may be errexit',
      note: '`set -o $o` and `cd /tmp` would carry over into this RUN, and the subshell that could contain it would switch off the errexit (`set -e`) that `set -o $o` may turn on',
    },
    {
      name: 'set with a brace expansion',
      input: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-c"]',
        'RUN set -{e,u}; cd /tmp',
        'RUN ls',
      ),
      reason: 'bash expands `-{e,u}` to `-e -u`',
      note: 'the errexit (`set -e`) that `set -{e,u}` may turn on',
    },
    {
      name: 'shopt -so with an option name from a variable',
      input: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-c"]',
        'RUN shopt -so $opt; cd /tmp',
        'RUN ls',
      ),
      reason: '`$opt` may be errexit',
      note: 'the errexit (`set -e`) that `shopt -so $opt` may turn on',
    },
    {
      name: 'an unreadable set and a flat next RUN',
      input: lines('FROM debian:12', 'RUN set $FLAGS && echo a', 'RUN echo b'),
      reason: 'the words may be `-n`, and a subshell to contain them would switch off errexit',
      note: '`set $FLAGS` would carry over into this RUN',
    },
    {
      name: 'a program that upgrades itself, then runs again',
      input: lines('FROM debian:12', 'RUN pip install --upgrade pip', 'RUN pip install awscli'),
      reason:
        'one shell remembers where it found `pip` first, so the second `pip` would be the old one, not the upgrade a new shell finds earlier on PATH',
      note: "Leaves this `RUN` apart from the one before: the RUN before runs `pip install --upgrade pip`, which may put a new `pip` on PATH: in one shell this RUN's `pip` would be the one the shell found first and remembers, not the one a new shell finds.",
    },
    {
      name: 'a program run, then installed by another package manager, then run again',
      input: lines('FROM node:20', 'RUN npm --version && npm install -g npm@10', 'RUN npm ci'),
      reason: 'the global install may put a new `npm` earlier on PATH',
      note: 'the RUN before runs `npm` and then `npm install -g npm@10`, which may put a new `npm` on PATH',
    },
    {
      name: 'an ERR trap under bash',
      input: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-c"]',
        "RUN trap 'echo failed' ERR; false; echo a",
        'RUN echo b',
      ),
      reason: 'bash does not run an ERR trap inside a subshell that `&&` follows',
      note: "Leaves this `RUN` apart from the one before: the RUN before sets a trap that runs when a command fails, in bash (`trap 'echo failed' ERR`), which bash no longer runs for failures inside what `&&` follows, a subshell too.",
    },
    {
      name: 'an ERR trap inside a subshell',
      input: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-c"]',
        "RUN ( trap 'echo failed' ERR; false; echo a )",
        'RUN echo b',
      ),
      reason: 'followed by `&&`, the subshell ignores its ERR trap',
      note: "sets a trap that runs when a command fails, in bash (`trap 'echo failed' ERR`)",
    },
    {
      name: 'an EXIT trap that a subshell cannot contain under set -e',
      input: lines(
        'FROM debian:12',
        "RUN set -e; trap 'cp /tmp/f /keep' EXIT; echo data > /tmp/f",
        'RUN echo b',
      ),
      reason: 'the trap would leak, and the subshell that contains it would switch off errexit',
      note: "`trap 'cp /tmp/f /keep' EXIT` would carry over into this RUN, and the subshell that could contain it would switch off the errexit (`set -e`) that `set -e` turns on",
    },
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
      note: 'the two RUNs have different flags: the one before has `--mount=type=cache,target=/root/.cache`, this one has none.',
    },
    {
      name: 'the same flags in another order',
      input: lines(
        'FROM alpine:3.20',
        'RUN --network=none --mount=type=cache,target=/c a',
        'RUN --mount=type=cache,target=/c --network=none b',
      ),
      reason: 'the flags are compared as written',
      note: 'the two RUNs have different flags: the same ones, in another order.',
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
      name: 'a background job that ends the later RUN',
      input: lines(
        'FROM alpine:3.20',
        'RUN sleep 2 && echo installed > /installed',
        'RUN sleep 30 &',
      ),
      reason:
        'after `&&`, the `&` would put the install in the background too: the RUN would end at once',
      note: 'Leaves this `RUN` apart from the one before: this RUN starts a background job (`&`), and dslim joins no RUN that does: a `&` that ends a script joined after `&&` sends the RUNs before it to the background too.',
    },
    {
      name: 'a background job after a list in the later RUN',
      input: lines('FROM alpine:3.20', 'RUN false', 'RUN echo x; sleep 1 &'),
      reason: 'grouped, `( echo x; sleep 1 ) &` would still send `false &&` to the background',
      note: 'this RUN starts a background job (`&`), and dslim joins no RUN that does: a `&` that ends a script joined after `&&` sends the RUNs before it to the background too',
    },
    {
      name: 'a background brace group in the later RUN',
      input: lines('FROM alpine:3.20', 'RUN apk add nginx', 'RUN { nginx; } &'),
      reason: 'the `&` binds the whole `&&` list once joined',
      note: 'this RUN starts a background job (`&`), and dslim joins no RUN that does: a `&` that ends a script joined after `&&` sends the RUNs before it to the background too',
    },
    {
      name: 'nohup in the background in the later RUN',
      input: lines('FROM alpine:3.20', 'RUN apk add nginx', 'RUN nohup nginx &'),
      reason: 'the `&` binds the whole `&&` list once joined',
      note: 'this RUN starts a background job (`&`), and dslim joins no RUN that does: a `&` that ends a script joined after `&&` sends the RUNs before it to the background too',
    },
    {
      name: 'a background job inside the later RUN',
      input: lines('FROM alpine:3.20', 'RUN apk add nginx', 'RUN nginx & sleep 1'),
      reason: 'a RUN with a background job is kept apart, wherever the `&` is',
      note: 'this RUN starts a background job (`&`), and dslim joins no RUN that does: a `&` that ends a script joined after `&&` sends the RUNs before it to the background too',
    },
    {
      name: 'a background job in a subshell of the later RUN',
      input: lines('FROM alpine:3.20', 'RUN apk add nginx', 'RUN cd / && (nginx &)'),
      reason: 'a RUN with a background job is kept apart, wherever the `&` is',
      note: 'this RUN starts a background job (`&`), and dslim joins no RUN that does: a `&` that ends a script joined after `&&` sends the RUNs before it to the background too',
    },
    {
      name: 'a background job in the literal text of an eval in the later RUN',
      input: lines('FROM alpine:3.20', 'RUN apk add nginx', 'RUN eval "nginx &"'),
      reason: 'eval runs `nginx &` in the shell that runs the RUN before once joined',
      note: 'this RUN starts a background job (`&`), and dslim joins no RUN that does: a `&` that ends a script joined after `&&` sends the RUNs before it to the background too',
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
      note: 'ends in a compound command; `&&` after it would switch off, inside it, the errexit (`set -e`) that `set -e` turns on',
    },
    {
      name: 'set -e and a call of a function the RUN defines',
      input: lines('FROM debian', 'RUN set -e; f() { false; echo a; }; f', 'RUN echo b'),
      reason: 'inside `f && echo b` the shell ignores errexit: `false` no longer fails the build',
      note: 'the RUN before ends in a call of the function `f`; `&&` after it would switch off, inside it, the errexit (`set -e`) that `set -e` turns on',
    },
    {
      name: 'a SHELL with -ec and a function call last',
      input: lines(
        'FROM debian',
        'SHELL ["/bin/sh", "-ec"]',
        'RUN f() { false; echo a; }; f',
        'RUN echo b',
      ),
      reason: 'the SHELL turns errexit on, and `&&` after the call would switch it off in `f`',
      note: 'a call of the function `f`; `&&` after it would switch off, inside it, the errexit (`set -e`) that the SHELL `/bin/sh -ec` turns on',
    },
    {
      name: 'a bash SHELL with -e -c and a function call last',
      input: lines(
        'FROM debian',
        'SHELL ["/bin/bash", "-e", "-c"]',
        'RUN f() { false; echo a; }; f',
        'RUN echo b',
      ),
      reason: 'the SHELL turns errexit on, and `&&` after the call would switch it off in `f`',
      note: 'that the SHELL `/bin/bash -e -c` turns on',
    },
    {
      name: 'errexit from SHELLOPTS and a function call last',
      input: lines(
        'FROM debian',
        'ENV SHELLOPTS=errexit',
        'SHELL ["/bin/bash", "-c"]',
        'RUN f() { false; echo a; }; f',
        'RUN echo b',
      ),
      reason: 'bash starts with errexit on, which `&&` would switch off in `f`',
      note: 'a call of the function `f`; `&&` after it would switch off, inside it, the errexit (`set -e`) that the `ENV SHELLOPTS` on line 2 turns on',
    },
    {
      name: 'a function call at the end of an && list',
      input: lines('FROM debian', 'RUN set -e; f() { false; echo a; }; true && f', 'RUN echo b'),
      reason: 'the last command of an `&&` list obeys errexit, until `&&` follows it',
      note: 'a call of the function `f`',
    },
    {
      name: 'a function call after ||',
      input: lines('FROM debian', 'RUN set -e; f() { false; echo a; }; false || f', 'RUN echo b'),
      reason: 'the command after `||` is the last one, which obeys errexit until `&&` follows it',
      note: 'a call of the function `f`',
    },
    {
      name: 'a function call piped into a program',
      input: lines('FROM debian', 'RUN set -e; f() { false; echo a; }; f | tee /log', 'RUN echo b'),
      reason:
        'the subshell running `f` in the pipeline would ignore errexit too: `/log` would get `a`',
      note: 'a call of the function `f`',
    },
    {
      name: 'a function call with a redirection',
      input: lines('FROM debian', 'RUN set -e; f() { false; echo a; }; f > /log', 'RUN echo b'),
      reason: 'the redirection does not change that `f` runs in this shell',
      note: 'a call of the function `f`',
    },
    {
      name: 'a function call behind time',
      input: lines(
        'FROM debian',
        'SHELL ["/bin/bash", "-e", "-c"]',
        'RUN f() { false; echo a; }; time f',
        'RUN echo b',
      ),
      reason: '`time` is a reserved word of bash and still calls the function',
      note: 'a call of the function `f`',
    },
    {
      name: 'a function defined by a literal eval',
      input: lines('FROM debian', "RUN set -e; eval 'f() { false; echo a; }'; f", 'RUN echo b'),
      reason: 'the literal text of the eval defines `f` in this shell',
      note: 'a call of the function `f`',
    },
    {
      name: 'an eval last under set -e',
      input: lines('FROM debian', "RUN set -e; eval 'false; echo a'", 'RUN echo b'),
      reason: 'the commands the eval runs would ignore errexit once `&&` follows',
      note: "the RUN before ends in `eval 'false; echo a'`; `&&` after it",
    },
    {
      name: 'an eval behind command, last under the SHELL -e',
      input: lines(
        'FROM debian',
        'SHELL ["/bin/sh", "-e", "-c"]',
        "RUN command eval 'false; echo a'",
        'RUN echo b',
      ),
      reason: '`command eval` is still eval, running its text in this shell',
      note: "the RUN before ends in `command eval 'false; echo a'`",
    },
    {
      name: 'a sourced file last under the SHELL -e',
      input: lines('FROM debian', 'SHELL ["/bin/sh", "-ec"]', 'RUN . /opt/setup.sh', 'RUN echo b'),
      reason: 'the sourced commands would ignore errexit once `&&` follows',
      note: '`. /opt/setup.sh` would carry over',
    },
    {
      name: 'a substitution running several commands, under set -e',
      input: lines('FROM debian', 'RUN set -e; echo "$(false; echo a)" > /x', 'RUN echo b'),
      reason:
        'bash run as sh keeps errexit in the substitution, which `&&` would switch off: `/x` would get `a`',
      note: 'the RUN before ends in a substitution that runs several commands',
    },
    {
      name: 'a command named by a variable, last under set -e',
      input: lines('FROM debian', 'RUN set -e; $SETUP', 'RUN echo b'),
      reason: 'the variable may name a function or `eval`, whose commands would ignore errexit',
      note: 'the RUN before ends in `$SETUP`, which may name `eval` or a function',
    },
    {
      name: 'a name a sourced file may define as a function, inside a pipeline',
      input: lines(
        'FROM debian',
        'SHELL ["/bin/bash", "-e", "-o", "pipefail", "-c"]',
        'RUN . /opt/lib.sh | cat; install_all',
        'RUN echo b',
      ),
      reason:
        'code the RUN does not show (a sourced file) may define `install_all`, whose commands would ignore errexit',
      note: 'the RUN before ends in `install_all`, which may be a function defined in code the script runs but does not show',
    },
    {
      name: 'a name the profile files may define, under a login SHELL with -e',
      input: lines(
        'FROM continuumio/miniconda3',
        'SHELL ["/bin/bash", "--login", "-e", "-c"]',
        'RUN conda install -y numpy',
        'RUN conda clean -afy',
      ),
      reason:
        '`conda` is a shell function the profile files define; `&&` would switch errexit off in it',
      note: 'the RUN before ends in `conda`, which may be a function defined in the profile files a login shell reads (the SHELL `/bin/bash --login -e -c`)',
    },
    {
      name: 'a name the BASH_ENV file may define, under a SHELL with -e',
      input: lines(
        'FROM debian',
        'ENV BASH_ENV=/etc/functions.sh',
        'SHELL ["/bin/bash", "-e", "-c"]',
        'RUN a; install_all',
        'RUN echo b',
      ),
      reason:
        'the file bash reads first may define `install_all`, whose commands would ignore errexit',
      note: 'which may be a function defined in the file named by the `ENV BASH_ENV` on line 2;',
    },
    {
      name: 'set -e reaching a name the profile files may define',
      input: lines(
        'FROM continuumio/miniconda3',
        'SHELL ["/bin/bash", "--login", "-c"]',
        'RUN set -e; apt-get update',
        'RUN conda clean -afy',
      ),
      reason: 'joined, errexit would apply inside the `conda` function, which it did not before',
      note: '`set -e` would carry over',
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
      name: 'set -e reaching an eval',
      input: lines(
        'FROM debian:bookworm-slim',
        'RUN set -e; echo one',
        'RUN eval "false; echo x > /x"',
      ),
      reason:
        'joined, errexit stops the eval at `false`, so `/x` is never written and the build fails',
      note: '`set -e` would carry over',
    },
    {
      name: 'set -e reaching a sourced script',
      input: lines('FROM debian:bookworm-slim', 'RUN set -e; echo one', 'RUN . /opt/script.sh'),
      reason: 'the sourced script would run under errexit, which it did not before',
      note: '`set -e` would carry over',
    },
    {
      name: 'set -u reaching a sourced file',
      input: lines('FROM debian:bookworm-slim', 'RUN set -eux; echo one', 'RUN . /etc/os-release'),
      reason: 'an unset variable in the file would stop the build',
      note: '`set -eux` would carry over',
    },
    {
      name: 'set -e reaching a command named by a variable',
      input: lines('FROM alpine:3.20', 'RUN set -e; a', 'RUN $RUNNER'),
      reason: 'the name may be `eval`, `.` or a function, which runs several commands',
      note: '`set -e` would carry over',
    },
    {
      name: 'errexit from `command set -e` with a leak',
      input: lines('FROM alpine:3.20', 'RUN command set -e; cd /x', 'RUN ls'),
      reason:
        '`command` runs the builtin in this shell, so errexit is on and a subshell would lose it',
      note: 'the errexit (`set -e`) that `command set -e` turns on',
    },
    {
      name: 'errexit from `builtin set -e` with a leak',
      input: lines('FROM alpine:3.20', 'RUN builtin set -e; cd /x', 'RUN ls'),
      reason: 'as with `command`',
      note: 'that `builtin set -e` turns on',
    },
    {
      name: 'errexit from `eval set -e` with a leak',
      input: lines('FROM alpine:3.20', 'RUN eval set -e; cd /x', 'RUN ls'),
      reason: 'the literal text of the eval turns errexit on',
      note: 'that `eval set -e` turns on',
    },
    {
      name: 'an eval of text that is not literal',
      input: lines('FROM alpine:3.20', 'RUN eval "$(ssh-agent)"', 'RUN ssh-add'),
      reason: 'the text may turn errexit on, which a subshell would switch off',
      note: 'that `eval "$(ssh-agent)"` may turn on',
    },
    {
      name: 'a sourced script with a leak',
      input: lines('FROM alpine:3.20', 'RUN . /opt/env.sh; make', 'RUN make install'),
      reason: 'the script may turn errexit on, which a subshell would switch off',
      note: 'that `. /opt/env.sh` may turn on',
    },
    {
      name: 'errexit from ENV SHELLOPTS under bash',
      input: lines(
        'FROM debian:bookworm-slim',
        'SHELL ["/bin/bash", "-c"]',
        'ENV SHELLOPTS=errexit',
        'RUN cd /tmp; false; echo b',
        'RUN echo c > /c',
      ),
      reason:
        'bash turns errexit on from the environment, and a subshell followed by `&&` would lose it',
      note: 'the `ENV SHELLOPTS` on line 3 turns on',
    },
    {
      name: 'errexit from ENV SHELLOPTS under the default shell',
      input: lines('FROM fedora:40', 'ENV SHELLOPTS=errexit:nounset', 'RUN cd /x', 'RUN ls'),
      reason: '`/bin/sh` is bash in some images',
      note: 'the `ENV SHELLOPTS` on line 2 turns on',
    },
    {
      name: 'ENV SHELLOPTS in the stage built on',
      input: lines(
        'FROM debian:bookworm-slim AS base',
        'ENV SHELLOPTS=errexit',
        'FROM base',
        'RUN cd /x',
        'RUN ls',
      ),
      reason: 'the environment carries over into the stage built from it',
      note: 'the `ENV SHELLOPTS` on line 2 turns on',
    },
    {
      name: 'an ARG SHELLOPTS without a value',
      input: lines('FROM alpine:3.20', 'ARG SHELLOPTS', 'RUN cd /x', 'RUN ls'),
      reason: 'a build argument may name errexit',
      note: 'the `ARG SHELLOPTS` on line 2 may turn on',
    },
    {
      name: 'set +e under ENV SHELLOPTS=errexit',
      input: lines('FROM alpine:3.20', 'ENV SHELLOPTS=errexit', 'RUN set +e; false', 'RUN b; c'),
      reason: 'the next RUN starts with errexit on, which `set +e` would switch off',
      note: '`set +e` would carry over',
    },
    {
      name: 'set -e reaching a child bash through an exported SHELLOPTS',
      input: lines(
        'FROM debian:bookworm-slim',
        'SHELL ["/bin/bash", "-c"]',
        'ENV SHELLOPTS=braceexpand:hashall:interactive-comments',
        'RUN set -e; echo a',
        'RUN bash -c "false; echo x > /a"',
      ),
      reason:
        'with `SHELLOPTS` in the environment bash exports `set -e`, so joined the child bash stops at `false` and the build fails',
      note: 'bash hands its options on to every program this RUN starts, since the `ENV SHELLOPTS` on line 3',
    },
    {
      name: 'set -e reaching env through a SHELLOPTS from the stage built on',
      input: lines(
        'FROM debian:bookworm-slim AS base',
        'ENV SHELLOPTS=hashall',
        'FROM base',
        'RUN set -e; echo a',
        'RUN env > /x',
      ),
      reason: 'joined, `/x` would record `errexit` in `SHELLOPTS`',
      note: '`set -e` would carry over',
    },
    {
      name: 'errexit that a BASH_ENV file may turn on',
      input: lines(
        'FROM debian:bookworm-slim',
        'ENV BASH_ENV=/etc/strict.sh',
        'SHELL ["/bin/bash", "-c"]',
        'RUN cd /tmp; false; touch /y',
        'RUN echo z',
      ),
      reason:
        'if the file runs `set -e`, the first RUN fails at `false`; in a subshell followed by `&&` it would not',
      note: 'the file named by the `ENV BASH_ENV` on line 2, which bash reads first, may turn on',
    },
    {
      name: 'errexit that the profile files of a login SHELL may turn on',
      input: lines(
        'FROM debian:bookworm-slim',
        'SHELL ["/bin/bash", "-l", "-c"]',
        'RUN cd /tmp; false; touch /y',
        'RUN echo z',
      ),
      reason: '`/etc/profile` or `~/.bash_profile` may run `set -e`, which a subshell would lose',
      note: 'the profile files a login shell reads (the SHELL `/bin/bash -l -c`) may turn on',
    },
    {
      name: 'errexit that the rc files of an interactive SHELL may turn on',
      input: lines(
        'FROM debian:bookworm-slim',
        'SHELL ["/bin/bash", "-ic"]',
        'RUN cd /x',
        'RUN ls',
      ),
      reason: '`~/.bashrc` may run `set -e`, which a subshell would lose',
      note: 'the startup files an interactive shell reads',
    },
    {
      name: '`;;` after a command',
      input: lines('FROM debian:bookworm-slim', 'RUN echo a ;;', 'RUN echo c'),
      reason:
        'the parser takes `;;` for a separator, but dash and bash stop on it: the build fails',
      note: 'cannot read',
    },
    {
      name: '`;;` with no space before it',
      input: lines('FROM debian:bookworm-slim', 'RUN apt-get update', 'RUN echo c;;'),
      reason: 'a syntax error in the second RUN, which joining must not hide',
      note: 'cannot read',
    },
    {
      name: '`fi` where a command goes',
      input: lines('FROM debian:bookworm-slim', 'RUN echo a; fi', 'RUN echo c'),
      reason: 'the parser takes `fi` for a command name; the shells reject it',
      note: 'cannot read',
    },
    {
      name: 'an empty group',
      input: lines('FROM debian:bookworm-slim', 'RUN f() { }', 'RUN echo c'),
      reason: 'the shells need a command inside `{ }`',
      note: 'cannot read',
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
      name: 'set -- with words from a variable only sets positional parameters',
      input: lines('FROM debian:12', 'RUN set -- $X; echo a', 'RUN echo b'),
      output: lines('FROM debian:12', 'RUN set -- $X; echo a && \\', '    echo b'),
    },
    {
      name: 'positional parameters reaching shift',
      input: lines('FROM alpine:3.20', 'RUN set -- a b', 'RUN shift'),
      output: lines('FROM alpine:3.20', 'RUN ( set -- a b ) && \\', '    shift'),
      message: 'State that would carry over (`set -- a b`) stays inside a subshell.',
    },
    {
      name: 'positional parameters reaching shift behind command',
      input: lines('FROM alpine:3.20', 'RUN set -- a b', 'RUN command shift 2'),
      output: lines('FROM alpine:3.20', 'RUN ( set -- a b ) && \\', '    command shift 2'),
    },
    {
      name: 'positional parameters reaching getopts',
      input: lines('FROM alpine:3.20', 'RUN set -- -x', 'RUN getopts x opt && touch /x'),
      output: lines('FROM alpine:3.20', 'RUN ( set -- -x ) && \\', '    getopts x opt && touch /x'),
    },
    {
      name: 'positional parameters reaching a for loop without in',
      input: lines('FROM alpine:3.20', 'RUN set -- a b', 'RUN for x; do touch /f; done'),
      output: lines('FROM alpine:3.20', 'RUN ( set -- a b ) && \\', '    for x; do touch /f; done'),
    },
    {
      name: 'positional parameters reaching select without in',
      input: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-c"]',
        'RUN set -- a b',
        'RUN select x; do break; done',
      ),
      output: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-c"]',
        'RUN ( set -- a b ) && \\',
        '    select x; do break; done',
      ),
    },
    {
      name: 'positional parameters and a for loop over its own words',
      input: lines('FROM alpine:3.20', 'RUN set -- a b', 'RUN for x in a; do touch /f; done'),
      output: lines(
        'FROM alpine:3.20',
        'RUN set -- a b && \\',
        '    for x in a; do touch /f; done',
      ),
    },
    {
      name: 'a function reaching command -v',
      input: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-c"]',
        'RUN curl() { echo fake; }; curl x',
        'RUN command -v curl > /p',
      ),
      output: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-c"]',
        'RUN ( curl() { echo fake; }; curl x ) && \\',
        '    command -v curl > /p',
      ),
      message: 'State that would carry over (`curl()`) stays inside a subshell.',
    },
    {
      name: 'a function reaching type, hash and unset -f',
      input: lines(
        'FROM alpine:3.20',
        'RUN curl() { echo fake; }',
        'RUN type curl',
        'RUN f() { :; }',
        'RUN hash f',
        'RUN g() { :; }',
        'RUN unset -f g',
      ),
      output: lines(
        'FROM alpine:3.20',
        'RUN ( curl() { echo fake; } ) && \\',
        '    type curl && \\',
        '    ( f() { :; } ) && \\',
        '    ( hash f ) && \\',
        '    ( g() { :; } ) && \\',
        '    unset -f g',
      ),
    },
    {
      name: 'a function reaching declare -F, also behind builtin',
      input: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-c"]',
        'RUN curl() { echo fake; }',
        'RUN declare -F curl',
        'RUN f() { :; }',
        'RUN builtin declare -f f',
      ),
      output: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-c"]',
        'RUN ( curl() { echo fake; } ) && \\',
        '    ( declare -F curl ) && \\',
        '    ( f() { :; } ) && \\',
        '    builtin declare -f f',
      ),
    },
    {
      name: 'a function reaching a call behind time',
      input: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-c"]',
        'RUN curl() { echo fake; }',
        'RUN time curl x',
      ),
      output: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-c"]',
        'RUN ( curl() { echo fake; } ) && \\',
        '    time curl x',
      ),
    },
    {
      name: 'a function reaching listings of every function',
      input: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-c"]',
        'RUN f() { :; }',
        'RUN typeset -f > /fns',
        'RUN g() { :; }',
        'RUN set > /vars',
        'RUN h() { :; }',
        'RUN compgen -A function > /names',
        'RUN k() { :; }',
        'RUN declare -F "$name"',
      ),
      output: lines(
        'FROM debian:12',
        'SHELL ["/bin/bash", "-c"]',
        'RUN ( f() { :; } ) && \\',
        '    ( typeset -f > /fns ) && \\',
        '    ( g() { :; } ) && \\',
        '    set > /vars && \\',
        '    ( h() { :; } ) && \\',
        '    compgen -A function > /names && \\',
        '    ( k() { :; } ) && \\',
        '    declare -F "$name"',
      ),
    },
    {
      name: 'a function and queries of other names',
      input: lines(
        'FROM alpine:3.20',
        'RUN curl() { echo fake; }',
        'RUN command -v wget && type git && command curl x',
      ),
      output: lines(
        'FROM alpine:3.20',
        'RUN curl() { echo fake; } && \\',
        '    command -v wget && type git && command curl x',
      ),
    },
    {
      name: 'an alias reaching type',
      input: lines('FROM alpine:3.20', 'RUN alias ll="ls -l"', 'RUN type ll > /t'),
      output: lines('FROM alpine:3.20', 'RUN ( alias ll="ls -l" ) && \\', '    type ll > /t'),
      message: 'State that would carry over (`alias ll="ls -l"`) stays inside a subshell.',
    },
    {
      name: 'a test comparison is not state',
      input: lines(
        'FROM alpine:3.20',
        'RUN echo a',
        'RUN if [ "$X" = 1 ]; then echo one; fi',
        'RUN [[ $Y = 2 ]] || test "$Z" = 3',
        'RUN echo b',
      ),
      output: lines(
        'FROM alpine:3.20',
        'RUN echo a && \\',
        '    if [ "$X" = 1 ]; then echo one; fi && \\',
        '    ( [[ $Y = 2 ]] || test "$Z" = 3 ) && \\',
        '    echo b',
      ),
    },
    {
      name: 'an arithmetic assignment inside a test is state',
      input: lines('FROM debian:12', 'RUN [ $((n = 1)) = 1 ]', 'RUN echo $n'),
      output: lines('FROM debian:12', 'RUN ( [ $((n = 1)) = 1 ] ) && \\', '    echo $n'),
      message: 'State that would carry over (`n = 1`) stays inside a subshell.',
    },
    {
      name: 'an EXIT trap fires at the end of the subshell that contains it',
      input: lines(
        'FROM debian:12',
        "RUN trap 'cp /tmp/f /keep' EXIT; echo data > /tmp/f",
        'RUN rm /tmp/f',
      ),
      output: lines(
        'FROM debian:12',
        "RUN ( trap 'cp /tmp/f /keep' EXIT; echo data > /tmp/f ) && \\",
        '    rm /tmp/f',
      ),
      message:
        "State that would carry over (`trap 'cp /tmp/f /keep' EXIT`) stays inside a subshell.",
    },
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
      name: 'set -x reaching a redirected group',
      input: lines(
        'FROM debian:bookworm-slim',
        'RUN set -x; echo one',
        'RUN { echo two; } 2>/trace',
      ),
      output: lines(
        'FROM debian:bookworm-slim',
        'RUN ( set -x; echo one ) && \\',
        '    { echo two; } 2>/trace',
      ),
      message: '(`set -x`) stays inside a subshell',
    },
    {
      name: 'set -x reaching stderr sent into a pipe',
      input: lines('FROM alpine:3.20', 'RUN set -x; a', 'RUN make 2>&1 | tee /log'),
      output: lines('FROM alpine:3.20', 'RUN ( set -x; a ) && \\', '    make 2>&1 | tee /log'),
    },
    {
      name: 'set -x with stderr left to the build log',
      input: lines('FROM alpine:3.20', 'RUN set -x; a', 'RUN echo two > /out'),
      output: lines('FROM alpine:3.20', 'RUN set -x; a && \\', '    echo two > /out'),
    },
    {
      name: 'set -u reaching a sourced file',
      input: lines('FROM alpine:3.20', 'RUN set -u; a', 'RUN . /etc/os-release'),
      output: lines('FROM alpine:3.20', 'RUN ( set -u; a ) && \\', '    . /etc/os-release'),
    },
    {
      name: 'set -u reaching a name in arithmetic',
      input: lines('FROM alpine:3.20', 'RUN set -u; a', 'RUN echo $((N + 1)) > /n'),
      output: lines('FROM alpine:3.20', 'RUN ( set -u; a ) && \\', '    echo $((N + 1)) > /n'),
    },
    {
      name: 'set -u from a function the RUN calls',
      input: lines('FROM alpine:3.20', 'RUN f() { set -u; }; f', 'RUN echo $X > /x'),
      output: lines('FROM alpine:3.20', 'RUN ( f() { set -u; }; f ) && \\', '    echo $X > /x'),
      message: '(`set -u`) stays inside a subshell',
    },
    {
      name: 'eval set -e, which needs no subshell',
      input: lines('FROM alpine:3.20', 'RUN eval set -e; false; echo a', 'RUN echo b'),
      output: lines('FROM alpine:3.20', 'RUN eval set -e; false; echo a && \\', '    echo b'),
    },
    {
      name: 'a cd behind a literal eval',
      input: lines('FROM alpine:3.20', 'RUN eval "cd /x"', 'RUN ls'),
      output: lines('FROM alpine:3.20', 'RUN ( eval "cd /x" ) && \\', '    ls'),
      message: '(`eval "cd /x"`) stays inside a subshell',
    },
    {
      name: 'a function an eval may call',
      input: lines('FROM alpine:3.20', 'RUN f() { echo hi > /x; }', 'RUN eval f'),
      output: lines('FROM alpine:3.20', 'RUN ( f() { echo hi > /x; } ) && \\', '    eval f'),
    },
    {
      name: 'set -e reaching a program by its path',
      input: lines('FROM alpine:3.20', 'RUN set -e; a', 'RUN $HOME/bin/tool'),
      output: lines('FROM alpine:3.20', 'RUN set -e; a && \\', '    $HOME/bin/tool'),
    },
    {
      name: 'SHELLOPTS without errexit',
      input: lines('FROM alpine:3.20', 'ENV SHELLOPTS=nounset', 'RUN cd /x', 'RUN ls'),
      output: lines('FROM alpine:3.20', 'ENV SHELLOPTS=nounset', 'RUN ( cd /x ) && \\', '    ls'),
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
      name: 'set -u under SHELLOPTS, kept from a program that reads the environment',
      input: lines('FROM alpine:3.20', 'ENV SHELLOPTS=hashall', 'RUN set -u; a', 'RUN env > /x'),
      output: lines(
        'FROM alpine:3.20',
        'ENV SHELLOPTS=hashall',
        'RUN ( set -u; a ) && \\',
        '    env > /x',
      ),
      message: '(`set -u`) stays inside a subshell',
    },
    {
      name: 'set -u reaching a RUN that exports SHELLOPTS',
      input: lines('FROM alpine:3.20', 'RUN set -u; a', 'RUN export SHELLOPTS; bash b.sh'),
      output: lines(
        'FROM alpine:3.20',
        'RUN ( set -u; a ) && \\',
        '    ( export SHELLOPTS; bash b.sh )',
      ),
    },
    {
      name: 'ENV ENV, which a shell run with -c does not read',
      input: lines(
        'FROM debian:bookworm-slim',
        'ENV ENV=/e.sh',
        'RUN cd /tmp; false; touch /y',
        'RUN echo z',
      ),
      output: lines(
        'FROM debian:bookworm-slim',
        'ENV ENV=/e.sh',
        'RUN ( cd /tmp; false; touch /y ) && \\',
        '    echo z',
      ),
    },
    {
      name: 'BASH_ENV under /bin/sh, which bash ignores when run as sh',
      input: lines('FROM fedora:40', 'ENV BASH_ENV=/etc/strict.sh', 'RUN cd /tmp; false', 'RUN ls'),
      output: lines(
        'FROM fedora:40',
        'ENV BASH_ENV=/etc/strict.sh',
        'RUN ( cd /tmp; false ) && \\',
        '    ls',
      ),
    },
    {
      name: 'BASH_ENV with nothing to contain',
      input: lines(
        'FROM debian:bookworm-slim',
        'ENV BASH_ENV=/etc/strict.sh',
        'SHELL ["/bin/bash", "-c"]',
        'RUN apt-get update',
        'RUN apt-get install -y curl',
      ),
      output: lines(
        'FROM debian:bookworm-slim',
        'ENV BASH_ENV=/etc/strict.sh',
        'SHELL ["/bin/bash", "-c"]',
        'RUN apt-get update && \\',
        '    apt-get install -y curl',
      ),
    },
    {
      name: '`;;` that ends a case item',
      input: lines(
        'FROM debian:bookworm-slim',
        'RUN cd /x; case $a in a) echo;; esac',
        'RUN echo b > /b',
      ),
      output: lines(
        'FROM debian:bookworm-slim',
        'RUN ( cd /x; case $a in a) echo;; esac ) && \\',
        '    echo b > /b',
      ),
    },
    {
      name: 'no final newline',
      input: 'FROM alpine:3.20\nRUN a\nRUN b',
      output: 'FROM alpine:3.20\nRUN a && \\\n    b',
    },
    {
      name: 'a function defined, a program last, under set -e',
      input: lines('FROM debian', 'RUN set -e; f() { false; echo a; }; f; echo done', 'RUN echo b'),
      output: lines(
        'FROM debian',
        'RUN set -e; f() { false; echo a; }; f; echo done && \\',
        '    echo b',
      ),
    },
    {
      name: 'a function call last, without errexit',
      input: lines('FROM debian', 'RUN f() { false; echo a; }; f', 'RUN echo b'),
      output: lines('FROM debian', 'RUN f() { false; echo a; }; f && \\', '    echo b'),
    },
    {
      name: 'a function call before the last command of an && list',
      input: lines('FROM debian', 'RUN set -e; f() { false; echo a; }; f && echo c', 'RUN echo b'),
      output: lines(
        'FROM debian',
        'RUN set -e; f() { false; echo a; }; f && echo c && \\',
        '    echo b',
      ),
    },
    {
      name: 'a negated function call, where errexit never applied',
      input: lines('FROM debian', 'RUN set -e; f() { false; echo a; }; ! f', 'RUN echo b'),
      output: lines('FROM debian', 'RUN set -e; f() { false; echo a; }; ! f && \\', '    echo b'),
    },
    {
      name: '`command` with a function name, which runs no function',
      input: lines('FROM debian', 'RUN set -e; f() { false; echo a; }; command f', 'RUN echo b'),
      output: lines(
        'FROM debian',
        'RUN set -e; f() { false; echo a; }; command f && \\',
        '    echo b',
      ),
    },
    {
      name: 'a function definition last, which runs nothing',
      input: lines('FROM debian', 'RUN set -e; f() { false; echo a; }', 'RUN echo b'),
      output: lines('FROM debian', 'RUN set -e; f() { false; echo a; } && \\', '    echo b'),
    },
    {
      name: 'a compound command before the last command of an && list',
      input: lines('FROM debian', 'RUN set -e; if true; then echo a; fi && echo c', 'RUN echo b'),
      output: lines(
        'FROM debian',
        'RUN set -e; if true; then echo a; fi && echo c && \\',
        '    echo b',
      ),
    },
    {
      name: 'a substitution running one command, under set -e',
      input: lines('FROM debian', 'RUN set -e; echo "$(uname -m)" > /arch', 'RUN echo b'),
      output: lines('FROM debian', 'RUN set -e; echo "$(uname -m)" > /arch && \\', '    echo b'),
    },
    {
      name: 'a program by its path after a sourced file, under set -e',
      input: lines(
        'FROM debian',
        'SHELL ["/bin/sh", "-ec"]',
        'RUN . /opt/lib.sh | cat; /opt/bin/install',
        'RUN echo b',
      ),
      output: lines(
        'FROM debian',
        'SHELL ["/bin/sh", "-ec"]',
        'RUN . /opt/lib.sh | cat; /opt/bin/install && \\',
        '    echo b',
      ),
    },
    {
      name: 'a name the profile files may define, with errexit only a guess',
      input: lines(
        'FROM continuumio/miniconda3',
        'SHELL ["/bin/bash", "--login", "-c"]',
        'RUN conda install -y numpy',
        'RUN conda clean -afy',
      ),
      output: lines(
        'FROM continuumio/miniconda3',
        'SHELL ["/bin/bash", "--login", "-c"]',
        'RUN conda install -y numpy && \\',
        '    conda clean -afy',
      ),
    },
    {
      name: 'merged around a heredoc neighbour pair',
      input: lines('FROM alpine:3.20', 'RUN a', 'RUN b', 'RUN <<EOF', 'echo c', 'EOF'),
      output: lines('FROM alpine:3.20', 'RUN a && \\', '    b', 'RUN <<EOF', 'echo c', 'EOF'),
    },
  ],
});

/**
 * Shells a RUN's `/bin/sh` may be: bash run as `sh` works in POSIX mode,
 * which keeps errexit in command substitutions.
 */
const SHELLS = [['dash'], ['bash'], ['bash', '--posix'], ['busybox', 'sh']].filter(
  ([program, ...args]) => spawnSync(program, [...args, '-c', 'true']).status === 0,
);

/**
 * Runs scripts one after another as a build runs RUNs, each in a new
 * shell, stopping at the first that fails: what they print, and `(failed)`
 * if one failed.
 */
function build(
  shell: string[],
  flags: string[],
  scripts: string[],
  env: Record<string, string> = {},
): string {
  let out = '';
  for (const script of scripts) {
    const [program, ...args] = [...shell, ...flags, script];
    const result = spawnSync(program, args, {
      encoding: 'utf8',
      cwd: tmpdir(),
      env: { ...process.env, ...env },
    });
    out += result.stdout;
    if (result.status !== 0) return `${out}(failed)`;
  }
  return out;
}

/** The SHELL flags (`-c`, `-ec`) and scripts of a Dockerfile's RUNs. */
function runsOf(text: string): { flags: string[]; scripts: string[] } {
  const runs = new DockerDocument(text).instructions.filter((i) => i.keyword === 'RUN');
  return { flags: runs[0].shell.slice(1), scripts: runs.map((run) => run.body.text) };
}

const mergeRunsOnly = (input: string) =>
  fix(input, { safety: ['layout', 'cache', 'content'], only: ['merge-runs'] });

describe('merge-runs under errexit, run in real shells', () => {
  test('some shells are here to run scripts', () => {
    expect(SHELLS.length).toBeGreaterThanOrEqual(2);
  });

  describe('a join it makes prints and exits as the RUNs did', () => {
    test.each([
      ['RUN set -e; f() { false; echo a; }; f; echo done', 'RUN echo b'],
      ['RUN set -e; f() { false; echo a; }; echo x', 'RUN echo b'],
      ['RUN f() { false; echo a; }; f', 'RUN echo b'],
      ['RUN set -e; f() { false; echo a; }; f && echo c', 'RUN echo b'],
      ['RUN set -e; f() { false; echo a; }; ! f', 'RUN echo b'],
      ['RUN set -e; f() { echo a; false; }; ! f', 'RUN echo b'],
      ['RUN set -e; f() { false; echo a; }; command f', 'RUN echo b'],
      ['RUN set -e; f() { false; echo a; }', 'RUN echo b'],
      ['RUN set -e; if true; then echo a; false; echo x; fi && echo c', 'RUN echo b'],
      ['RUN set -e; echo "[$(false)]"', 'RUN echo b'],
      ['SHELL ["/bin/sh", "-ec"]', 'RUN f() { false; echo a; }; f || echo failed', 'RUN echo b'],
      ['SHELL ["/bin/sh", "-e", "-c"]', 'RUN echo a; false', 'RUN echo b'],
      ["RUN trap 'echo trapped' EXIT; echo a", 'RUN echo b'],
      ["RUN trap 'echo trapped' EXIT; false", 'RUN echo b'],
      ["RUN trap 'echo trapped; exit 3' EXIT; echo a", 'RUN echo b'],
    ])('%s / %s', async (...body) => {
      const input = lines('FROM debian', ...body);
      const result = await mergeRunsOnly(input);
      expect(result.changes).toHaveLength(1);
      const before = runsOf(input);
      const after = runsOf(result.output);
      expect(after.scripts).toHaveLength(1);
      for (const shell of SHELLS) {
        expect([shell, build(shell, after.flags, after.scripts)]).toEqual([
          shell,
          build(shell, before.flags, before.scripts),
        ]);
      }
    });
  });

  describe('a join it refuses would have changed what a shell does', () => {
    test.each([
      ['RUN set -e; f() { false; echo a; }; f', 'RUN echo b'],
      ['SHELL ["/bin/sh", "-ec"]', 'RUN f() { false; echo a; }; f', 'RUN echo b'],
      ['RUN set -e; f() { false; echo a; }; false || f', 'RUN echo b'],
      ['RUN set -e; f() { false; echo a; }; f | cat', 'RUN echo b'],
      ["RUN set -e; eval 'false; echo a'", 'RUN echo b'],
      ['RUN set -e; echo "[$(false; echo a)]"', 'RUN echo b'],
      ['RUN set -e; if true; then false; echo a; fi', 'RUN echo b'],
    ])('%s / %s', async (...body) => {
      const input = lines('FROM debian', ...body);
      const result = await mergeRunsOnly(input);
      expect(result.output).toBe(input);
      expect(result.notes.map((n) => n.message).join('\n')).toContain('switch off, inside it');
      const { flags, scripts } = runsOf(input);
      const joined = [scripts.join(' && ')];
      const differs = SHELLS.filter(
        (shell) => build(shell, flags, joined) !== build(shell, flags, scripts),
      );
      expect(differs.length).toBeGreaterThan(0);
    });
  });
});

describe('merge-runs with option words or traps it cannot contain, run in real shells', () => {
  test.each([
    ['-e', 'RUN set $FLAGS; false; echo reached', 'RUN echo b'],
    ['-e', 'RUN cd /; set $FLAGS; false; echo reached', 'RUN echo b'],
    ['e', 'RUN cd /; set -$FLAGS; false; echo reached', 'RUN echo b'],
    ['errexit', 'RUN cd /; set -o $FLAGS; false; echo reached', 'RUN echo b'],
  ])('FLAGS=%s: %s / %s', async (flags, ...body) => {
    const input = lines('FROM debian:12', `ARG FLAGS=${flags}`, ...body);
    const result = await mergeRunsOnly(input);
    expect(result.output).toBe(input);
    expect(result.notes.map((n) => n.message).join('\n')).toContain(
      'the subshell that could contain it would switch off the errexit',
    );
    // The rewrite dslim made before: the RUN before in a subshell, then `&&`.
    const { flags: shellFlags, scripts } = runsOf(input);
    const wrapped = [`( ${scripts[0]} ) && ${scripts[1]}`];
    for (const shell of SHELLS) {
      expect([shell, build(shell, shellFlags, scripts, { FLAGS: flags })]).toEqual([
        shell,
        '(failed)',
      ]);
      expect([shell, build(shell, shellFlags, wrapped, { FLAGS: flags })]).toEqual([
        shell,
        'reached\nb\n',
      ]);
    }
  });

  test('an ERR trap would no longer run once a subshell and `&&` follow', async () => {
    const input = lines(
      'FROM debian:12',
      'SHELL ["/bin/bash", "-c"]',
      "RUN trap 'echo failed' ERR; false; echo a",
      'RUN echo b',
    );
    const result = await mergeRunsOnly(input);
    expect(result.output).toBe(input);
    const { flags, scripts } = runsOf(input);
    expect(build(['bash'], flags, scripts)).toBe('failed\na\nb\n');
    expect(build(['bash'], flags, [`( ${scripts[0]} ) && ${scripts[1]}`])).toBe('a\nb\n');
  });
});

describe('merge-runs with state the later RUN reads, run in real shells', () => {
  describe('a join prints and exits as the RUNs did, where a plain `&&` would not', () => {
    test.each([
      ['RUN set -- a b', 'RUN shift'],
      ['RUN set -- a b', 'RUN command shift; echo "$?"'],
      ['RUN set -- -x', 'RUN getopts x opt && echo "got $opt"'],
      ['RUN set -- a b', 'RUN for x; do echo "$x"; done'],
      ['RUN nosuchtool() { echo fake; }', 'RUN command -v nosuchtool || echo none'],
      ['RUN nosuchtool() { echo fake; }', 'RUN type nosuchtool > /dev/null || echo none'],
    ])('%s / %s', async (...body) => {
      const input = lines('FROM debian', ...body);
      const result = await mergeRunsOnly(input);
      expect(result.changes).toHaveLength(1);
      const before = runsOf(input);
      const after = runsOf(result.output);
      expect(after.scripts).toHaveLength(1);
      const plain = [before.scripts.join(' && ')];
      const differs = SHELLS.filter(
        (shell) => build(shell, before.flags, plain) !== build(shell, before.flags, before.scripts),
      );
      expect(differs.length).toBeGreaterThan(0);
      for (const shell of SHELLS) {
        expect([shell, build(shell, after.flags, after.scripts)]).toEqual([
          shell,
          build(shell, before.flags, before.scripts),
        ]);
      }
    });
  });

  test('a `&` ending the later RUN would send the RUN before to the background', async () => {
    const input = lines('FROM debian', 'RUN false', 'RUN sleep 0 &');
    const result = await mergeRunsOnly(input);
    expect(result.output).toBe(input);
    const { flags, scripts } = runsOf(input);
    // The rewrite dslim made before: the later RUN grouped, its `&` left outside.
    const grouped = [`${scripts[0]} && ( sleep 0 ) &`];
    for (const shell of SHELLS) {
      expect([shell, build(shell, flags, scripts)]).toEqual([shell, '(failed)']);
      expect([shell, build(shell, flags, grouped)]).toEqual([shell, '']);
    }
  });
});

import { lines, transformTable } from '../harness';

const BOTH =
  'the compiled packages, test results and modules Go keeps no longer stay in the layer.';

transformTable('clean-go-cache', {
  unchanged: [
    {
      name: 'a COPY into a directory above the caches, before the RUN',
      input: lines('FROM golang:1.22', 'COPY root/ /root/', 'RUN go build ./...'),
      reason: 'what the COPY brings stays in its layer, and the build may be meant to use it',
      note: 'Leaves the Go build cache of this `RUN`: the `COPY` on line 2 first writes into `/root`, above `/root/.cache/go-build`: what it brings there stays in its layer whatever this `RUN` does, and the `RUN` may be meant to use it.',
    },
    {
      name: 'go run by `sh -c`',
      input: lines('FROM golang:1.22', "RUN sh -c 'go build -o /app .'"),
      reason:
        'the added `go clean` would run in the outer shell, where a PATH the script sets does not reach',
      note: 'Leaves the Go build and module caches of this `RUN`: it runs `go` in the script of `sh -c`, a quoted word, which dslim does not edit.',
    },
    {
      name: 'go run by `xargs`',
      input: lines('FROM golang:1.22', 'RUN ls cmd | xargs -I{} go build ./cmd/{}'),
      reason: 'the words of the go command are not all in the RUN',
      note: 'Leaves the Go build and module caches of this `RUN`: it runs `go` through `xargs`, which gives it more words from its input, so dslim does not edit it.',
    },
    {
      name: 'a later stage built on this one runs go',
      input: lines(
        'FROM golang:1.22 AS base',
        'RUN go install golang.org/x/tools/cmd/stringer@v0.20.0',
        'FROM base',
        'RUN go generate ./... && go build -o /app . && go clean -cache -modcache',
      ),
      reason: 'the later build reuses the modules and compiled packages the base stage leaves',
      note: 'Leaves the Go build and module caches of this `RUN`: `go generate` in the `RUN` on line 4 reads what this `RUN` leaves there.',
    },
    {
      name: 'a later build with `GOPROXY=off` needs the downloaded modules',
      input: lines(
        'FROM golang:1.22',
        'RUN go mod download',
        'ENV GOPROXY=off',
        'RUN go build -o /app . && go clean -cache -modcache',
      ),
      reason: 'without the modules the build may not download, it fails',
      note: 'Leaves the Go module cache of this `RUN`: `go build` in the `RUN` on line 4 reads what this `RUN` leaves there.',
    },
    {
      name: 'a later `RUN --network=none` runs from the caches',
      input: lines(
        'FROM golang:1.22',
        'RUN go mod download && go build ./...',
        'RUN --network=none go vet ./... && go clean -cache -modcache',
      ),
      reason: 'without a network, go can only take the modules the cache holds',
      note: 'Leaves the Go module cache of this `RUN`: `go vet` in the `RUN` on line 3 runs from the cache rather than the network (`RUN --network=none`), so it needs what this `RUN` leaves there.',
    },
    {
      name: 'a second build after a first',
      input: lines('FROM golang:1.22', 'RUN go build -o /a ./a', 'RUN go build -o /b ./b'),
      reason:
        'the first build is kept for the second, whose cleanup would only delete the first layer’s files from the image',
      note: 'Leaves the Go build and module caches of this `RUN`: the `RUN` on line 2 runs `go build` first: what that leaves in the cache stays in its layer whatever this `RUN` does, and `go clean` cannot remove only what this one adds.',
    },
    {
      name: 'a lone `go mod download`',
      input: lines(
        'FROM golang:1.22',
        'WORKDIR /src',
        'COPY go.mod go.sum ./',
        'RUN go mod download',
      ),
      reason:
        'filling the module cache is what the RUN is for, perhaps for an image built on this one',
      note: 'Leaves the Go module cache of this `RUN`: `go mod download` only downloads modules into it, for a later build to use, and nothing after it in this `RUN` builds.',
    },
    {
      name: 'a CMD that runs `go run`',
      input: lines(
        'FROM golang:1.22',
        'WORKDIR /src',
        'COPY . .',
        'RUN go build ./...',
        'CMD ["go", "run", "."]',
      ),
      reason: 'the container would download and compile again when it starts',
      note: 'Leaves the Go build and module caches of this `RUN`: the `CMD` on line 5 runs `go run` when the container starts, which reads what this `RUN` leaves there.',
    },
    {
      name: 'a later `make`, which may run go',
      input: lines('FROM golang:1.22', 'RUN go mod download && go build ./...', 'RUN make test'),
      reason: "a Go project's Makefile runs go, which reads the caches",
      note: 'Leaves the Go build and module caches of this `RUN`: `make` in the `RUN` on line 3 may run go, which reads what this `RUN` leaves there.',
    },
    {
      name: 'an `ONBUILD RUN` that runs go',
      input: lines('FROM golang:1.22', 'RUN go build ./...', 'ONBUILD RUN go test ./...'),
      reason: 'the trigger runs in every image built on this one, which has the caches',
      note: 'Leaves the Go build and module caches of this `RUN`: `go test` in the `RUN` on line 3 reads what this `RUN` leaves there.',
    },
    {
      name: '`set -e` and a compound command at the end',
      input: lines('FROM golang:1.22', 'RUN set -e; if [ -f go.mod ]; then go build ./...; fi'),
      reason: '`&&` after the `if` would switch errexit off inside it',
      note: 'Leaves the Go build and module caches of this `RUN`: it ends in a compound command; `&&` after it would switch off, inside it, the errexit (`set -e`) that `set -e` turns on.',
    },
    {
      name: 'an EXIT trap',
      input: lines(
        'FROM golang:1.22',
        "RUN trap 'du -s /root/.cache > /size' EXIT; go build ./...",
      ),
      reason: 'the trap would run after the added cleanup and see the caches gone',
      note: "Leaves the Go build and module caches of this `RUN`: it sets a trap that runs when the shell exits (`trap 'du -s /root/.cache > /size' EXIT`), so commands added at its end would run before the trap, or set it off.",
    },
    {
      name: 'a background job',
      input: lines('FROM golang:1.22', 'RUN go build ./... & wait'),
      reason: 'a command added after it would race the job',
      note: 'Leaves the Go build and module caches of this `RUN`: it starts a background job (`&`), which a command added after it would race.',
    },
    {
      name: 'a RUN that removes the Go installation',
      input: lines(
        'FROM golang:1.22',
        'RUN go build -o /usr/local/bin/app . && rm -rf /usr/local/go',
      ),
      reason: 'the added `go clean` would fail with `go: not found`',
      note: 'Leaves the Go build and module caches of this `RUN`: `rm -rf /usr/local/go` removes `/usr/local/go`, so the added `go clean -cache -modcache` may not find the `go` it runs.',
    },
    {
      name: 'PATH set for the go command only',
      input: lines('FROM golang:1.22', 'RUN PATH=/usr/local/go/bin:$PATH go build ./...'),
      reason: 'the added `go clean` runs with the image PATH, which may have no go',
      note: 'Leaves the Go build and module caches of this `RUN`: `PATH=/usr/local/go/bin:$PATH go build...` sets PATH for part of the script only, so the added `go clean -cache -modcache` may not find the `go` that part ran.',
    },
    {
      name: 'PATH set by `env` for the go command only',
      input: lines('FROM golang:1.22', 'RUN env PATH=/usr/local/go/bin:$PATH go build ./...'),
      reason: 'the added `go clean` runs with the image PATH, which may have no go',
      note: 'Leaves the Go build and module caches of this `RUN`: `env PATH=/usr/local/go/bin:$PATH go b...` sets PATH for part of the script only, so the added `go clean -cache -modcache` may not find the `go` that part ran.',
    },
    {
      name: 'PATH exported inside a subshell',
      input: lines('FROM golang:1.22', 'RUN (export PATH=/usr/local/go/bin:$PATH; go build ./...)'),
      reason: 'the export ends with the subshell, before the added `go clean`',
      note: 'Leaves the Go build and module caches of this `RUN`: `export PATH=/usr/local/go/bin:$PATH` sets PATH for part of the script only, so the added `go clean -cache -modcache` may not find the `go` that part ran.',
    },
    {
      name: 'a RUN that sets HOME',
      input: lines('FROM golang:1.22', 'RUN HOME=/build go build ./...'),
      reason: 'the caches move to where dslim cannot follow a later reader',
      note: 'Leaves the Go build cache of this `RUN`: the `RUN` sets `HOME`, which moves the cache to a path dslim does not read.',
    },
    {
      name: 'a heredoc',
      input: lines('FROM golang:1.22', 'RUN <<EOF', 'go build ./...', 'EOF'),
      reason: 'heredocs are never edited',
      note: 'Leaves the Go build and module caches of this `RUN`: the RUN has a heredoc (or text that may be one), which is never edited.',
    },
    {
      name: 'an exec-form RUN',
      input: lines('FROM golang:1.22', 'RUN ["go", "build", "./..."]'),
      reason: 'no shell command can be added to it',
      note: 'Leaves the Go build and module caches of this `RUN`: it is an exec-form (JSON) RUN',
    },
    {
      name: 'cache mounts over both caches',
      input: lines(
        'FROM golang:1.22',
        'RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod \\',
        '    go build ./...',
      ),
      reason: 'neither cache reaches a layer',
      note: 'Adds no `go clean -modcache`: `/go/pkg/mod` is a cache mount, so the Go module cache never reaches a layer.',
    },
    {
      name: 'a tmpfs over the build cache and a bind mount over the modules',
      input: lines(
        'FROM golang:1.22',
        'RUN --mount=type=tmpfs,target=/root/.cache --mount=type=bind,source=mod,target=/go/pkg/mod \\',
        '    go build ./...',
      ),
      reason:
        'neither cache reaches a layer, and `go clean -modcache` would fail on the read-only bind mount',
      note: 'Adds no `go clean -cache`: `/root/.cache` is a tmpfs mount, so the Go build cache never reaches a layer.',
    },
    {
      name: 'a bind mount over the module cache, named by its type alone',
      input: lines(
        'FROM golang:1.22',
        'RUN --mount=type=tmpfs,target=/root/.cache/go-build --mount=source=gopath,target=/go \\',
        '    go build ./...',
      ),
      reason: 'a mount without a type is a bind mount, and `/go` holds the module cache',
      note: 'Adds no `go clean -modcache`: `/go` is a bind mount, so the Go module cache never reaches a layer.',
    },
    {
      name: 'a mount target named by a variable',
      input: lines(
        'FROM golang:1.22',
        'ARG M',
        'RUN --mount=type=bind,source=mod,target=$M go build ./...',
      ),
      reason: 'the mount may be over either cache, which a cleanup would then reach into',
      note: 'Leaves the Go module cache of this `RUN`: its bind mount at `$M` is at a path dslim cannot resolve, which may be the cache or a directory above it.',
    },
    {
      name: 'an ENTRYPOINT that runs go with the CMD as its words',
      input: lines(
        'FROM golang:1.22',
        'WORKDIR /src',
        'COPY . .',
        'RUN go build ./...',
        'ENTRYPOINT ["go"]',
        'CMD ["run", "."]',
      ),
      reason: 'the container runs `go run .`, which would download and compile again',
      note: 'Leaves the Go build and module caches of this `RUN`: the `ENTRYPOINT` on line 5 and the `CMD` on line 6 run `go run` when the container starts, which reads what this `RUN` leaves there.',
    },
    {
      name: 'an ENTRYPOINT and CMD inherited from the stage built on',
      input: lines(
        'FROM golang:1.22 AS base',
        'ENTRYPOINT ["go"]',
        'CMD ["run", "."]',
        'FROM base',
        'RUN go build ./...',
      ),
      reason: 'the second stage starts with `go run .` too, as its base does',
      note: 'Leaves the Go build and module caches of this `RUN`: the `ENTRYPOINT` on line 2 and the `CMD` on line 3 run `go run` when the container starts, which reads what this `RUN` leaves there.',
    },
    {
      name: 'a CMD given to an entrypoint script',
      input: lines(
        'FROM golang:1.22',
        'RUN go build -o /app .',
        'ENTRYPOINT ["/entrypoint.sh"]',
        'CMD ["go", "test", "./..."]',
      ),
      reason: 'an entrypoint script usually runs the words it is given (`exec "$@"`)',
      note: 'Leaves the Go build and module caches of this `RUN`: the `CMD` on line 4 gives `go test` to the `ENTRYPOINT` on line 3 to run when the container starts, which reads what this `RUN` leaves there.',
    },
    {
      name: 'a shell-form CMD under a SHELL with options',
      input: lines(
        'FROM golang:1.22',
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
        'RUN go build -o /app .',
        'CMD cd /src && go run .',
      ),
      reason: 'bash runs the script of the CMD, which runs `go run`',
      note: 'Leaves the Go build and module caches of this `RUN`: the `CMD` on line 4 runs `go run` when the container starts, which reads what this `RUN` leaves there.',
    },
    {
      name: 'a CMD that runs make',
      input: lines('FROM golang:1.22', 'RUN go build -o /app .', 'CMD ["make", "run"]'),
      reason: "a Go project's Makefile runs go, which reads the caches",
      note: 'Leaves the Go build and module caches of this `RUN`: the `CMD` on line 3 runs `make` when the container starts, and it may run go, which reads what this `RUN` leaves there.',
    },
    {
      name: 'a FROM through an ARG without a default may inherit the CMD of any earlier stage',
      input: lines(
        'FROM golang:1.22 AS a',
        'CMD ["go", "run", "."]',
        'FROM golang:1.22 AS b',
        'ARG BASE',
        'FROM $BASE',
        'RUN go build -o /app .',
      ),
      reason: '`--build-arg BASE=a` makes the last stage start with `go run .`',
      note: 'Leaves the Go build and module caches of this `RUN`: in stage `a`, which the `FROM $BASE` on line 5 may name through a `--build-arg`, the `CMD` on line 2 runs `go run` when the container starts, which reads what this `RUN` leaves there.',
    },
    {
      name: 'already cleaned',
      input: lines('FROM golang:1.22', 'RUN go build ./... && go clean -cache -modcache'),
      reason: 'the cleanup is there',
    },
    {
      name: 'the caches removed by `rm`',
      input: lines('FROM golang:1.22', 'RUN go build ./... && rm -rf /root/.cache/* /go/pkg/mod'),
      reason: 'as root, `rm` deletes the read-only module files too',
    },
    {
      name: 'go commands that fill no cache',
      input: lines('FROM golang:1.22', 'RUN go version && go env && go mod init example.com/x'),
      reason: 'nothing compiles or downloads',
    },
  ],
  changed: [
    {
      name: 'a bind mount over the module cache: only the build cache is cleaned',
      input: lines(
        'FROM golang:1.22',
        'RUN --mount=type=bind,source=mod,target=/go/pkg/mod go build ./...',
      ),
      output: lines(
        'FROM golang:1.22',
        'RUN --mount=type=bind,source=mod,target=/go/pkg/mod go build ./... && go clean -cache',
      ),
      message:
        'Adds `go clean -cache` after `go build`: the compiled packages and test results Go keeps no longer stay in the layer.',
      note: 'Adds no `go clean -modcache`: `/go/pkg/mod` is a bind mount, so the Go module cache never reaches a layer.',
    },
    {
      name: 'a relative mount target under the WORKDIR',
      input: lines(
        'FROM golang:1.22',
        'WORKDIR /go',
        'RUN --mount=type=bind,source=mod,target=pkg go build ./...',
      ),
      output: lines(
        'FROM golang:1.22',
        'WORKDIR /go',
        'RUN --mount=type=bind,source=mod,target=pkg go build ./... && go clean -cache',
      ),
      note: 'Adds no `go clean -modcache`: `pkg` is a bind mount, so the Go module cache never reaches a layer.',
    },
    {
      name: 'a mount inside the module cache: only the build cache is cleaned',
      input: lines(
        'FROM golang:1.22',
        'RUN --mount=type=bind,source=dl,target=/go/pkg/mod/cache/download go build ./...',
      ),
      output: lines(
        'FROM golang:1.22',
        'RUN --mount=type=bind,source=dl,target=/go/pkg/mod/cache/download go build ./... && go clean -cache',
      ),
      note: 'Leaves the Go module cache of this `RUN`: its bind mount at `/go/pkg/mod/cache/download` is inside the cache (`/go/pkg/mod`): a cleanup would reach into the mount, whose mount point it cannot delete, and the install may read what the mount holds.',
    },
    {
      name: 'secret and ssh mounts elsewhere do not count',
      input: lines(
        'FROM golang:1.22',
        'RUN --mount=type=secret,id=netrc,target=/root/.netrc --mount=type=ssh go build ./...',
      ),
      output: lines(
        'FROM golang:1.22',
        'RUN --mount=type=secret,id=netrc,target=/root/.netrc --mount=type=ssh go build ./... && go clean -cache -modcache',
      ),
    },
    {
      name: 'an earlier download into a bind mount leaves nothing in its layer',
      input: lines(
        'FROM golang:1.22',
        'RUN --mount=type=bind,source=mod,target=/go/pkg/mod go mod download',
        'RUN go build ./...',
      ),
      output: lines(
        'FROM golang:1.22',
        'RUN --mount=type=bind,source=mod,target=/go/pkg/mod go mod download',
        'RUN go build ./... && go clean -cache -modcache',
      ),
      note: 'Adds no `go clean -modcache`: `/go/pkg/mod` is a bind mount, so the Go module cache never reaches a layer.',
    },
    {
      name: 'an ENTRYPOINT of the stage drops the CMD it inherits',
      input: lines(
        'FROM golang:1.22 AS base',
        'CMD ["go", "run", "."]',
        'FROM base',
        'ENTRYPOINT ["/app"]',
        'RUN go build -o /app .',
      ),
      output: lines(
        'FROM golang:1.22 AS base',
        'CMD ["go", "run", "."]',
        'FROM base',
        'ENTRYPOINT ["/app"]',
        'RUN go build -o /app . && go clean -cache -modcache',
      ),
    },
    {
      name: 'a shell-form ENTRYPOINT takes no CMD',
      input: lines(
        'FROM golang:1.22',
        'RUN go build -o /app .',
        'CMD ["go", "run", "."]',
        'ENTRYPOINT /app',
      ),
      output: lines(
        'FROM golang:1.22',
        'RUN go build -o /app . && go clean -cache -modcache',
        'CMD ["go", "run", "."]',
        'ENTRYPOINT /app',
      ),
    },
    {
      name: 'a FROM through an ARG without a default may build on the stage that downloads',
      input: lines(
        'FROM golang:1.22 AS deps',
        'RUN go mod download',
        'FROM golang:1.22 AS other',
        'ARG BASE',
        'FROM ${BASE}',
        'RUN go build ./...',
      ),
      output: lines(
        'FROM golang:1.22 AS deps',
        'RUN go mod download',
        'FROM golang:1.22 AS other',
        'ARG BASE',
        'FROM ${BASE}',
        'RUN go build ./... && go clean -cache',
      ),
      note: 'Leaves the Go module cache of this `RUN`: the `RUN` on line 2, in stage `deps`, which the `FROM ${BASE}` on line 5 may name through a `--build-arg`, runs `go mod download` first: what that leaves in the cache stays in its layer whatever this `RUN` does, and `go clean` cannot remove only what this one adds.',
    },
    {
      name: 'a chain of global ARGs names the stage that downloads',
      input: lines(
        'ARG A=deps',
        'ARG B=$A',
        'FROM golang:1.22 AS deps',
        'RUN go mod download',
        'FROM ${B}',
        'RUN go build ./...',
      ),
      output: lines(
        'ARG A=deps',
        'ARG B=$A',
        'FROM golang:1.22 AS deps',
        'RUN go mod download',
        'FROM ${B}',
        'RUN go build ./... && go clean -cache',
      ),
      note: 'Leaves the Go module cache of this `RUN`: the `RUN` on line 4 runs `go mod download` first: what that leaves in the cache stays in its layer whatever this `RUN` does, and `go clean` cannot remove only what this one adds.',
    },
    {
      name: 'an image tag through an ARG without a default is no stage',
      input: lines(
        'ARG V',
        'FROM golang:1.22 AS deps',
        'RUN go mod download',
        'FROM golang:${V}',
        'RUN go build ./...',
      ),
      output: lines(
        'ARG V',
        'FROM golang:1.22 AS deps',
        'RUN go mod download',
        'FROM golang:${V}',
        'RUN go build ./... && go clean -cache -modcache',
      ),
      note: 'Leaves the Go module cache of this `RUN`: `go mod download` only downloads modules into it, for a later build to use, and nothing after it in this `RUN` builds.',
    },
    {
      name: 'a single `go build`',
      input: lines(
        'FROM golang:1.22',
        'WORKDIR /src',
        'COPY . .',
        'RUN CGO_ENABLED=0 go build -o /app .',
      ),
      output: lines(
        'FROM golang:1.22',
        'WORKDIR /src',
        'COPY . .',
        'RUN CGO_ENABLED=0 go build -o /app . && go clean -cache -modcache',
      ),
      message: `Adds \`go clean -cache -modcache\` after \`go build\`: ${BOTH}`,
    },
    {
      name: '`go mod download && go build` in one RUN cleans both',
      input: lines(
        'FROM golang:1.22',
        'WORKDIR /src',
        'COPY . .',
        'RUN go mod download && go build -o /app .',
      ),
      output: lines(
        'FROM golang:1.22',
        'WORKDIR /src',
        'COPY . .',
        'RUN go mod download && go build -o /app . && go clean -cache -modcache',
      ),
      message: `Adds \`go clean -cache -modcache\` after \`go build\`: ${BOTH}`,
    },
    {
      name: 'the download-then-build pattern: only the build cache of the build',
      input: lines(
        'FROM golang:1.22 AS build',
        'WORKDIR /src',
        'COPY go.mod go.sum ./',
        'RUN go mod download',
        'COPY . .',
        'RUN go build -o /app .',
        'FROM gcr.io/distroless/static',
        'COPY --from=build /app /app',
      ),
      output: lines(
        'FROM golang:1.22 AS build',
        'WORKDIR /src',
        'COPY go.mod go.sum ./',
        'RUN go mod download',
        'COPY . .',
        'RUN go build -o /app . && go clean -cache',
        'FROM gcr.io/distroless/static',
        'COPY --from=build /app /app',
      ),
      message:
        'Adds `go clean -cache` after `go build`: the compiled packages and test results Go keeps no longer stay in the layer.',
      note: 'Leaves the Go module cache of this `RUN`: `go build` in the `RUN` on line 6 reads what this `RUN` leaves there.',
    },
    {
      name: 'the build of the download-then-build pattern says why the modules stay',
      input: lines(
        'FROM golang:1.22',
        'COPY go.mod go.sum ./',
        'RUN go mod download',
        'COPY . .',
        'RUN go build -o /app .',
      ),
      output: lines(
        'FROM golang:1.22',
        'COPY go.mod go.sum ./',
        'RUN go mod download',
        'COPY . .',
        'RUN go build -o /app . && go clean -cache',
      ),
      note: 'Leaves the Go module cache of this `RUN`: the `RUN` on line 3 runs `go mod download` first: what that leaves in the cache stays in its layer whatever this `RUN` does, and `go clean` cannot remove only what this one adds.',
    },
    {
      name: 'a stage built on a stage that downloaded: only the build cache',
      input: lines(
        'FROM golang:1.22 AS deps',
        'RUN go mod download',
        'FROM deps',
        'RUN go build -o /app .',
      ),
      output: lines(
        'FROM golang:1.22 AS deps',
        'RUN go mod download',
        'FROM deps',
        'RUN go build -o /app . && go clean -cache',
      ),
    },
    {
      name: 'modules copied into the module cache stay',
      input: lines(
        'FROM golang:1.22',
        'COPY --from=deps /go/pkg/mod /go/pkg/mod',
        'RUN go build -o /app .',
      ),
      output: lines(
        'FROM golang:1.22',
        'COPY --from=deps /go/pkg/mod /go/pkg/mod',
        'RUN go build -o /app . && go clean -cache',
      ),
      note: 'Leaves the Go module cache of this `RUN`: the `COPY` on line 2 first writes into `/go/pkg/mod`',
    },
    {
      name: 'GOPATH-mode `go get -d` downloads only: the build after it cleans the build cache',
      input: lines('FROM golang:1.10', 'RUN go get -d ./...', 'RUN go build -o /app .'),
      output: lines(
        'FROM golang:1.10',
        'RUN go get -d ./...',
        'RUN go build -o /app . && go clean -cache',
      ),
    },
    {
      name: '`go install` over several lines',
      input: lines(
        'FROM golang:1.22',
        'RUN go install github.com/go-delve/delve/cmd/dlv@v1.22.0 \\',
        '    && dlv version',
      ),
      output: lines(
        'FROM golang:1.22',
        'RUN go install github.com/go-delve/delve/cmd/dlv@v1.22.0 \\',
        '    && dlv version \\',
        '    && go clean -cache -modcache',
      ),
      message: `Adds \`go clean -cache -modcache\` after \`go install\`: ${BOTH}`,
    },
    {
      name: 'go run by its path cleans by the same path',
      input: lines('FROM debian:12', 'RUN /usr/local/go/bin/go build -o /app ./cmd/app'),
      output: lines(
        'FROM debian:12',
        'RUN /usr/local/go/bin/go build -o /app ./cmd/app && /usr/local/go/bin/go clean -cache -modcache',
      ),
    },
    {
      name: '`go -C dir build`',
      input: lines('FROM golang:1.22', 'RUN go -C /src build -o /app .'),
      output: lines(
        'FROM golang:1.22',
        'RUN go -C /src build -o /app . && go clean -cache -modcache',
      ),
    },
    {
      name: 'the build cache cleaned already: the module cache too',
      input: lines('FROM golang:1.22', 'RUN go build -o /app . && go clean -cache'),
      output: lines(
        'FROM golang:1.22',
        'RUN go build -o /app . && go clean -cache && go clean -modcache',
      ),
      message:
        'Adds `go clean -modcache` after `go build`: the modules Go downloads no longer stay in the layer.',
    },
    {
      name: '`ENV GOCACHE` moves the build cache, which `go clean` finds wherever it is',
      input: lines('FROM golang:1.22', 'ENV GOCACHE=/gocache', 'RUN go build -o /app .'),
      output: lines(
        'FROM golang:1.22',
        'ENV GOCACHE=/gocache',
        'RUN go build -o /app . && go clean -cache -modcache',
      ),
    },
    {
      name: 'a later RUN reads the build cache `ENV GOCACHE` moved',
      input: lines(
        'FROM golang:1.22',
        'ENV GOCACHE=/gocache',
        'RUN go build -o /app .',
        'RUN tar -cf /cache.tar /gocache',
      ),
      output: lines(
        'FROM golang:1.22',
        'ENV GOCACHE=/gocache',
        'RUN go build -o /app . && go clean -modcache',
        'RUN tar -cf /cache.tar /gocache',
      ),
      note: 'Leaves the Go build cache of this `RUN`: `tar` in the `RUN` on line 4 names the cache, which it may read.',
    },
    {
      name: 'a later stage copies the module cache out',
      input: lines(
        'FROM golang:1.22 AS build',
        'RUN go build -o /app .',
        'FROM alpine',
        'COPY --from=build /go/pkg/mod /mod',
      ),
      output: lines(
        'FROM golang:1.22 AS build',
        'RUN go build -o /app . && go clean -cache',
        'FROM alpine',
        'COPY --from=build /go/pkg/mod /mod',
      ),
      note: 'Leaves the Go module cache of this `RUN`: the `COPY --from=build` on line 4 copies `/go/pkg/mod` from this stage',
    },
    {
      name: 'later go commands that read no cache',
      input: lines('FROM golang:1.22', 'RUN go build -o /app .', 'RUN go version && go env'),
      output: lines(
        'FROM golang:1.22',
        'RUN go build -o /app . && go clean -cache -modcache',
        'RUN go version && go env',
      ),
    },
    {
      name: 'a `sh -c` that fills no cache does not keep the cleanup away',
      input: lines('FROM golang:1.22', "RUN go build -o /app . && bash -c 'go version'"),
      output: lines(
        'FROM golang:1.22',
        "RUN go build -o /app . && bash -c 'go version' && go clean -cache -modcache",
      ),
    },
    {
      name: 'CRLF',
      input: 'FROM golang:1.22\r\nRUN go build ./...\r\n',
      output: 'FROM golang:1.22\r\nRUN go build ./... && go clean -cache -modcache\r\n',
    },
  ],
});

transformTable(
  'clean-go-cache',
  {
    unchanged: [
      {
        name: 'a later go command',
        input: lines(
          'FROM golang:1.22',
          'RUN go build ./...',
          'RUN go test ./... && go clean -cache -modcache',
        ),
        reason: 'a mount would keep from the later RUN what this one leaves it',
        note: 'Leaves the Go build and module caches of this `RUN`: `go test` in the `RUN` on line 3 reads what this `RUN` leaves there.',
      },
    ],
    changed: [
      {
        name: 'a bind mount over the module cache: only the build cache is mounted',
        input: lines(
          'FROM golang:1.22',
          'RUN --mount=type=bind,source=mod,target=/go/pkg/mod go build ./...',
        ),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM golang:1.22',
          'RUN --mount=type=bind,source=mod,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build ./...',
        ),
        note: 'Adds no `go clean -modcache`: `/go/pkg/mod` is a bind mount, so the Go module cache never reaches a layer.',
      },
      {
        name: 'a `golang` base: both caches mounted',
        input: lines('FROM golang:1.22', 'WORKDIR /src', 'COPY . .', 'RUN go build -o /app .'),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM golang:1.22',
          'WORKDIR /src',
          'COPY . .',
          'RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod go build -o /app .',
        ),
        message:
          "Adds cache mounts at `/root/.cache/go-build` and `/go/pkg/mod` for `go build`: the compiled packages, test results and modules Go keeps stay in BuildKit's cache, not in the layer, and the next build reuses them.",
      },
      {
        name: 'a stage built on a `golang` stage',
        input: lines('FROM golang:1.22-alpine AS base', 'FROM base', 'RUN go build -o /app .'),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM golang:1.22-alpine AS base',
          'FROM base',
          'RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod go build -o /app .',
        ),
      },
      {
        name: 'another base: the build cache mounted, the module cache cleaned',
        input: lines('FROM debian:12', 'RUN go build -o /app .'),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM debian:12',
          'RUN --mount=type=cache,target=/root/.cache/go-build go build -o /app . && go clean -modcache',
        ),
        message:
          "Adds a cache mount at `/root/.cache/go-build` for `go build`, and `go clean -modcache` after it instead of a mount for the module cache, because where Go keeps its modules depends on the base image, and only that of the `golang` image (`/go/pkg/mod`) is known: the compiled packages and test results Go keeps stay in BuildKit's cache, and the modules Go downloads no longer stay in the layer.",
      },
      {
        name: '`ENV GOCACHE`: the module cache mounted, the build cache cleaned',
        input: lines('FROM golang:1.22', 'ENV GOCACHE=/gocache', 'RUN go build -o /app .'),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM golang:1.22',
          'ENV GOCACHE=/gocache',
          'RUN --mount=type=cache,target=/go/pkg/mod go build -o /app . && go clean -cache',
        ),
        message:
          "Adds a cache mount at `/go/pkg/mod` for `go build`, and `go clean -cache` after it instead of a mount for the build cache, because the `ENV` on line 2 sets `GOCACHE`: the modules Go downloads stay in BuildKit's cache, and the compiled packages and test results Go keeps no longer stay in the layer.",
      },
      {
        name: '`ENV GOPATH`: the build cache mounted, the module cache cleaned',
        input: lines('FROM golang:1.22', 'ENV GOPATH=/gopath', 'RUN go build -o /app .'),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM golang:1.22',
          'ENV GOPATH=/gopath',
          'RUN --mount=type=cache,target=/root/.cache/go-build go build -o /app . && go clean -modcache',
        ),
        message: 'because the `ENV` on line 2 sets `GOPATH`:',
      },
      {
        name: 'another user: both cleaned',
        input: lines('FROM golang:1.22', 'USER app', 'RUN go build -o /tmp/app .'),
        output: lines(
          'FROM golang:1.22',
          'USER app',
          'RUN go build -o /tmp/app . && go clean -cache -modcache',
        ),
        message:
          'Adds `go clean -cache -modcache` after `go build` instead of a cache mount, because for the build cache, it runs as `USER app`, whose home may not be `/root`, and for the module cache, it runs as `USER app`, who could not write to a cache mount, which BuildKit makes for root: the compiled packages, test results and modules Go keeps no longer stay in the layer.',
      },
      {
        name: 'a build of its own without a network: the modules are not mounted',
        input: lines('FROM golang:1.22', 'RUN --network=none go build -mod=vendor -o /app .'),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM golang:1.22',
          'RUN --network=none --mount=type=cache,target=/root/.cache/go-build go build -mod=vendor -o /app . && go clean -modcache',
        ),
        message:
          'because `go build` runs from the cache rather than the network (`RUN --network=none`), and a mount would hide the cache the image has:',
      },
      {
        name: 'the download-then-build pattern: the build cache of the build mounted',
        input: lines(
          'FROM golang:1.22',
          'COPY go.mod go.sum ./',
          'RUN go mod download',
          'COPY . .',
          'RUN go build -o /app .',
        ),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM golang:1.22',
          'COPY go.mod go.sum ./',
          'RUN go mod download',
          'COPY . .',
          'RUN --mount=type=cache,target=/root/.cache/go-build go build -o /app .',
        ),
        message:
          "Adds a cache mount at `/root/.cache/go-build` for `go build`: the compiled packages and test results Go keeps stay in BuildKit's cache, not in the layer, and the next build reuses them.",
        note: 'Leaves the Go module cache of this `RUN`: `go build` in the `RUN` on line 5 reads what this `RUN` leaves there.',
      },
    ],
  },
  { caches: 'mount' },
);

/** The note for a RUN whose go runs as `user` while the RUN runs as `own`. */
function otherUserNote(command: string, user: string, own: string): string {
  return `Leaves the Go build and module caches of this \`RUN\`: \`${command}\` runs as ${user} while the \`RUN\` runs as \`${own}\`, so the added \`go clean -cache -modcache\` would run as \`${own}\`: it may be denied what that command leaves, or clean the cache of \`${own}\` instead of the one that command fills.`;
}

/**
 * Go keeps its build cache in the home of the user it runs as (and the
 * module cache is that user's files): when a wrapper runs go as another
 * user than the RUN's, the added `go clean` would empty the wrong caches,
 * or be denied the files go left.
 */
transformTable('clean-go-cache', {
  unchanged: [
    ...[
      ['gosu app go build -o /app .', 'app'],
      ['su-exec app:app go build -o /app .', 'app:app'],
      ['sudo -u app go build -o /app .', 'app'],
      ['doas -u app go build -o /app .', 'app'],
      ['runuser -u app -- go build -o /app .', 'app'],
      ['setpriv --reuid=1000 go build -o /app .', '1000'],
    ].map(([run, user]) => ({
      name: `a build run as another user: \`${run}\``,
      input: lines('FROM golang:1.22', `RUN ${run}`),
      reason: "go fills the caches of another user; the added go clean would empty root's",
      note: otherUserNote(run, `\`${user}\``, 'root'),
    })),
    {
      name: '`USER app`, then `sudo`',
      input: lines('FROM golang:1.22', 'USER app', 'RUN sudo go build -o /app .'),
      reason: "go fills root's caches; the added go clean would run as app",
      note: otherUserNote('sudo go build -o /app .', '`root`', 'app'),
    },
    {
      name: 'a download as another user, then a build as root',
      input: lines('FROM golang:1.22', 'RUN gosu app go mod download && go build -o /app .'),
      reason: "app's module cache would stay, and root's be emptied",
      note: otherUserNote('gosu app go mod download', '`app`', 'root'),
    },
  ],
  changed: [
    ...[
      ['USER app', 'RUN sudo -u app go build -o /app .'],
      ['USER root', 'RUN sudo go build -o /app .'],
      ['USER 0:0', 'RUN gosu root go build -o /app .'],
      ['USER root', 'RUN go build -o /app . && gosu app true'],
    ].map(([user, run]) => ({
      name: `the same user: \`${user}\`, \`${run}\``,
      input: lines('FROM golang:1.22', user, run),
      output: lines('FROM golang:1.22', user, `${run} && go clean -cache -modcache`),
    })),
  ],
});

transformTable(
  'clean-go-cache',
  {
    unchanged: [
      {
        name: 'a build run as another user gets neither mounts nor the cleanup',
        input: lines('FROM golang:1.22', 'RUN gosu app go build -o /app .'),
        reason: "app's caches are not at the mount targets, and go clean would empty root's",
        note: otherUserNote('gosu app go build -o /app .', '`app`', 'root'),
      },
    ],
    changed: [
      {
        name: '`sudo` in a root RUN: both mounted',
        input: lines('FROM golang:1.22', 'RUN sudo go build -o /app .'),
        output: lines(
          '# syntax=docker/dockerfile:1',
          'FROM golang:1.22',
          'RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod sudo go build -o /app .',
        ),
      },
    ],
  },
  { caches: 'mount' },
);

/** A mount holds a Go cache only where the environment puts it. */
transformTable('clean-go-cache', {
  unchanged: [
    {
      name: 'cache mounts where `GOCACHE` and `GOMODCACHE` move the caches',
      input: lines(
        'FROM golang:1.22',
        'ENV GOCACHE=/gocache GOMODCACHE=/gomod',
        'RUN --mount=type=cache,target=/gocache --mount=type=cache,target=/gomod go build -o /app .',
      ),
      reason: 'both caches go to the mounts',
      note: 'Adds no `go clean -cache`: `/gocache` is a cache mount, so the Go build cache never reaches a layer.',
    },
    {
      name: 'source copied over the module cache',
      input: lines(
        'FROM golang:1.22',
        'COPY vendor-cache/ /go/',
        'RUN go build -o /app . && go clean -cache',
      ),
      reason: 'the COPY writes above the module cache',
      note: 'Leaves the Go module cache of this `RUN`: the `COPY` on line 2 first writes into `/go`, above `/go/pkg/mod`',
    },
    {
      name: 'an earlier RUN with a mount at the default where `GOCACHE` moves the cache filled it',
      input: lines(
        'FROM golang:1.22',
        'ENV GOCACHE=/gocache',
        'RUN --mount=type=cache,target=/root/.cache/go-build ["go", "build", "./tools"]',
        'RUN go build -o /app . && go clean -modcache',
      ),
      reason: 'the exec-form RUN leaves `/gocache` filled in its layer',
      note: 'Leaves the Go build cache of this `RUN`: the `RUN` on line 3 runs `go build` first',
    },
  ],
  changed: [
    {
      name: 'a build cache mount at the default where `GOCACHE` moves the cache',
      input: lines(
        'FROM golang:1.22',
        'ENV GOCACHE=/gocache',
        'RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod go build -o /app .',
      ),
      output: lines(
        'FROM golang:1.22',
        'ENV GOCACHE=/gocache',
        'RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod go build -o /app . && go clean -cache',
      ),
      note: 'Adds no `go clean -modcache`: `/go/pkg/mod` is a cache mount',
    },
  ],
});

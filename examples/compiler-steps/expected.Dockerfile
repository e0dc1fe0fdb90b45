# Builds the Tiny C Compiler from source, one RUN per step, the way many
# Dockerfiles start out. Every step is its own layer, so the source tree,
# the tarball and the build objects all stay in the image even though the
# last step deletes them.
FROM debian:bookworm-slim

ARG TCC_VERSION=0.9.27

RUN apt-get update && \
    apt-get install -y --no-install-recommends ca-certificates curl gcc libc6-dev make && \
    rm -rf /var/lib/apt/lists/*

WORKDIR /usr/src
RUN curl -fsSLO https://download.savannah.gnu.org/releases/tinycc/tcc-${TCC_VERSION}.tar.bz2 && \
    tar -xjf tcc-${TCC_VERSION}.tar.bz2 && \
    ( cd tcc-${TCC_VERSION} && ./configure --prefix=/usr/local ) && \
    ( cd tcc-${TCC_VERSION} && make ) && \
    ( cd tcc-${TCC_VERSION} && make install ) && \
    rm -rf /usr/src/tcc-${TCC_VERSION} /usr/src/tcc-${TCC_VERSION}.tar.bz2

WORKDIR /
CMD ["tcc", "-v"]

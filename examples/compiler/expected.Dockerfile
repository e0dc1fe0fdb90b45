# greet: a small C program built the autoconf way, with a configure script
# and an out-of-tree build directory.
#
# The final stage copies the whole build tree from the builder, runs
# `make install`, then deletes the tree. The delete does not shrink the
# image: the tree is already in the layer that the COPY made.
FROM gcc:14 AS build
WORKDIR /src/greet
COPY . .
RUN mkdir build && cd build && ../configure --prefix=/usr/local && make

FROM debian:bookworm-slim AS greet-base
RUN apt-get update \
    && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /temp-dir

FROM greet-base AS greet-install
COPY --from=build /src/greet /temp-dir
WORKDIR /temp-dir/build
RUN make install DESTDIR=/opt/greet-install

FROM greet-base
COPY --from=greet-install /opt/greet-install/ /
RUN rm -rf /temp-dir
CMD ["greet"]

# The standalone connector as a container (README "Standalone server"). Multi-stage: build in the official Swift
# image (Debian 12, the CI's system), run on debian:bookworm-slim with only libcurl, libcrypto and CA certificates.
# `--static-swift-stdlib` links the Swift runtime into the binary, so the runtime stage needs no Swift.
# No Docker engine runs on the project's machines: scripts/check-standalone-image checks the binary's NEEDED
# libraries against this file's runtime packages (scripts/test runs it), the build itself is untested here.
FROM swift:6.3.1-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4-openssl-dev libssl-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN swift build -c release --product timestream-prometheus-connector --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/timestream-prometheus-connector" /out/timestream-prometheus-connector

FROM debian:bookworm-slim
# libstdc++6: the statically linked Swift runtime needs it (the slim image has it through apt; named, not assumed).
# tini as PID 1: forwards SIGTERM/SIGINT to the connector and reaps what a credential_process helper leaves behind
# (a process that is PID 1 itself inherits every orphan of the container and would keep them as zombies).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4 libssl3 zlib1g libstdc++6 ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin connector
COPY --from=build /out/timestream-prometheus-connector /usr/local/bin/timestream-prometheus-connector
USER 10001
EXPOSE 9201
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/timestream-prometheus-connector"]

# syntax=docker/dockerfile:1
# Multi-stage build: a static binary in a minimal, non-root image.
# Multi-arch: the build stage runs on the builder's own platform and
# cross-compiles for the target, so no emulation is needed:
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg VERSION=v0.1.0 -t REPO:0.1.0 --push .
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG TARGETOS=linux
ARG TARGETARCH
# VERSION is the release tag; without it the binary says devel.
ARG VERSION=devel
RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.version=${VERSION}" -o /out/simulator ./cmd/simulator \
 && mkdir -p /out/scenarios /out/tmp

FROM scratch
LABEL org.opencontainers.image.title="telecom provider simulator" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/simulator /simulator
# Mount your own scenarios here: -v ./my.yaml:/scenarios/my.yaml -e SIM_SCENARIO=/scenarios/my.yaml
COPY --from=build --chown=65532:65532 /out/scenarios /scenarios
COPY --from=build --chown=65532:65532 /out/tmp /tmp
USER 65532:65532
ENV SIM_ADDR=:8080 TMPDIR=/tmp
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=2s --retries=3 CMD ["/simulator", "healthcheck"]
ENTRYPOINT ["/simulator"]
CMD ["serve"]

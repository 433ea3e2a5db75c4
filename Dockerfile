# syntax=docker/dockerfile:1
# Multi-stage build: a static binary in a minimal, non-root image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/simulator ./cmd/simulator \
 && mkdir -p /out/scenarios /out/tmp

FROM scratch
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

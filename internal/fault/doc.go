// Package fault injects failures into provider requests: error statuses,
// latency, connection resets, malformed bodies, rate limiting and hangs,
// each rule scoped to a tenant, a provider and a route, and firing on a
// seeded schedule so a test run is reproducible.
//
// # Rule format
//
// A rule is one object, the same in a scenario file (YAML, under the
// top-level faults: list) and in the control API (JSON, POST /__sim/faults):
//
//	faults:
//	  - provider: call48             # required: the provider the rule applies to
//	    route: "POST /purchase"      # required: which requests (see Routes)
//	    status: 500                  # the action (see Actions)
//	    probability: 0.1             # optional: see Schedule
//	  - id: slow-cnams               # optional: assigned ("fault-1", "fault-2", ...) when absent
//	    tenant: ci-42                # optional: only this tenant
//	    provider: flowroute
//	    route: "GET /v2/cnams/*"
//	    match: {header: "X-Test-Case: slow", body: "ACME"}
//	    latency: {lognormal: {median: 200ms, sigma: 0.5}}
//	    until: "+10m"
//
// Keys are camelCase. An unknown key, a value of the wrong type or an invalid
// combination is reported as file:line:col: faults[i].field: message.
//
// # Routes
//
// route is "METHOD /path". The method may be left out or written "*" for any
// method; a GET rule also covers HEAD. The path may be written
//
//   - relative to the provider's base URL: "GET /cnams", "POST /purchase";
//   - with the real API's full path: "GET /v2/cnams", "POST /api/v4/purchase";
//   - as a route template: "GET /cnams/{id}" (any variable name matches);
//   - as a concrete path: "GET /v2/cnams/17" (only that record);
//   - as a glob: "*", "?" and "[a-z]" match within one segment
//     ("GET /v2/cnams/*"), "**" matches any number of segments
//     ("* /v2/**" is every request to the provider).
//
// Both the matched route template and the concrete request path are tried,
// each with and without the provider's base path. A trailing slash is
// ignored. The control API and validate reject a rule whose route matches
// none of the provider's routes.
//
// match narrows the rule further. header is "Name: substring" (a value of the
// header, whose name is case-insensitive, must contain the substring) or just
// "Name" (the header must be present). body is a substring of the raw request
// body. When both are given, both must match.
//
// # Actions
//
// Each rule has exactly one action:
//
//   - status: 503 answers with that status (100-599) and the provider's own
//     error body for it. With body: '...' the body is written verbatim
//     instead (Content-Type application/json when it parses as JSON);
//     body: "" gives an empty body.
//   - latency: 400ms delays the request, then lets it proceed normally. A
//     distribution draws each delay from the rule's seeded source:
//     {uniform: [100ms, 2s]} (uniform between min and max) or
//     {lognormal: {median: 200ms, sigma: 0.5}} (median times e^(sigma*N(0,1))).
//     Delays are capped at 5m. Latency uses the real wall clock, since it
//     simulates the network; if the client gives up during the delay, the
//     request is dropped without reaching the provider. Latency rules do not
//     stop the search: a later rule matching the same request still fires
//     after the delay, which is how to write a slow error (a latency rule
//     followed by a status rule).
//   - reset: true closes the TCP connection abruptly (SO_LINGER 0), so the
//     client sees "connection reset by peer" and no response. Over HTTP/2 the
//     stream is reset instead (RST_STREAM).
//   - malformed: true answers with a body cut short so it no longer parses as
//     JSON. The request does reach the provider (its state changes as it
//     would) and the real response is truncated, keeping its status unless
//     status: is given; with body: that text is truncated instead.
//   - retryAfter: 30s answers 429 with a Retry-After header in whole seconds
//     (rounded up) and the provider's 429 error body (or body:). status may
//     be given but must be 429.
//   - hang: true never answers: the request is held until the client
//     disconnects or times out, then the connection is dropped.
//
// # Schedule
//
// Rules are tried in order. Only requests matching a rule (tenant, provider,
// route, match) while it is active count as its matches.
//
//   - after: M skips the rule's first M matches.
//   - times: N lets the rule fire at most N times, then it stays listed but
//     inert.
//   - probability: p (0 to 1) fires each remaining match with chance p. The
//     draws come from a random source seeded by the scenario seed and the
//     rule's id, so the same scenario and the same requests give the same
//     faults on every run, whatever other rules see.
//   - until: "+10m" (after the clock start for a scenario rule, after the
//     tenant's current clock time for a rule posted to the control API) or an
//     RFC 3339 time ends the rule on the tenant clock; it is stored as an
//     absolute time.
//
// The first rule other than latency that fires decides the response; rules
// after it do not see the request. Each rule keeps counters (matches, fired,
// and draws, the position of its random stream), listed by the control API
// and carried in state export/import so an imported tenant continues the same
// sequence.
package fault

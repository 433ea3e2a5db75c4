// Package tmobile emulates T-Mobile Your Number Anywhere's required service
// APIs: a partner app links a subscriber's line through T-Mobile's login page
// (OAuth authorization code), exchanges the code for tokens, polls the line's
// registration, opens the e911 address page and unlinks.
//
// Sources: the "Required Service APIs" document and T-Mobile's public PoP token builders (npm tmo-poptoken-builder and its
// Java and .NET siblings) and validator notes.
//
// Routes (mounted at /tmobile; API calls also under /cpaas/v1):
//
//	GET  /account-mgmt/linkAccount              login page (client_id, redirect_uri, state[, client_secret])
//	POST /account-mgmt/linkAccount              the page's form: sign in, pick the line, or cancel
//	POST /account-mgmt/changeEmergencyAddress   e911 page (success-redirect-url[, failure-redirect-url], Authorization)
//	POST /oauth/token                           client Basic auth + PoP; authorization_code or refresh_token
//	GET  /account/status                        Bearer + PoP; 202 while processing, 200, 409 in conflict
//	DELETE /account/unlink                      Bearer + PoP; revokes the link's tokens
//
// PoP tokens (X-Authorization) are verified like T-Mobile's validator: RS256
// signature with the client's registered key, edts rebuilt from the actual
// request (uri = r.RequestURI as sent, so prefixes such as /t/acme/tmobile
// are part of it; the query may be signed decoded, as T-Mobile's builder
// guides instruct), v 1 or "1", iat/exp against the wall clock (clients
// sign with their own clock) with 10 s of skew and a 2 minute lifetime limit,
// jti single use. Access tokens, codes and registration run on the tenant's
// virtual clock.
//
// Deviations and choices (also in docs/tmobile.md):
//   - The document gives no reason codes; the simulator's are listed in errors.go.
//   - The document lists no 401; credential, token and PoP failures answer 403
//     (authFailureStatus: 401 switches them). Missing X-Authorization or
//     credentials is 400.
//   - PoP tokens must sign http-method and uri, and Authorization and body
//     whenever the request carries them (pop.required). Stricter than some
//     validators may be, never looser.
//   - Token parameters are read from the query (the document) or a form body.
//   - Refresh rotates the refresh token; a reused code revokes the tokens it
//     produced (RFC 6749 4.1.2). Refresh tokens last 30 days (unknown upstream).
//   - Unlink answers 200 with {} (the document gives no body).
//   - e911 failures redirect with error and error_description query
//     parameters; success redirects to the success URL unchanged.
//   - Status lists the lines the token's client linked for the subscriber.
//   - Access and refresh tokens are JWTs signed with a demo key shipped in the
//     package (issuer-key.pem); partners treat them as opaque.
package tmobile

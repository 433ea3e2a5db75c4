// Package flowroute emulates Flowroute API v2's CNAM records and the
// account's numbers (https://developer.flowroute.com/api/numbers/v2.0/).
//
// Routes: GET/POST /v2/cnams, GET/PATCH/DELETE /v2/cnams/{id}, GET
// /v2/numbers, GET /v2/numbers/{number}, PATCH
// /v2/numbers/{number}/relationships/cnams/{cnam_id} and DELETE
// /v2/numbers/{number}/relationships/cnams (both also in the singular /cnam
// spelling the official SDKs send). HTTP Basic with the account's access key
// and secret key; JSON:API bodies, with plain JSON and forms accepted for
// create and update.
//
// Bodies follow the published samples byte for byte: keys in sorted order,
// string ids in resources and an integer id in the association answer,
// timestamps like "2018-04-16 16:20:32.939166+00:00", list links echoing the
// query with Python's True/False, and every error in the envelope
// {"errors":[{"detail","id","status","title"}]} with a UUID id drawn from the
// tenant's seeded source.
//
// A new record is pending until the tenant clock reaches the scenario's
// approval delay (default 4h, at most 48h); then the published rules
// (15 characters, a letter, the allowed specials, no phone number, no word on
// the profanity list) approve or reject it. The control API's approve and
// reject levers decide a record at once.
//
// Deviations from the real API (also in docs/flowroute.md): rejection
// reasons are the simulator's own wording; approval is rule-based at a fixed
// delay instead of a human review; number resources carry only alias,
// cnam_lookups_enabled, number_type, rate_center, state and value and the
// cnam relationship; GET /v2/numbers pages 10 at a time by default.
package flowroute

// Package somos emulates the Somos TFN Identity REST API 1.0
// (https://tfnidentity.somos.com): CNAM information for toll-free numbers,
// users and roles, Cognito-style API tokens, bulk CSV provisioning through
// presigned URLs, exports, per-entity metrics and the audit trail.
//
// Source: the provider's published API document (TFN Identity REST API 1.0)
// and the Cognito AuthenticationResult shape. The
// full user guide, CSV format and list of deviations is docs/somos.md.
//
// Model. Users have a role (Admin: all entities; RespOrgAdmin and
// RespOrgUser: one entity, one Resp Org) and API refresh tokens.
// POST /public/apitoken exchanges a refresh token for an IdToken and an
// AccessToken (HS256 JWTs with a per-tenant secret, expiring on the tenant
// clock). Secure routes take the IdToken in Authorization, with or without
// "Bearer ". CNAM records are provisioned only for numbers that are WORKING
// or ASSIGNED in the TFNRegistry (read through the Registry interface) and
// owned by the caller's entity (first two characters of the Resp Org); a
// record's tfnrStatus, respOrgID and entityID follow the registry live.
// Each change sets partnerUpdateStatus to pending until the scenario's
// propagation delay passes on the clock, then success or failed.
//
// Deviations, in short (each is explained in docs/somos.md):
//   - error bodies: the API Gateway's {"message"} for 401s from the
//     authorizer, validation errors and engine errors; the service's
//     {"result":"error","message"} for the rest (the document shows none);
//   - a GET/PUT/DELETE of a TFN without a record answers 404 (401 when
//     the registry gives the number to another entity);
//   - dates are always epoch-millisecond numbers (the list sample shows
//     strings);
//   - a LastEvaluatedKey is absent on the last page, even when it is full;
//     Limit counts returned items (filters do not shrink pages);
//   - /metrics/list returns one summary per entity, not the CNAM items of
//     the document's sample (a copy-paste slip there);
//   - presigned URLs point at the simulator (PUT /uploads/{token},
//     GET /downloads/{token}), take one upload each, and check a signature;
//   - IdTokens stay valid until they expire after /users/resettokens (as
//     with Cognito and an API Gateway authorizer), but the refresh tokens
//     and the access tokens issued from them are revoked at once; a
//     disabled user's IdTokens are refused at once;
//   - role changes take effect on the next request, not the next token.
package somos

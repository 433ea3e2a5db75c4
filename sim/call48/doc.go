// Package call48 emulates the Call48 API v4 (https://apicontrol.call48.com/api/v4):
// login and SP admin login (HS512 JWTs on the tenant clock), number search
// with opaque loc/locData tokens, purchase against an account balance, bulk
// local purchase orders (Q -> P -> C/E with CSV reports), DIDs and their
// features (411, 911, fax, forwarding, CNAM), address verification, OD trunk
// groups, customers and their Porta settings, subscriptions, generated XDRs,
// and the twenty port-in endpoints with a sub-order lifecycle on the clock
// (submitted -> reviewed -> foc_received -> activated, or retry after a
// rejection).
//
// Source: the Call48 API v4 document and
// the provider's other public material. Every deviation and choice where the
// document is silent or contradicts itself is listed in docs/call48.md
// ("Deviations and choices"); the main ones: application errors answer HTTP
// 200 by default (scenario errorStatus: http for real statuses), the trunk
// group list is served at GET /trunkgrp/list, intl search accepts a country id
// or ISO code, and the fixtures are a representative subset of real rate
// centers and countries.
//
// Levers (store methods, also under /__sim/call48): AdvancePort,
// AdvanceBulk, SetBalance.
package call48

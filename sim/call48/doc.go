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
// Sources: the Call48 API v4 document, and what the live service answered
// an open-source client (somleng/somleng-integrations, late 2024), whose
// data files also give the live rate-center catalogue (fixtures/call48).
// Where the two disagree the live service wins and whatever of the document
// is compatible is kept; docs/call48.md lists every conflict ("Document vs
// live service") and every choice where both are silent ("Deviations and
// choices"). The main ones: application errors answer HTTP 200 with the
// code in the body, every answer carries code and error, search rows are
// the live rows (10-digit numbers, per-row prices) with loc/locData null
// unless the scenario sets searchTokens, and purchase takes npa/nxx/xxxx
// alone. Local numbers are a pure function of the seed and the catalogue
// (stock.go), so tenants share them and record only what they sold.
//
// Levers (store methods, also under /__sim/call48): AdvancePort,
// AdvanceBulk, SetBalance.
package call48

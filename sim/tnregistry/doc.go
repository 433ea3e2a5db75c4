// Package tnregistry emulates the Somos TFNRegistry: the toll-free number
// registry (each number's status and controlling Resp Org), customer records
// (CR, PR pointing at TR) and the registry's outbound unsolicited messages
// (UNS-SNA to carriers' subscriptions, UNS-RCH on Resp Org changes).
//
// Sources: the Somos "UNS-SNA unsolicited message" chapter of the TFNRegistry
// API documentation and the registry's other public material.
// docs/tnregistry.md is the user-facing page and lists every field choice and
// deviation.
//
// The provider has no public REST routes: it is driven by control routes
// under /__sim/tnregistry/ and talks to users through callbacks delivered by
// internal/webhook. Other providers read the registry through State.Lookup.
package tnregistry

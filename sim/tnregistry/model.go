package tnregistry

import (
	"fmt"
	"strings"
	"time"
)

// Number statuses of the TFNRegistry.
const (
	StatusSpare        = "SPARE"
	StatusReserved     = "RESERVED"
	StatusAssigned     = "ASSIGNED"
	StatusWorking      = "WORKING"
	StatusDisconnect   = "DISCONNECT"
	StatusTransitional = "TRANSITIONAL"
	StatusUnavailable  = "UNAVAILABLE"
)

// Statuses lists every number status, in the registry's lifecycle order.
var Statuses = []string{StatusSpare, StatusReserved, StatusAssigned, StatusWorking, StatusDisconnect, StatusTransitional, StatusUnavailable}

// TollFreeNPAs are the open toll-free area codes.
var TollFreeNPAs = []string{"800", "833", "844", "855", "866", "877", "888"}

// Number is one toll-free number in the registry.
type Number struct {
	TFN     string `json:"tfn"`
	Status  string `json:"status"`
	RespOrg string `json:"respOrg,omitempty"`
	Entity  string `json:"entity,omitempty"`
	// LastActDt is the clock time of the number's last status or Resp Org change.
	LastActDt time.Time `json:"lastActDt"`
}

// normStatus upper-cases and checks a status.
func normStatus(s string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	for _, st := range Statuses {
		if st == u {
			return u, nil
		}
	}
	return "", fmt.Errorf("unknown status %q (want one of %s)", s, strings.Join(Statuses, ", "))
}

// statusNeedsRespOrg reports whether a number in status s must have a
// controlling Resp Org. SPARE and UNAVAILABLE numbers may keep the Resp Org
// that last held them, or none.
func statusNeedsRespOrg(s string) bool {
	return s != StatusSpare && s != StatusUnavailable
}

// normTFN reduces a toll-free number to its 10 digits. It accepts
// "8339900238", "833-990-0238", "(833) 990-0238", "+18339900238" and
// "18339900238", and requires an open 8xx NPA.
func normTFN(s string) (string, error) {
	if allDigits(s) { // already bare digits (most lookups): no copy
		return checkTFN(s, s)
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '-' || r == ' ' || r == '(' || r == ')' || r == '+' || r == '.':
		default:
			return "", fmt.Errorf("invalid toll-free number %q: only digits expected", s)
		}
	}
	return checkTFN(s, b.String())
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkTFN checks the digits d of the number written s.
func checkTFN(s, d string) (string, error) {
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	if len(d) != 10 {
		return "", fmt.Errorf("invalid toll-free number %q: want 10 digits", s)
	}
	if !isTollFreeNPA(d[:3]) {
		return "", fmt.Errorf("invalid toll-free number %q: NPA %s is not a toll-free code (%s)", s, d[:3], strings.Join(TollFreeNPAs, ", "))
	}
	if d[3] == '0' || d[3] == '1' {
		return "", fmt.Errorf("invalid toll-free number %q: NXX cannot start with 0 or 1", s)
	}
	return d, nil
}

func isTollFreeNPA(npa string) bool {
	for _, n := range TollFreeNPAs {
		if n == npa {
			return true
		}
	}
	return false
}

// normRespOrg checks a Resp Org id: 5 alphanumerics, upper-cased; its first
// two characters are the entity.
func normRespOrg(s string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if len(u) != 5 {
		return "", fmt.Errorf("invalid Resp Org id %q: want 5 alphanumeric characters", s)
	}
	for _, r := range u {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "", fmt.Errorf("invalid Resp Org id %q: want 5 alphanumeric characters", s)
		}
	}
	return u, nil
}

// entityOf is the entity of a Resp Org id (its first two characters).
func entityOf(respOrg string) string {
	if len(respOrg) < 2 {
		return ""
	}
	return respOrg[:2]
}

// dashedTFN formats 10 digits as xxx-nxx-xxxx.
func dashedTFN(d string) string {
	if len(d) != 10 {
		return d
	}
	return d[:3] + "-" + d[3:6] + "-" + d[6:]
}

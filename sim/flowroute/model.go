package flowroute

import (
	"time"
)

// CNAM is one caller-ID record on an account.
type CNAM struct {
	ID       int64      `json:"id"`
	Account  string     `json:"account"`
	Value    string     `json:"value"`
	Created  time.Time  `json:"created"`
	Approved *time.Time `json:"approved,omitempty"`
	// Rejection is set when the record was rejected.
	Rejection *string `json:"rejection,omitempty"`
	// DecideAt is when a pending record is approved or rejected.
	DecideAt time.Time `json:"decideAt"`
}

// Status of a CNAM record.
const (
	StatusPending  = "pending"
	StatusApproved = "approved"
	StatusRejected = "rejected"
)

// Status reports where the record is in its approval workflow.
func (c *CNAM) Status() string {
	switch {
	case c.Approved != nil:
		return StatusApproved
	case c.Rejection != nil:
		return StatusRejected
	}
	return StatusPending
}

// Number is a phone number owned by an account.
type Number struct {
	Value      string    `json:"value"` // E.164 without '+': 12065550100
	Account    string    `json:"account"`
	Alias      string    `json:"alias,omitempty"`
	RateCenter string    `json:"rateCenter"`
	State      string    `json:"state"`
	NumberType string    `json:"numberType"` // standard | tollfree
	CNAM       int64     `json:"cnam,omitempty"`
	CNAMSince  time.Time `json:"cnamSince,omitempty"`
}

// Account is a Flowroute account reached with one access/secret key pair.
type Account struct {
	Name      string `json:"name"`
	AccessKey string `json:"accessKey"`
	SecretKey string `json:"secretKey"`
}

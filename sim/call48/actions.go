package call48

import (
	"fmt"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

// Actions implements provider.Actor: the control levers, schedulable as
// scenario events.
func (p *Provider) Actions() map[string]string {
	return map[string]string{
		"advance-port":       "move a port-in one step, or to a status: {port_req_id, status?, reason?}",
		"advance-bulk-order": "move a bulk purchase order one step: {bulk_order_id}",
		"set-balance":        "set an account's balance: {username, balance}",
	}
}

// Action implements provider.Actor.
func (p *Provider) Action(name string, args scenario.Section) (func(tenant.State) error, error) {
	switch name {
	case "advance-port":
		var a struct {
			PortReqID int    `yaml:"port_req_id"`
			Status    string `yaml:"status"`
			Reason    string `yaml:"reason"`
		}
		if err := args.Decode(&a); err != nil {
			return nil, err
		}
		switch {
		case a.PortReqID <= 0:
			return nil, scenario.Problems{args.At("port_req_id", "required: the port request id")}
		}
		switch a.Status {
		case "", PortReviewed, PortFOC, PortActivated, PortRetry, PortCancelled, PortSubmitted:
		default:
			return nil, scenario.Problems{args.At("status", fmt.Sprintf("unknown status %q (want reviewed, foc_received, activated, retry, cancelled or submitted)", a.Status))}
		}
		return provider.OnState(func(s *Store) error {
			_, err := s.AdvancePort(a.PortReqID, a.Status, a.Reason)
			return err
		}), nil
	case "advance-bulk-order":
		var a struct {
			BulkOrderID int `yaml:"bulk_order_id"`
		}
		if err := args.Decode(&a); err != nil {
			return nil, err
		}
		if a.BulkOrderID <= 0 {
			return nil, scenario.Problems{args.At("bulk_order_id", "required: the bulk order id")}
		}
		return provider.OnState(func(s *Store) error {
			_, err := s.AdvanceBulk(a.BulkOrderID)
			return err
		}), nil
	case "set-balance":
		var a struct {
			Username string `yaml:"username"`
			Balance  string `yaml:"balance"`
		}
		if err := args.Decode(&a); err != nil {
			return nil, err
		}
		m, err := ParseMoney(a.Balance)
		if err != nil {
			return nil, scenario.Problems{args.At("balance", "want a decimal amount such as 100.00")}
		}
		if a.Username == "" {
			return nil, scenario.Problems{args.At("username", "required")}
		}
		return provider.OnState(func(s *Store) error { return s.SetBalance(a.Username, m) }), nil
	}
	return nil, fmt.Errorf("unknown action %q", name)
}

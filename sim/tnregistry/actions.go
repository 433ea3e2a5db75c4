package tnregistry

import (
	"fmt"
	"strings"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

// Actions implements provider.Actor: the registry changes a scenario's
// events: list can schedule.
func (p *Provider) Actions() map[string]string {
	return map[string]string{
		"change":     "apply a customer record change now, as POST /__sim/tnregistry/records/{tfn}/changes: {tfn, change, cic, respOrg, lata, effDtTm, apprReq, routing, disconnect, referral, endInterceptDt, notes, svcOrderNum}",
		"set-number": "create or update a registry number now: {tfn, status, respOrg}",
		"reserve":    "reserve SPARE/TRANSITIONAL numbers for a Resp Org now (UNS-RSV): {respOrg, tfns}",
		"approval":   "a carrier answers the record's approval request now (UNS-ACT): {tfn, cic, decision: approve|deny, reason}",
		"scp-resend": "a Resp Org asks for an SCP resend/audit of a record (UNS-SCP): {tfn, respOrg}",
		"set-limits": "change a Resp Org's automation limits (UNS-ASL): {respOrg, mnqLimit, mspLimit, mndLimit, mroLimit, mcpLimit}",
	}
}

// changeArgs are the arguments of a change event: the number and the same
// body as the control route.
type changeArgs struct {
	TFN           string `yaml:"tfn"`
	ChangeRequest `yaml:",inline"`
}

// numberArgs are the arguments of a set-number event.
type numberArgs struct {
	TFN     string  `yaml:"tfn"`
	Status  *string `yaml:"status"`
	RespOrg *string `yaml:"respOrg"`
}

// Action implements provider.Actor. Arguments are checked when the scenario
// loads; whether the change applies to the record as it is then (a CIC to
// delete that is not there, a record that does not exist) is only known
// when the event runs, and a refusal marks the event failed.
func (p *Provider) Action(name string, args scenario.Section) (func(tenant.State) error, error) {
	switch name {
	case "change":
		var a changeArgs
		if err := args.Decode(&a); err != nil {
			return nil, err
		}
		var ps scenario.Problems
		tfn, err := normTFN(a.TFN)
		if err != nil {
			ps = append(ps, args.At("tfn", requiredOr(a.TFN, "the toll-free number whose record changes", err)))
		}
		if a.Change == "" {
			ps = append(ps, args.At("change", "required: one of "+joinKinds()))
		} else if fe := checkChange(a.ChangeRequest); fe != nil {
			ps = append(ps, args.At(fe.field, fe.msg))
		}
		if err := ps.Err(); err != nil {
			return nil, err
		}
		req := a.ChangeRequest
		return provider.OnState(func(s *State) error {
			_, err := s.ApplyChange(tfn, req)
			return err
		}), nil
	case "set-number":
		var a numberArgs
		if err := args.Decode(&a); err != nil {
			return nil, err
		}
		var ps scenario.Problems
		tfn, err := normTFN(a.TFN)
		if err != nil {
			ps = append(ps, args.At("tfn", requiredOr(a.TFN, "the toll-free number", err)))
		}
		if a.Status == nil && a.RespOrg == nil {
			ps = append(ps, args.At("status", "give status, respOrg or both"))
		}
		if a.Status != nil {
			st, err := normStatus(*a.Status)
			if err != nil {
				ps = append(ps, args.At("status", err.Error()))
			} else if a.RespOrg != nil && *a.RespOrg == "" && statusNeedsRespOrg(st) {
				ps = append(ps, args.At("respOrg", fmt.Sprintf("a %s number needs a controlling Resp Org", st)))
			}
		}
		if a.RespOrg != nil && *a.RespOrg != "" {
			if _, err := normRespOrg(*a.RespOrg); err != nil {
				ps = append(ps, args.At("respOrg", err.Error()))
			}
		}
		if err := ps.Err(); err != nil {
			return nil, err
		}
		in := NumberInput{TFN: tfn, Status: a.Status, RespOrg: a.RespOrg}
		return provider.OnState(func(s *State) error {
			_, _, err := s.PutNumber(in)
			return err
		}), nil
	case "reserve":
		var a ReserveRequest
		if err := args.Decode(&a); err != nil {
			return nil, err
		}
		if _, err := normRespOrg(a.RespOrg); err != nil {
			return nil, scenario.Problems{args.At("respOrg", requiredOr(a.RespOrg, "the Resp Org that reserves", err))}
		}
		if len(a.TFNs) == 0 {
			return nil, scenario.Problems{args.At("tfns", "required: the numbers to reserve")}
		}
		for i, t := range a.TFNs {
			if _, err := normTFN(t); err != nil {
				return nil, scenario.Problems{args.At(fmt.Sprintf("tfns[%d]", i), err.Error())}
			}
		}
		return provider.OnState(func(s *State) error {
			_, _, err := s.Reserve(a)
			return err
		}), nil
	case "approval":
		var a struct {
			TFN            string `yaml:"tfn"`
			ApprovalAnswer `yaml:",inline"`
		}
		if err := args.Decode(&a); err != nil {
			return nil, err
		}
		if _, err := normTFN(a.TFN); err != nil {
			return nil, scenario.Problems{args.At("tfn", requiredOr(a.TFN, "the number whose record is answered", err))}
		}
		if _, err := normCIC(a.CIC); err != nil {
			return nil, scenario.Problems{args.At("cic", requiredOr(a.CIC, "the carrier that answers", err))}
		}
		if a.Decision != "approve" && a.Decision != "deny" {
			return nil, scenario.Problems{args.At("decision", `want "approve" or "deny"`)}
		}
		return provider.OnState(func(s *State) error {
			_, err := s.Answer(a.TFN, a.ApprovalAnswer)
			return err
		}), nil
	case "scp-resend":
		var a struct {
			TFN        string `yaml:"tfn"`
			SCPRequest `yaml:",inline"`
		}
		if err := args.Decode(&a); err != nil {
			return nil, err
		}
		if _, err := normTFN(a.TFN); err != nil {
			return nil, scenario.Problems{args.At("tfn", requiredOr(a.TFN, "the number whose record is resent", err))}
		}
		return provider.OnState(func(s *State) error {
			_, err := s.SCPResend(a.TFN, a.SCPRequest)
			return err
		}), nil
	case "set-limits":
		var a LimitsRequest
		if err := args.Decode(&a); err != nil {
			return nil, err
		}
		if _, err := normRespOrg(a.RespOrg); err != nil {
			return nil, scenario.Problems{args.At("respOrg", requiredOr(a.RespOrg, "the Resp Org whose limits change", err))}
		}
		if err := a.AutomationLimits.check(); err != nil {
			return nil, scenario.Problems{args.At("", err.Error())}
		}
		return provider.OnState(func(s *State) error {
			_, _, err := s.SetLimits(a)
			return err
		}), nil
	}
	return nil, scenario.Problems{args.At("", "unknown tnregistry action "+name)}
}

func requiredOr(v, what string, err error) string {
	if v == "" {
		return "required: " + what
	}
	return err.Error()
}

func joinKinds() string { return strings.Join(changeKinds, ", ") }

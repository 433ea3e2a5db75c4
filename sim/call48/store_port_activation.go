package call48

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// focDay is the FOC date of a time: a date, midnight US Eastern, which the
// API prints as in desired_foc_date's sample ("2022-03-02T05:00:00.000Z").
func focDay(t time.Time) time.Time {
	e := t.In(eastern)
	return time.Date(e.Year(), e.Month(), e.Day(), 0, 0, 0, 0, eastern).UTC()
}

// onFOCDay is when an Auto number activates: on the FOC date, at the time
// of day the request asked for (Eastern), or at the start of the day when it
// asked for none.
func onFOCDay(foc, requested time.Time) time.Time {
	if requested.IsZero() {
		return foc
	}
	f, r := foc.In(eastern), requested.In(eastern)
	return time.Date(f.Year(), f.Month(), f.Day(), r.Hour(), r.Minute(), r.Second(), 0, eastern).UTC()
}

// portAnsweringModes are submit-port-details' answering modes as
// update_forwarding's numbers (0 Reject ... 7 Ring, Forward, Voicemail).
var portAnsweringModes = map[string]int{"REJ": 0, "RO": 1, "FO": 2, "RTF": 3, "VO": 4, "RTV": 5, "FV": 6, "RFV": 7}

// portOrders are submit-port-details' forwarding orders as update_forwarding's sequences.
var portOrders = map[string]string{"ALS": "Order", "SIML": "Simultaneous", "RND": "Random"}

// applyPortForwarding gives a ported number the routing its port request
// carried: the trunk group, the forwarding steps in their sequence, the
// answering mode and order; a preconfigured request routes to what the
// account has set up.
func applyPortForwarding(d *DID, pr *PortRequest) {
	fw := d.Fwd
	if pr.FwdTrunkGrpID != nil {
		v := *pr.FwdTrunkGrpID
		fw.FwdTrunkGrpID = &v
	}
	steps := append([]PortForwarding(nil), pr.Forwardings...)
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].Sequence < steps[j].Sequence })
	methods := [3]*string{&fw.Method1, &fw.Method2, &fw.Method3}
	numbers := [3]*string{&fw.Number1, &fw.Number2, &fw.Number3}
	sips := [3]*string{&fw.Sip1, &fw.Sip2, &fw.Sip3}
	timeouts := [3]*string{&fw.Timeout1, &fw.Timeout2, &fw.Timeout3}
	for i, st := range steps {
		if i == 3 {
			break
		}
		// the port's methods (NUM, SIP, TRUNK) are update_forwarding's
		// simple, ip and trunk
		switch strings.ToUpper(strings.TrimSpace(st.Method)) {
		case "SIP":
			*methods[i], *sips[i] = "ip", st.Value
		case "TRUNK":
			*methods[i], fw.Username = "trunk", st.Value
		default:
			*methods[i], *numbers[i] = "simple", st.Value
		}
		if st.Timeout > 0 {
			*timeouts[i] = strconv.Itoa(st.Timeout)
		}
	}
	if n, known := portAnsweringModes[pr.FwdAnswerMode]; known {
		fw.AnsweringMode = n
	}
	if seq, known := portOrders[pr.FwdOrder]; known {
		fw.Sequence = seq
	}
	if pr.FwdSipType == "11" || pr.FwdSipType == "10" {
		fw.SipDigits = pr.FwdSipType
	}
	if pr.FwdDevicePass != nil && *pr.FwdDevicePass != "" {
		fw.Password = *pr.FwdDevicePass
	}
	if pr.FwdPreconf {
		fw.Method1 = "preconfigured"
	}
	d.Fwd = fw
}

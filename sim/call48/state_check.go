package call48

import (
	"strconv"

	"github.com/telecomsim/simulator/internal/tenant"
)

// check finds what in an imported state would not hold together: records
// that name an account, a port request or a DID that is not there, and
// statuses the simulator does not know. Nothing of a state with problems is
// imported (a port proposal without its request once crashed a timer).
func (d *data) check() tenant.Problems {
	var ps tenant.Problems
	account := func(path string, id int) {
		if _, ok := d.Accounts[id]; !ok {
			ps.Add(path+".accountId", "account %d does not exist", id)
		}
	}
	for _, id := range sortedKeys(d.DIDs) {
		x := d.DIDs[id]
		if x == nil {
			ps.Add("dids."+strconv.Itoa(id), "null")
			continue
		}
		account("dids."+strconv.Itoa(id), x.AccountID)
	}
	for _, id := range sortedKeys(d.Cnams) {
		if x := d.Cnams[id]; x == nil {
			ps.Add("cnams."+strconv.Itoa(id), "null")
		} else if _, ok := d.DIDs[x.DIDID]; !ok {
			ps.Add("cnams."+strconv.Itoa(id)+".didId", "DID %d does not exist", x.DIDID)
		}
	}
	for _, id := range sortedKeys(d.Trunks) {
		if x := d.Trunks[id]; x == nil {
			ps.Add("trunks."+strconv.Itoa(id), "null")
		} else {
			account("trunks."+strconv.Itoa(id), x.AccountID)
		}
	}
	for _, id := range sortedKeys(d.Bulk) {
		x := d.Bulk[id]
		if x == nil {
			ps.Add("bulkOrders."+strconv.Itoa(id), "null")
			continue
		}
		account("bulkOrders."+strconv.Itoa(id), x.AccountID)
		switch x.Status {
		case BulkQueued, BulkProcessing, BulkComplete, BulkError:
		default:
			ps.Add("bulkOrders."+strconv.Itoa(id)+".status", "unknown status %q (want Q, P, C or E)", x.Status)
		}
	}
	for _, id := range sortedKeys(d.Ports) {
		if x := d.Ports[id]; x == nil {
			ps.Add("ports."+strconv.Itoa(id), "null")
		} else {
			account("ports."+strconv.Itoa(id), x.AccountID)
		}
	}
	for _, id := range sortedKeys(d.Proposals) {
		x := d.Proposals[id]
		path := "proposals." + strconv.Itoa(id)
		if x == nil {
			ps.Add(path, "null")
			continue
		}
		if _, ok := d.Ports[x.PortReqID]; !ok {
			ps.Add(path+".portReqId", "port request %d does not exist", x.PortReqID)
		}
		if !knownPortStatus(x.Status) {
			ps.Add(path+".status", "unknown status %q", x.Status)
		}
		for i, pd := range x.DIDs {
			if !knownPortStatus(pd.Status) {
				ps.Add(path+".dids["+strconv.Itoa(i)+"].status", "unknown status %q", pd.Status)
			}
		}
	}
	return ps
}

func knownPortStatus(s string) bool {
	switch s {
	case PortSubmitted, PortReviewed, PortFOC, PortActivated, PortRetry, PortCancelled:
		return true
	}
	return false
}

package call48

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// xdrJSON renders one leg of a call in the document's keys. The fields the
// sample shows as per-call (conference ids, setup time, rate and
// destination ids) come from the call's own hash; the description and
// destination describe the other party (the caller of an inbound call).
func xdrJSON(x XDR) obj {
	const ts = "2006-01-02 15:04:05"
	own := "1" + x.Number
	if x.Kind == KindIntl {
		own = x.Number
	}
	cli, cld := x.Other, own
	if x.Outbound {
		cli, cld = own, x.Other
	}
	desc, dest := "United States", x.Other[:4]
	if rc := fx.firstInNPA(x.Other[1:4]); rc != nil {
		if st, found := fx.state(rc.State()); found {
			desc = st.StateName
		}
	}
	disc := x.Connect.Add(time.Duration(x.Duration) * time.Second)
	h := x.Hash
	conf := func(k uint64) string {
		v := h*k + k
		return fmt.Sprintf("%08X %08X %08X %08X", uint32(v), uint32(v>>32), uint32(v*31), uint32(v*131>>16))
	}
	billed := (x.Duration + 5) / 6 * 6
	charged := math.Round(float64(billed)*0.0139/60*1e5) / 1e5
	history, flags, iDest, iRate, iso, country := "+"+strconv.Itoa(billed/6)+"x6@0.0139", 8, 116000+int(h%900), 184000000+int(h>>8%900000), "USA", "United States of America"
	setup := 100 + int(h>>24%300)
	if x.OnNet {
		billed, charged, history, flags = x.Duration, 0, "+"+strconv.Itoa(x.Duration)+"x1@0.0", 12
		iDest, iRate, iso, country, desc, dest = 476312, 272000000+int(h>>12%900000), "---", "", "ON-NET CALLING", "VOICEONNETR"
		setup--
	}
	callID := fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", uint32(h), uint16(h>>32), uint16(h>>48), uint16(h>>16), h>>8&0xffffffffffff)
	row := o("destination", dest, "i_dest", iDest, "CLD", cld, "i_xdr", x.ID, "i_account", x.Account,
		"connect_time", x.Connect.Format(ts), "charged_amount", charged, "bit_flags", flags, "unix_connect_time", x.Connect.Unix(),
		"history", history, "xdr_type", "account", "bill_status", "O", "call_id", callID,
		"service", "Voice Calls", "description", desc, "account_id", own)
	if x.OnNet {
		row = append(row, kv{K: "h323_incoming_conf_id", V: conf(7)})
	}
	return append(row, o("aux_xdrs", []obj{o("value", "0", "xdr_time", disc.Format(ts), "xdr_column_id", "media_duration")},
		"setup_time", setup, "h323_conf_id", conf(map[bool]uint64{false: 7, true: 13}[x.OnNet]), "disconnect_time", disc.Format(ts), "disconnect_reason", "Normal call clearing",
		"i_service", 3, "subdivision", "", "iso_3166_1_a3", iso, "CLI", cli, "bill_time", x.Connect.Format(ts), "i_rate", iRate, "is_split", "0",
		"country", country, "unix_disconnect_time", disc.Unix(), "charged_quantity", billed, "disconnect_cause", "16",
		"i_customer", x.CustomerID, "formatted_bill_time", time.Time{}.Add(time.Duration(x.Duration)*time.Second).Format("15:04:05"))...)
}

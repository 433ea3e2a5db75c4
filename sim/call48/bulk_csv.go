package call48

import (
	"bytes"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// bulkColumns are the criteria columns of each order type, in the order
// a file without a header gives them; the quantity comes last.
var bulkColumns = map[string][]string{
	"state":       {"state"},
	"npa":         {"npa"},
	"lata":        {"lata"},
	"rate_center": {"state", "rate_center"},
}

// bulkHeader names a header cell's column ("" for one the order ignores).
func bulkHeader(cell string) string {
	switch strings.ToLower(strings.Join(strings.Fields(strings.NewReplacer("_", " ", "-", " ").Replace(cell)), " ")) {
	case "state", "state code", "search state":
		return "state"
	case "npa", "area code", "search npa":
		return "npa"
	case "lata", "search lata":
		return "lata"
	case "rate center", "ratecenter", "rc", "search rate center":
		return "rate_center"
	case "quantity", "qty", "requested quantity":
		return "quantity"
	}
	return ""
}

// parseBulkCSV reads the search criteria of an order, one line each: the
// order type's criteria and a quantity. With a header line the columns are
// found by name, in any order (other columns are ignored); without one they
// are positional ("state,quantity"; "npa,quantity"; "lata,quantity";
// "state,rate_center,quantity").
func parseBulkCSV(orderType string, raw []byte) ([]BulkLine, error) {
	r := csv.NewReader(bytes.NewReader(raw))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	need := append(append([]string{}, bulkColumns[orderType]...), "quantity")
	col := map[string]int{}
	for i, name := range need {
		col[name] = i
	}
	var lines []BulkLine
	for n := 1; ; n++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errf(400, "Invalid CSV file: %v", err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if n == 1 && isBulkHeader(rec) {
			col = map[string]int{}
			for i, cell := range rec {
				if name := bulkHeader(cell); name != "" {
					if _, dup := col[name]; !dup {
						col[name] = i
					}
				}
			}
			for _, name := range need {
				if _, found := col[name]; !found {
					return nil, errf(400, "Invalid CSV file: the header has no %s column, which order type %s needs", name, orderType)
				}
			}
			continue
		}
		cell := func(name string) (string, error) {
			i := col[name]
			if i >= len(rec) {
				return "", errf(400, "Invalid CSV file: line %d needs %d columns for order type %s", n, len(need), orderType)
			}
			return strings.TrimSpace(rec[i]), nil
		}
		qs, err := cell("quantity")
		if err != nil {
			return nil, err
		}
		q, err := strconv.Atoi(qs)
		if err != nil {
			return nil, errf(400, "Invalid CSV file: line %d: quantity %q is not a number", n, qs)
		}
		if q < 1 || q > 1000 {
			return nil, errf(400, "Invalid CSV file: line %d: quantity must be 1 to 1000", n)
		}
		l := BulkLine{Quantity: q, Numbers: []string{}}
		v, err := cell(need[0])
		if err != nil {
			return nil, err
		}
		v = strings.ToUpper(v)
		switch orderType {
		case "state", "rate_center":
			if _, ok := fx.state(v); !ok {
				return nil, errf(400, "Invalid CSV file: line %d: unknown state %q", n, v)
			}
			l.State = v
			if orderType == "rate_center" {
				name, err := cell("rate_center")
				if err != nil {
					return nil, err
				}
				rc, ok := fx.rateCenter(v, name)
				if !ok {
					return nil, errf(400, "Invalid CSV file: line %d: unknown rate center %q in %s", n, name, v)
				}
				l.RateCenter = rc.Name()
			}
		case "npa":
			if len(v) != 3 || !isDigits(v) {
				return nil, errf(400, "Invalid CSV file: line %d: npa must be 3 digits", n)
			}
			l.NPA = v
		case "lata":
			if !isDigits(v) {
				return nil, errf(400, "Invalid CSV file: line %d: lata must be a number", n)
			}
			l.LATA = v
		}
		lines = append(lines, l)
		if len(lines) > 200 {
			return nil, errf(400, "Invalid CSV file: at most 200 lines")
		}
	}
	if len(lines) == 0 {
		return nil, errf(400, "Invalid CSV file: no search criteria")
	}
	return lines, nil
}

// isBulkHeader reports whether a first line names columns rather than
// giving a criterion.
func isBulkHeader(rec []string) bool {
	for _, c := range rec {
		if bulkHeader(c) != "" {
			return true
		}
	}
	return false
}

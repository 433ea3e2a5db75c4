package call48

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBulkCSVColumnsByHeaderName(t *testing.T) {
	cases := []struct {
		name, typ, csv string
		want           []BulkLine
		err            string
	}{
		{"positional", "state", "GA,3\nAK,2\n", []BulkLine{{State: "GA", Quantity: 3}, {State: "AK", Quantity: 2}}, ""},
		{"header in order", "state", "state,quantity\nGA,3\n", []BulkLine{{State: "GA", Quantity: 3}}, ""},
		{"header reversed", "state", "Quantity,State\n3,GA\n", []BulkLine{{State: "GA", Quantity: 3}}, ""},
		{"rate center, any order, extra column", "rate_center", "qty,notes,Rate Center,state\n2,x,nwyrcyzn01,NY\n",
			[]BulkLine{{State: "NY", RateCenter: "NWYRCYZN01", Quantity: 2}}, ""},
		{"rate center by footprint id", "rate_center", "state,rate_center,quantity\nNY,10055,1\n", []BulkLine{{State: "NY", RateCenter: "NWYRCYZN01", Quantity: 1}}, ""},
		{"npa header", "npa", "quantity,npa\n4,706\n", []BulkLine{{NPA: "706", Quantity: 4}}, ""},
		{"header lacks a column", "rate_center", "state,quantity\nNY,1\n", nil, "no rate_center column"},
		{"unknown rate center", "rate_center", "NY,NOWHERE,1\n", nil, "unknown rate center"},
		{"header-less non-number", "state", "GA,many\n", nil, "not a number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseBulkCSV(tc.typ, []byte(tc.csv))
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			for i := range tc.want {
				tc.want[i].Numbers = []string{}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

package tnregistry

import (
	"fmt"

	"github.com/telecomsim/simulator/internal/tenant"
)

// check finds what in an imported state would not hold together: a customer
// record of a number the registry does not hold, a pointer record whose
// template is not there.
func (snap *snapshot) check() tenant.Problems {
	var ps tenant.Problems
	numbers := map[string]bool{}
	for _, n := range snap.Numbers {
		numbers[n.TFN] = true
	}
	templates := map[string]bool{}
	for _, t := range snap.Templates {
		templates[t.TmplName] = true
	}
	for i, r := range snap.Records {
		if !numbers[r.TFN] {
			ps.Add(fmt.Sprintf("records[%d].tfn", i), "number %s is not in the registry", r.TFN)
		}
		if r.TmplName != "" && !templates[r.TmplName] {
			ps.Add(fmt.Sprintf("records[%d].tmplName", i), "template %s does not exist", r.TmplName)
		}
	}
	return ps
}

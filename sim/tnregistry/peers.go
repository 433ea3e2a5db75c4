package tnregistry

import (
	"slices"
	"strings"
)

// What other providers' scenario sections may ask of this one when a
// scenario is checked (see provider.CrossChecker).

// NumberCount is how many numbers the section puts in the registry.
func (c *config) NumberCount() int { return len(c.numbers) }

// HasNumber reports whether the section puts tfn in the registry. It is
// asked once per number another section names, so it searches the sorted
// c.numbers rather than scanning it.
func (c *config) HasNumber(tfn string) bool {
	tfn, err := normTFN(tfn)
	if err != nil {
		return false
	}
	_, found := slices.BinarySearchFunc(c.numbers, tfn, func(n Number, tfn string) int { return strings.Compare(n.TFN, tfn) })
	return found
}

// KnowsRespOrg reports whether the Resp Org controls a number or a record in
// the section.
func (c *config) KnowsRespOrg(ro string) bool {
	for _, n := range c.numbers {
		if n.RespOrg == ro {
			return true
		}
	}
	for _, r := range c.records {
		if r.RespOrg == ro {
			return true
		}
	}
	return false
}

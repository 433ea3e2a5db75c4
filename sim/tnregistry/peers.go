package tnregistry

// What other providers' scenario sections may ask of this one when a
// scenario is checked (see provider.CrossChecker).

// NumberCount is how many numbers the section puts in the registry.
func (c *config) NumberCount() int { return len(c.numbers) }

// HasNumber reports whether the section puts tfn in the registry.
func (c *config) HasNumber(tfn string) bool {
	tfn, err := normTFN(tfn)
	if err != nil {
		return false
	}
	for _, n := range c.numbers {
		if n.TFN == tfn {
			return true
		}
	}
	return false
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

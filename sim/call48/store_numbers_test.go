package call48

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPageBounds(t *testing.T) {
	cases := []struct {
		page, per, n, lo, hi int
	}{
		{1, 10, 25, 0, 10},
		{3, 10, 25, 20, 25},
		{4, 10, 25, 25, 25},
		{0, 10, 25, 0, 10},
		{-5, 0, 25, 0, 10},
		{1, 10, 0, 0, 0},
		{math.MaxInt, 50, 3, 3, 3},          // (page-1)*per overflows
		{math.MaxInt / 2, 3, 7, 7, 7},       // so does this one
		{1, math.MaxInt, 7, 0, 7},           // lo+per overflows
		{math.MinInt, math.MinInt, 7, 0, 7}, // both below one
		{2, math.MaxInt, math.MaxInt, math.MaxInt, math.MaxInt},
	}
	for _, c := range cases {
		lo, hi := pageBounds(c.page, c.per, c.n)
		assert.Equal(t, [2]int{c.lo, c.hi}, [2]int{lo, hi}, "page %d per %d of %d", c.page, c.per, c.n)
	}
}

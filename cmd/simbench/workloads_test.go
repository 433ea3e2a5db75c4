package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLastEvaluatedKey(t *testing.T) {
	cases := []struct{ page, want string }{
		{`{"Items":[{"tfn":"8009900001"}],"LastEvaluatedKey":{"tfn":"8009900001","entityID":"BR"}}`, `{"tfn":"8009900001","entityID":"BR"}`},
		{`{"data":{"Items":[],"LastEvaluatedKey" : "abc"}}`, `"abc"`},
		{"{\n  \"Items\": [],\n  \"LastEvaluatedKey\": null\n}", ``},
		{`{"Items":[]}`, ``},
		{`{"LastEvaluatedKey"}`, ``},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, string(lastEvaluatedKey([]byte(c.page))), c.page)
	}
}

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/app"
)

// TestRouteDocsMatchRouteTable keeps docs/<provider>.md from drifting: each
// page's route table must be exactly what the route registry says.
func TestRouteDocsMatchRouteTable(t *testing.T) {
	a, err := app.New(app.Config{Scenario: mustDefault()})
	require.NoError(t, err)
	for _, info := range a.Infos() {
		t.Run(info.Name, func(t *testing.T) {
			path := filepath.Join("..", "..", "docs", info.Name+".md")
			data, err := os.ReadFile(path)
			require.NoError(t, err, "every provider needs a docs page")
			want, ok := replaceRouteTable(string(data), routeTable(a, info.Name))
			require.True(t, ok, "%s has no route table markers", path)
			assert.Equal(t, want, string(data), "route table is stale: run go run ./cmd/simulator routes -write-docs docs")
		})
	}
}

// TestSchemaFileIsCurrent keeps scenarios/schema.json equal to the schema
// generated from the Go types.
func TestSchemaFileIsCurrent(t *testing.T) {
	a, err := app.New(app.Config{Scenario: mustDefault()})
	require.NoError(t, err)
	want, err := a.Schema()
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join("..", "..", "scenarios", "schema.json"))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "scenarios/schema.json is stale: run go run ./cmd/simulator schema > scenarios/schema.json")
}

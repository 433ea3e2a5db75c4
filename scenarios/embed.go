// Package scenarios embeds the example scenarios shipped with the simulator;
// default.yaml is the world used when no scenario file is given.
package scenarios

import "embed"

// Files holds every scenario in this directory.
//
//go:embed *.yaml
var Files embed.FS

// DefaultName is the embedded default scenario's file name.
const DefaultName = "default.yaml"

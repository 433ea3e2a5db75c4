// Package docs embeds the documentation pages so the simulator can serve
// them (GET /__sim/docs/{page}) and the dashboard can link to them offline.
package docs

import "embed"

// Files holds every page in this directory.
//
//go:embed *.md
var Files embed.FS

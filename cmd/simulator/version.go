package main

import (
	"runtime/debug"
)

// version is set at release time with -ldflags "-X main.version=v0.1.0"
// (scripts/release does it from the git tag). Left empty, the version is
// read from the build's VCS stamp: "devel+<commit>" for a go build in a
// git checkout, plain "devel" for go run or a build without VCS data.
var version = ""

// buildVersion is the version this binary reports (simulator version,
// /__sim/health, the start-up banner).
func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return versionFromSettings(info.Settings)
}

func versionFromSettings(settings []debug.BuildSetting) string {
	var rev string
	dirty := false
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	v := "devel+" + rev
	if dirty {
		v += "-dirty"
	}
	return v
}

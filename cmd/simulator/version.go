package main

import (
	"regexp"
	"runtime/debug"
)

// version is set at release time with -ldflags "-X main.version=v0.1.0"
// (scripts/release does it from the git tag). Left empty, the version is
// read from the build information: the module version for
// "go install .../cmd/simulator@v0.1.0", "devel+<commit>" for a go build in
// a git checkout, plain "devel" for go run or a build without VCS data
// (-buildvcs=false).
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
	return versionFromInfo(info.Main.Version, info.Settings)
}

// pseudoVersion matches the version Go gives a module built from a commit
// that is not a tag (v0.0.0-20261204235707-1243e3c548ab, maybe +dirty).
var pseudoVersion = regexp.MustCompile(`-\d{14}-[0-9a-f]{12}(\+dirty)?$`)

func versionFromInfo(mainVersion string, settings []debug.BuildSetting) string {
	if mainVersion != "" && mainVersion != "(devel)" && !pseudoVersion.MatchString(mainVersion) {
		return mainVersion // a tagged module version
	}
	return versionFromSettings(settings)
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

package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func repoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", name))
	require.NoError(t, err)
	return string(b)
}

// TestLicenceAndNotice: the full Apache-2.0 text, and a NOTICE naming every
// third-party file in fixtures/ (each carries a LICENSE.<name> beside it).
func TestLicenceAndNotice(t *testing.T) {
	lic := repoFile(t, "LICENSE")
	for _, s := range []string{"Apache License", "Version 2.0, January 2004", "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION",
		"9. Accepting Warranty or Additional Liability.", "END OF TERMS AND CONDITIONS", "APPENDIX: How to apply the Apache License to your work."} {
		assert.Contains(t, lic, s)
	}
	notice := repoFile(t, "NOTICE")
	root := filepath.Join("..", "..")
	var thirdParty []string
	for _, dir := range []string{"fixtures", "sim"} {
		require.NoError(t, filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasPrefix(d.Name(), "LICENSE.") {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			thirdParty = append(thirdParty, filepath.ToSlash(rel))
			return nil
		}))
	}
	require.NotEmpty(t, thirdParty, "the Call48 rate-center catalogue carries its MIT licence")
	for _, l := range thirdParty {
		assert.Contains(t, notice, l, "NOTICE must name the licence file")
		data := filepath.ToSlash(filepath.Join(filepath.Dir(l), strings.TrimPrefix(filepath.Base(l), "LICENSE.")))
		assert.Regexp(t, regexp.MustCompile(regexp.QuoteMeta(data)+`\.\w+`), notice, "NOTICE must name the data file beside %s", l)
	}
	readme := repoFile(t, "README.md")
	assert.True(t, strings.Contains(readme, "\n## License\n"), "README has a License section")
	assert.True(t, strings.Contains(readme, "[Apache License 2.0](LICENSE)"), "README names the licence")
}

// TestDockerfileBuildsMultiArch: the build stage cross-compiles on the
// builder's platform for the target one, with the release's flags.
func TestDockerfileBuildsMultiArch(t *testing.T) {
	df := repoFile(t, "Dockerfile")
	assert.Regexp(t, `(?m)^FROM --platform=\$BUILDPLATFORM golang:\S+ AS build$`, df)
	assert.Regexp(t, `(?m)^ARG TARGETOS`, df)
	assert.Regexp(t, `(?m)^ARG TARGETARCH`, df)
	assert.Contains(t, df, "CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -trimpath")
	assert.Contains(t, df, `-X main.version=${VERSION}`)
	assert.Regexp(t, `(?m)^FROM scratch$`, df)
	assert.Regexp(t, `(?m)^USER 65532:65532$`, df)
}

// TestChangelogNewestSectionIsARelease: scripts/release takes its notes from
// the newest "## [X.Y.Z] - DATE" section.
func TestChangelogNewestSectionIsARelease(t *testing.T) {
	cl := repoFile(t, "CHANGELOG.md")
	heads := regexp.MustCompile(`(?m)^## (.*)$`).FindAllStringSubmatch(cl, -1)
	require.NotEmpty(t, heads)
	for _, h := range heads {
		assert.Regexp(t, `^(Unreleased|\[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2})$`, h[1])
	}
	script := repoFile(t, "scripts/release")
	for _, p := range []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"} {
		assert.Contains(t, script, p)
	}
	assert.Contains(t, script, "-X main.version=${version}")
	assert.Contains(t, repoFile(t, ".ci/run"), ".ci/release", "CI runs the release snapshot")
}

package main

import (
	"debug/elf"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestContainerLikeRun builds the binary exactly as the Dockerfile does and
// runs it the way the image would: alone in a read-only root (a chroot in a
// private mount namespace) holding nothing but the binary, a tmpfs /tmp and
// an empty /scenarios, with an empty environment, a non-root user, no shell
// and no CA bundle. It checks that it serves, that its own healthcheck
// works there, and that SIGTERM stops it with exit status 0.
func TestContainerLikeRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root for unshare/chroot (run as root, as CI does, to emulate the container)")
	}
	for _, tool := range []string{"unshare", "chroot", "sh"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s to emulate the container", tool)
		}
	}
	root := t.TempDir()
	require.NoError(t, os.Chmod(root, 0o755))
	bin := filepath.Join(root, "simulator")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version=container-test", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))
	for _, d := range []string{"tmp", "scenarios"} {
		require.NoError(t, os.Mkdir(filepath.Join(root, d), 0o755))
	}

	// A static binary has no program interpreter.
	f, err := elf.Open(bin)
	require.NoError(t, err)
	for _, p := range f.Progs {
		assert.NotEqual(t, elf.PT_INTERP, p.Type, "binary is dynamically linked")
	}
	f.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()

	inContainer := func(args ...string) *exec.Cmd {
		script := fmt.Sprintf(`mount --bind %[1]s %[1]s && mount -o remount,bind,ro %[1]s && mount -t tmpfs -o mode=1777 tmpfs %[1]s/tmp && exec chroot --userspec=65532:65532 %[1]s /simulator "$@"`, root)
		cmd := exec.Command("unshare", append([]string{"-m", "--propagation", "private", "sh", "-c", script, "sh"}, args...)...)
		cmd.Env = []string{} // the binary must not need any variable
		return cmd
	}
	srv := inContainer("serve", "--addr", addr)
	logs := &syncBuffer{}
	srv.Stdout, srv.Stderr = logs, logs
	require.NoError(t, srv.Start())
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	defer func() {
		if srv.ProcessState == nil {
			_ = srv.Process.Kill()
		}
	}()

	base := "http://" + addr
	ready := false
	for i := 0; i < 200 && !ready; i++ {
		if resp, err := http.Get(base + "/__sim/health"); err == nil {
			resp.Body.Close()
			ready = resp.StatusCode == http.StatusOK
		}
		if !ready {
			time.Sleep(25 * time.Millisecond)
		}
	}
	require.True(t, ready, "never became healthy:\n%s", logs.String())

	hc := inContainer("healthcheck", "--url", base+"/__sim/health")
	hcOut, err := hc.CombinedOutput()
	require.NoError(t, err, string(hcOut))
	assert.Contains(t, string(hcOut), "ok")

	req, _ := http.NewRequest("GET", base+"/flowroute/v2/cnams", nil)
	req.SetBasicAuth("demo-access-key", "demo-secret-key")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	require.NoError(t, srv.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-done:
		require.NoError(t, err, "exit status after SIGTERM:\n%s", logs.String())
	case <-time.After(15 * time.Second):
		t.Fatalf("did not stop after SIGTERM:\n%s", logs.String())
	}
	assert.Contains(t, logs.String(), "stopped")
}

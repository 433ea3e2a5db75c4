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

// TestMain lets the test binary stand in for the simulator: copied into
// the container-like root as /simulator, it runs main instead of the tests
// (argv[0] is the only thing it can go by there: the environment is empty).
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "simulator" {
		main()
		return
	}
	os.Exit(m.Run())
}

// isStatic reports whether the ELF file at path has no program interpreter.
func isStatic(path string) (bool, error) {
	f, err := elf.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return false, nil
		}
	}
	return true, nil
}

// containerBinary puts a static simulator at bin. With SIM_CONTAINER_BUILD=1
// (CI sets it) it is built exactly as the Dockerfile builds it; otherwise
// the test binary itself is reused when it is static (CGO_ENABLED=0), so a
// plain go test does not compile the whole tree a second time.
func containerBinary(t *testing.T, bin string) {
	t.Helper()
	if os.Getenv("SIM_CONTAINER_BUILD") != "1" {
		self, err := os.Executable()
		require.NoError(t, err)
		static, err := isStatic(self)
		require.NoError(t, err)
		if !static {
			t.Skip("the test binary links libc (cgo); run with CGO_ENABLED=0 to reuse it, or SIM_CONTAINER_BUILD=1 to build the binary as the Dockerfile does")
		}
		data, err := os.ReadFile(self)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(bin, data, 0o755))
		return
	}
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version=container-test", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))
}

// TestContainerLikeRun runs the binary the way the image would: alone in a
// read-only root (a chroot in a private mount namespace) holding nothing
// but the binary, a tmpfs /tmp and an empty /scenarios, with an empty
// environment, a non-root user, no shell and no CA bundle. It checks that
// it serves, that its own healthcheck works there, and that SIGTERM stops
// it with exit status 0.
func TestContainerLikeRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary in a chroot; skipped with -short")
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
	containerBinary(t, bin)
	for _, d := range []string{"tmp", "scenarios"} {
		require.NoError(t, os.Mkdir(filepath.Join(root, d), 0o755))
	}

	static, err := isStatic(bin)
	require.NoError(t, err)
	require.True(t, static, "binary is dynamically linked")

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

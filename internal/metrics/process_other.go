//go:build !linux

package metrics

// WriteProcess writes nothing where there is no /proc to read the process's
// metrics from.
func WriteProcess(*Text) {}

// Package safe keeps a panic in one of the simulator's own goroutines (a
// clock timer, a callback delivery, a watcher) from ending the process: the
// panic is logged with its stack, counted, and reported to whoever owns the
// work, usually a tenant, while every other tenant keeps working.
package safe

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync/atomic"
)

var total atomic.Int64

// Panics is how many panics were recovered since the process started.
func Panics() int64 { return total.Load() }

// Recover must be deferred directly: defer safe.Recover(log, "what", report).
// On a panic it logs where it happened (when log is not nil), counts it and
// calls report (when not nil) with the value and the stack.
func Recover(log *slog.Logger, where string, report func(v any, stack []byte)) {
	v := recover()
	if v == nil {
		return
	}
	stack := debug.Stack()
	total.Add(1)
	if log != nil {
		log.Error("panic recovered", "where", where, "panic", fmt.Sprint(v), "stack", string(stack))
	}
	if report != nil {
		report(v, stack)
	}
}

// Go runs f on a new goroutine under Recover.
func Go(log *slog.Logger, where string, report func(v any, stack []byte), f func()) {
	go func() {
		defer Recover(log, where, report)
		f()
	}()
}

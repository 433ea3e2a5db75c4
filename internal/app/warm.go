package app

import (
	"context"
	"runtime/debug"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/safe"
)

// WarmDelay is how long serve lets the first requests have the CPU before
// Warm compiles the OpenAPI documents: a request in that time compiles its
// own provider's document (a few milliseconds for most), and on a single
// CPU the warm-up would otherwise hold up the first answers by tens of
// milliseconds.
const WarmDelay = 100 * time.Millisecond

// Warm compiles every provider's OpenAPI document in the background once
// after has passed (unless ctx ends first), so later first requests to each
// provider do not pay for it; problems are logged. Compiling leaves most of
// what it allocated behind as garbage (the YAML and JSON trees the documents
// were decoded from), so once every document is compiled the heap is
// collected and its free pages are handed back to the operating system: an
// idle simulator stays small.
func (a *App) Warm(ctx context.Context, after time.Duration) {
	safe.Go(a.log, "warming the OpenAPI documents", nil, func() {
		if clock.Sleep(ctx, after) != nil {
			return
		}
		for _, m := range a.mounts {
			func() {
				defer safe.Recover(a.log, "warming the "+m.info.Name+" OpenAPI document", nil)
				if _, err := m.spec.Get(); err != nil {
					a.log.Error("OpenAPI document does not load; requests to this provider will fail", "provider", m.info.Name, "err", err)
				}
			}()
		}
		debug.FreeOSMemory()
	})
}

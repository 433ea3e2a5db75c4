// Package fake gives each provider of each tenant its own seeded faker, so
// generated data is identical from run to run for a given scenario seed.
package fake

import (
	"crypto/sha256"
	"fmt"
	"hash/fnv"

	"github.com/brianvoe/gofakeit/v7"
)

// New returns a faker seeded from the scenario seed and a stream name (the
// provider's name), so providers draw independent, reproducible sequences.
func New(seed int64, stream string) *gofakeit.Faker {
	h := fnv.New64a()
	_, _ = h.Write([]byte(stream))
	return gofakeit.New(uint64(seed) ^ h.Sum64())
}

// Secret derives 32 bytes unique to a tenant's provider from the scenario
// seed: reproducible for a given tenant, different across tenants.
func Secret(seed int64, tenant, stream string) []byte {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d\x00%s\x00%s", seed, tenant, stream)))
	return sum[:]
}

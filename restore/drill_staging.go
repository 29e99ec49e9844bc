package restore

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// stagingName is a unique, DNS- and identifier-safe name for target idx of
// drill id: lowercase, starts with a letter, at most 30 characters.
func stagingName(drillID string, idx int) string {
	h := sha256.Sum256([]byte(drillID))
	return fmt.Sprintf("bkdrill-%s-%04d", hex.EncodeToString(h[:5]), idx)
}

//go:build !unix

package dashboard_test

import "time"

// processCPU is not measured off Unix; cpu-ratio then reads NaN.
func processCPU() time.Duration { return 0 }

package automation

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScriptWarmsPackageBuild: scripts/test builds the function for
// linux/arm64 with exactly Package's arguments and environment before
// the tests, so cmd/backupkit-lambda's TestPackage links from a warm build
// cache instead of compiling the AWS SDK for arm64 within its timeout.
func TestScriptWarmsPackageBuild(t *testing.T) {
	t.Parallel()
	script, err := os.ReadFile("../scripts/test")
	require.NoError(t, err)
	args := buildArgs("/dev/null")
	for i, a := range args {
		if strings.Contains(a, " ") {
			args[i] = `"` + a + `"`
		}
	}
	want := "CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go " + strings.Join(args, " ")
	goTest := strings.Index(string(script), "go test ")
	at := strings.Index(string(script), want)
	require.GreaterOrEqual(t, at, 0, "scripts/test does not run %q", want)
	assert.Less(t, at, goTest, "scripts/test must build the function before go test")
}

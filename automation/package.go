package automation

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Module is the Go module the Lambda function is built from.
const Module = "github.com/backupkit/backupkit"

// LambdaPackage is the zip Package writes.
const LambdaPackage = "backupkit-lambda.zip"

// MaxPackageBytes is the zipped size backupkit keeps its function under
// (Lambda itself accepts 50 MB for a direct upload).
const MaxPackageBytes = 15 << 20

// PackageOptions configure Package.
type PackageOptions struct {
	// Source is the backupkit module's folder. Default: the current folder
	// (checked to be the module).
	Source string
	// GOARCH is "arm64" (default) or "amd64".
	GOARCH string
	// Go is the go command. Default "go".
	Go string
}

// Package cross-compiles cmd/backupkit-lambda for Lambda's
// provided.al2023 runtime (CGO_ENABLED=0, GOOS=linux, GOARCH=arm64,
// -trimpath, stripped, -tags lambda.norpc) and writes outDir/
// backupkit-lambda.zip with the executable named bootstrap at its root,
// the layout Lambda expects. It returns the zip's path.
func Package(ctx context.Context, outDir string, optFns ...func(*PackageOptions)) (string, error) {
	o := PackageOptions{Source: ".", GOARCH: "arm64", Go: "go"}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.GOARCH != "arm64" && o.GOARCH != "amd64" {
		return "", fmt.Errorf("GOARCH %q: Lambda runs arm64 or amd64 (x86_64)", o.GOARCH)
	}
	if outDir == "" {
		return "", fmt.Errorf("no output folder")
	}
	mod := exec.CommandContext(ctx, o.Go, "list", "-m")
	mod.Dir = o.Source
	name, err := mod.Output()
	if err != nil || strings.TrimSpace(string(name)) != Module {
		return "", fmt.Errorf("%s is not the %s module (run from a backupkit checkout or pass its folder): %v", o.Source, Module, err)
	}
	tmp, err := os.MkdirTemp("", "backupkit-lambda-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "bootstrap")
	build := exec.CommandContext(ctx, o.Go, buildArgs(bin)...)
	build.Dir = o.Source
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+o.GOARCH)
	var stderr bytes.Buffer
	build.Stderr = &stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/backupkit-lambda: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", err
	}
	out := filepath.Join(outDir, LambdaPackage)
	if err := zipBootstrap(bin, out); err != nil {
		return "", err
	}
	return out, nil
}

// buildArgs are the go command's arguments that build the function into
// bin. scripts/test runs the same build for linux/arm64 before the tests,
// so that the build cache holds every package for TestPackage
// (TestScriptWarmsPackageBuild keeps the two the same).
func buildArgs(bin string) []string {
	return []string{"build", "-trimpath", "-tags", "lambda.norpc", "-ldflags", "-s -w", "-o", bin, "./cmd/backupkit-lambda"}
}

// zipBootstrap writes a zip holding bin as "bootstrap", executable.
func zipBootstrap(bin, out string) (err error) {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	src, err := os.Open(bin)
	if err != nil {
		return err
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	hdr, err := zip.FileInfoHeader(st)
	if err != nil {
		return err
	}
	hdr.Name, hdr.Method = "bootstrap", zip.Deflate
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, src); err != nil {
		return err
	}
	return zw.Close()
}

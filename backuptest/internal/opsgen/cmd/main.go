// Command opsgen writes backuptest/operations_gen.go from the SDK's AWS
// Backup schemas (see package opsgen). go generate runs it in backuptest:
//
//	go run ./internal/opsgen/cmd -out operations_gen.go
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/backupkit/backupkit/backuptest/internal/opsgen"
)

func main() {
	out := flag.String("out", "operations_gen.go", "file to write")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "opsgen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	dir, err := opsgen.SchemasDir(".")
	if err != nil {
		return err
	}
	ops, err := opsgen.Operations(dir)
	if err != nil {
		return err
	}
	src, err := opsgen.Generate(ops)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}

package opsgen

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTableIsCurrent fails when backuptest/operations_gen.go is not what
// the generator writes from the SDK module in go.mod: after an SDK update,
// run go generate ./backuptest.
func TestTableIsCurrent(t *testing.T) {
	dir, err := SchemasDir(".")
	require.NoError(t, err)
	ops, err := Operations(dir)
	require.NoError(t, err)
	want, err := Generate(ops)
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join("..", "..", "operations_gen.go"))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "backuptest/operations_gen.go is stale: run go generate ./backuptest")
}

func TestOperations(t *testing.T) {
	dir := t.TempDir()
	src := `package schemas

var Alpha = smithy.NewSchema(smithy.ShapeID{Name: "Alpha"}, smithy.ShapeTypeOperation, 0)
var AlphaInput = smithy.NewSchema(smithy.ShapeID{Name: "AlphaInput"}, smithy.ShapeTypeStructure, 0)
var Beta = smithy.NewSchema(smithy.ShapeID{Name: "Beta"}, smithy.ShapeTypeOperation, 0)
var BetaRequest = smithy.NewSchema(smithy.ShapeID{Name: "BetaRequest"}, smithy.ShapeTypeStructure, 0)
var Gamma = smithy.NewSchema(smithy.ShapeID{Name: "Gamma"}, smithy.ShapeTypeOperation, 0)
var Delta = smithy.NewSchema(smithy.ShapeID{Name: "Delta"}, smithy.ShapeTypeStructure, 0)
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "schemas.go"), []byte(src), 0o644))
	ops, err := Operations(dir)
	require.NoError(t, err)
	assert.Equal(t, []Operation{{"Alpha", "AlphaInput"}, {"Beta", "BetaRequest"}, {"Gamma", ""}}, ops)

	_, err = Operations(t.TempDir())
	assert.ErrorContains(t, err, "no operation schemas")
}

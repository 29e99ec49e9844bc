package lazyre

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMatchString(t *testing.T) {
	t.Parallel()
	re := New(`^[a-z](?:[a-z0-9]|-[a-z0-9]){0,62}$`)
	assert.Equal(t, `^[a-z](?:[a-z0-9]|-[a-z0-9]){0,62}$`, re.String())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			assert.True(t, re.MatchString("db-1"))
			assert.False(t, re.MatchString("db--1"))
			assert.False(t, re.MatchString("1db"))
		})
	}
	wg.Wait()
}

// TestInvalidPanicsOnUse: New does not compile; the first match does.
func TestInvalidPanicsOnUse(t *testing.T) {
	t.Parallel()
	re := New(`(`)
	assert.Panics(t, func() { re.MatchString("x") })
}

// TestExpressionsCompile compiles every lazyre.New literal in the module,
// so a bad expression fails here rather than on its first use.
func TestExpressionsCompile(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "New" {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "lazyre" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			expr, err := strconv.Unquote(lit.Value)
			require.NoError(t, err, path)
			_, err = regexp.Compile(expr)
			assert.NoError(t, err, "%s: %s", path, expr)
			n++
			return true
		})
		return nil
	})
	require.NoError(t, err)
	assert.Positive(t, n, "lazyre.New calls found")
}

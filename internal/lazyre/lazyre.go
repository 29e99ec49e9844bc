// Package lazyre holds regular expressions that compile on first use.
//
// A package-level regexp.MustCompile runs when the program starts, whether
// or not the program ever matches it, and a bounded repetition of a group
// such as (?:[a-z]|-[a-z]){0,62} compiles to a large program. Every
// process that links the package pays for it: the backupkit Lambda
// function pays on each cold start. A Regexp from New compiles once, the
// first time it is matched.
package lazyre

import (
	"regexp"
	"sync"
)

// Regexp is a regular expression compiled on first use. Its zero value is
// not usable; make one with New.
type Regexp struct {
	expr     string
	compiled func() *regexp.Regexp
}

// New returns expr, to be compiled by regexp.MustCompile on first use (an
// invalid expression panics then; TestExpressionsCompile compiles every
// one in the module).
func New(expr string) *Regexp {
	return &Regexp{expr: expr, compiled: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
}

// MatchString reports whether s contains any match of the expression.
func (r *Regexp) MatchString(s string) bool { return r.compiled().MatchString(s) }

// String returns the source text of the expression.
func (r *Regexp) String() string { return r.expr }

package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/backupkit/backupkit/compliance"
)

// tableWidth is the width every table the CLI prints fits in.
const tableWidth = 120

// middle shortens s to at most n runes by replacing its middle with "…",
// so both an ARN's service and its resource name stay readable.
func middle(s string, n int) string {
	if utf8.RuneCountInString(s) <= n || n < 5 {
		return s
	}
	r := []rune(s)
	head := (n - 1) / 3
	tail := n - 1 - head
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

// wrapText breaks s into lines of at most width runes at spaces (a word
// longer than width gets a line of its own).
func wrapText(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// plural renders "1 finding", "3 findings".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// writeFindings prints advise findings within tableWidth columns: severity,
// check and resource (long ARNs shortened in the middle) on one line, the
// evidence and the fix wrapped and indented below it.
func writeFindings(w io.Writer, findings []compliance.Finding) error {
	const sevW, checkW = 8, 38
	const indent = sevW + 2
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s  %-*s  %s\n", sevW, "SEVERITY", checkW, "CHECK", "RESOURCE")
	for _, f := range findings {
		fmt.Fprintf(&b, "%-*s  %-*s  %s\n", sevW, f.Severity, checkW, f.Check, middle(f.Resource, tableWidth-indent-checkW-2))
		for _, l := range wrapText(f.Evidence, tableWidth-indent) {
			fmt.Fprintf(&b, "%*s%s\n", indent, "", l)
		}
		for i, l := range wrapText("fix: "+f.Fix, tableWidth-indent-2) {
			if i > 0 {
				l = "  " + l
			}
			fmt.Fprintf(&b, "%*s%s\n", indent, "", l)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

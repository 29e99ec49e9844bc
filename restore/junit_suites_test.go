package restore

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// Several drills in one JUnit document: a suite per drill in order, a
// failed case for a drill that could not run, and the counts summed.
func TestWriteJUnitSuites(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	err := WriteJUnitSuites(&buf, []JUnitSuite{
		{Name: "111111111111 us-east-1", Report: sampleReport()},
		{Name: "444444444444 us-east-1", Error: "cannot assume arn:aws:iam::444444444444:role/OrganizationAccountAccessRole"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit XML does not parse: %v\n%s", err, buf.String())
	}
	if doc.Tests != 3 || doc.Fails != 2 || len(doc.Suites) != 2 {
		t.Fatalf("got %d tests, %d failures, %d suites; want 3, 2, 2\n%s", doc.Tests, doc.Fails, len(doc.Suites), buf.String())
	}
	if s := doc.Suites[0]; s.Name != "111111111111 us-east-1" || len(s.Cases) != 2 || s.Properties == nil {
		t.Errorf("suite 0 = %+v; want the report's two cases and its audit properties under the given name", s)
	}
	s := doc.Suites[1]
	if s.Name != "444444444444 us-east-1" || s.Tests != 1 || s.Fails != 1 || len(s.Cases) != 1 ||
		s.Cases[0].Failure == nil || s.Cases[0].Failure.Type != "error" || s.Cases[0].Failure.Message == "" {
		t.Errorf("suite 1 = %+v; want one failed case with the error", s)
	}
}

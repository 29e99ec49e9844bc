package main

import (
	"encoding/json"
	"io"
	"math"
	"time"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/compliance"
)

// The JSON the CLI prints gives durations in seconds (a number, with a
// "Seconds" suffix on the key), never Go's nanoseconds, and leaves out a
// duration that does not exist (an unprotected resource has no RPO). These
// views wrap the library's types: an outer field hides the inner field of
// the same JSON name, and a nil hidden field is left out.

// hidden is a field that is never printed.
type hidden *struct{}

func secondsOf(d time.Duration) *float64 {
	if d <= 0 {
		return nil
	}
	s := math.Round(d.Seconds()*1000) / 1000
	return &s
}

func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

type protectionJSON struct {
	compliance.Protection
	RPO        hidden   `json:"rpo,omitempty"`
	RPOSeconds *float64 `json:"rpoSeconds,omitempty"`
}

type resourceCoverageJSON struct {
	compliance.ResourceCoverage
	Protections []protectionJSON `json:"protections,omitempty"`
	RPO         hidden           `json:"rpo,omitempty"`
	// RPOSeconds is left out for an unprotected resource: it has no RPO.
	RPOSeconds *float64 `json:"rpoSeconds,omitempty"`
}

type coverageJSON struct {
	*compliance.CoverageReport
	Resources      []resourceCoverageJSON `json:"resources"`
	Unprotected    []string               `json:"unprotected"` // [] rather than null when none
	Horizon        hidden                 `json:"horizon,omitempty"`
	HorizonSeconds *float64               `json:"horizonSeconds,omitempty"`
}

func coverageView(rep *compliance.CoverageReport) coverageJSON {
	v := coverageJSON{CoverageReport: rep, Resources: []resourceCoverageJSON{}, Unprotected: append([]string{}, rep.Unprotected...), HorizonSeconds: secondsOf(rep.Horizon)}
	for _, r := range rep.Resources {
		rv := resourceCoverageJSON{ResourceCoverage: r}
		if r.Protected() {
			rv.RPOSeconds = secondsOf(r.RPO)
		}
		for _, p := range r.Protections {
			rv.Protections = append(rv.Protections, protectionJSON{Protection: p, RPOSeconds: secondsOf(p.RPO)})
		}
		v.Resources = append(v.Resources, rv)
	}
	return v
}

type resourceStatusJSON struct {
	backup.ResourceStatus
	Age        hidden   `json:"ageNanos,omitempty"`
	AgeSeconds *float64 `json:"ageSeconds,omitempty"`
}

type statusJSON struct {
	*backup.Report
	Resources []resourceStatusJSON `json:"resources"`
}

func statusView(rep *backup.Report) statusJSON {
	v := statusJSON{Report: rep, Resources: []resourceStatusJSON{}}
	for _, r := range rep.Resources {
		v.Resources = append(v.Resources, resourceStatusJSON{ResourceStatus: r, AgeSeconds: secondsOf(r.Age)})
	}
	return v
}

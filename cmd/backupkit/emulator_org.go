package main

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/backupkit/backupkit/backuptest"
)

// resourcesFile is the object form of the --resources file: the inventory
// and the emulated AWS Organizations organization (OUs, accounts, tags,
// roles) that STS and Organizations serve.
type resourcesFile struct {
	Resources    json.RawMessage     `json:"resources"`
	Organization *backuptest.OrgSpec `json:"organization"`
}

// splitResourcesFile reads the --resources file: a JSON array of resources,
// or an object {"resources": [...], "organization": {...}}.
func splitResourcesFile(b []byte) (resources []byte, org *backuptest.OrgSpec, err error) {
	t := bytes.TrimSpace(b)
	if len(t) == 0 || t[0] != '{' {
		return b, nil, nil
	}
	var f resourcesFile
	dec := json.NewDecoder(bytes.NewReader(t))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, nil, fmt.Errorf(`want a JSON array of resources or {"resources": [...], "organization": {"ous": [...], "accounts": [...]}}: %s`, describeJSONError(err))
	}
	if len(f.Resources) == 0 {
		f.Resources = []byte("[]")
	}
	return f.Resources, f.Organization, nil
}

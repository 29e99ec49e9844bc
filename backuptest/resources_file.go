package backuptest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// ResourcesFile is the seed file `backupkit emulator --resources` reads:
// either a JSON array of resources
//
//	[{"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "tags": {"env": "prod"}, "sizeBytes": 8589934592}]
//
// or an object that also seeds the emulated AWS Organizations
// organization that STS and Organizations serve:
//
//	{"resources": [...], "organization": {"ous": [{"name": "prod"}], "accounts": [{"id": "111111111111", "ou": "prod"}]}}
//
// Each resource has "arn" (required) and optionally "tags", "sizeBytes",
// "type", "name" and "attributes".
type ResourcesFile struct {
	Resources    []Resource
	Organization *OrgSpec
}

// resourcesObject is the object form of a ResourcesFile.
type resourcesObject struct {
	Resources    json.RawMessage `json:"resources"`
	Organization *OrgSpec        `json:"organization"`
}

// resourceEntry is one element of a ResourcesFile's resources.
type resourceEntry struct {
	ARN        *string           `json:"arn"`
	Tags       map[string]string `json:"tags"`
	SizeBytes  *int64            `json:"sizeBytes"`
	Type       string            `json:"type"`
	Name       string            `json:"name"`
	Attributes map[string]string `json:"attributes"`
}

// ParseResourcesFile reads a ResourcesFile. Errors name the entry index
// and the field, and what is allowed; unknown fields are refused.
func ParseResourcesFile(b []byte) (*ResourcesFile, error) {
	f := &ResourcesFile{}
	list := b
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		var obj resourcesObject
		dec := json.NewDecoder(bytes.NewReader(t))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&obj); err != nil {
			return nil, fmt.Errorf(`want a JSON array of resources or {"resources": [...], "organization": {"ous": [...], "accounts": [...]}}: %s`, describeJSONError(err, "resources, organization"))
		}
		if dec.More() {
			return nil, errors.New("not valid JSON: more than one value")
		}
		list, f.Organization = obj.Resources, obj.Organization
		if len(list) == 0 {
			list = []byte("[]")
		}
	}
	var err error
	f.Resources, err = parseResourceList(list)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func parseResourceList(b []byte) ([]Resource, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, errors.New(`want a JSON array of {"arn": "...", "tags": {"k": "v"}, "sizeBytes": N}`)
		}
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	out := make([]Resource, 0, len(raw))
	seen := map[string]int{}
	for i, m := range raw {
		var ent resourceEntry
		dec := json.NewDecoder(bytes.NewReader(m))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ent); err != nil {
			return nil, fmt.Errorf("entry %d: %s", i, describeJSONError(err, "arn, tags, sizeBytes, type, name, attributes"))
		}
		if ent.ARN == nil || *ent.ARN == "" {
			return nil, fmt.Errorf("entry %d: field \"arn\" is required", i)
		}
		a, err := arn.Parse(*ent.ARN)
		if err != nil {
			return nil, fmt.Errorf("entry %d: field \"arn\": %q is not an ARN", i, *ent.ARN)
		}
		if a.Service == "" || a.Resource == "" {
			return nil, fmt.Errorf("entry %d: field \"arn\": %q has no service or resource part", i, *ent.ARN)
		}
		if j, dup := seen[*ent.ARN]; dup {
			return nil, fmt.Errorf("entry %d: field \"arn\": %q repeats entry %d", i, *ent.ARN, j)
		}
		seen[*ent.ARN] = i
		var size int64
		if ent.SizeBytes != nil {
			if *ent.SizeBytes < 0 {
				return nil, fmt.Errorf("entry %d: field \"sizeBytes\": %d is negative", i, *ent.SizeBytes)
			}
			size = *ent.SizeBytes
		}
		for k := range ent.Tags {
			if k == "" {
				return nil, fmt.Errorf("entry %d: field \"tags\": a tag key is empty", i)
			}
		}
		out = append(out, Resource{
			ARN: *ent.ARN, Tags: ent.Tags, SizeBytes: size, Type: ent.Type, Name: ent.Name, Attributes: ent.Attributes,
		})
	}
	return out, nil
}

// Apply puts f's resources in e's inventory and seeds e's organization
// when f has one. An error names the entry the emulator refused (a
// resource type AWS Backup does not protect, say).
func (f *ResourcesFile) Apply(e *Emulator) error {
	for i, r := range f.Resources {
		if err := e.PutResource(r); err != nil {
			msg := strings.TrimPrefix(err.Error(), "backuptest: ")
			msg = strings.Replace(msg, "set Resource.Type", `set "type" to one of AWS Backup's resource types`, 1)
			return fmt.Errorf("entry %d: field \"arn\": %s", i, msg)
		}
	}
	if f.Organization != nil {
		if err := e.SeedOrganization(*f.Organization); err != nil {
			return fmt.Errorf("organization: %w", err)
		}
	}
	return nil
}

// describeJSONError says what is wrong with a JSON value in words: the
// field and the kind wanted, or the unknown field and the allowed ones.
func describeJSONError(err error, allowed string) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			return fmt.Sprintf("want an object, got JSON %s", te.Value)
		}
		return fmt.Sprintf("field %q: got JSON %s, want %s", field, te.Value, jsonKind(te.Type.Kind().String()))
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return fmt.Sprintf("unknown field %s (allowed: %s)", rest, allowed)
	}
	return strings.TrimPrefix(msg, "json: ")
}

func jsonKind(k string) string {
	switch k {
	case "ptr", "string":
		return "a string"
	case "int64":
		return "an integer"
	case "map":
		return "an object of strings"
	}
	return k
}

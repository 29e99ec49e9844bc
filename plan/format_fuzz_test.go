package plan

import (
	"bytes"
	"testing"
)

// fuzzFormat checks that parse never panics and that, for input it
// accepts, emitting, re-parsing and emitting again is byte-for-byte stable.
func fuzzFormat[T any](t *testing.T, data []byte, parse func([]byte) (T, error), emit func(T) ([]byte, error)) {
	v, err := parse(data)
	if err != nil {
		return
	}
	out1, err := emit(v)
	if err != nil {
		return // e.g. Terraform cannot express index actions
	}
	v2, err := parse(out1)
	if err != nil {
		t.Fatalf("re-parse of emitted output failed: %v\n%s", err, out1)
	}
	out2, err := emit(v2)
	if err != nil {
		t.Fatalf("second emit failed: %v", err)
	}
	if !bytes.Equal(out1, out2) {
		t.Fatalf("emit not stable:\n%s\nvs\n%s", out1, out2)
	}
}

func addSeeds(f *testing.F, emit func(Spec) ([]byte, error), extra ...string) {
	for _, sp := range []Spec{testSpec(), tfSpec(), orgSpec()} {
		if b, err := emit(sp); err == nil {
			f.Add(b)
		}
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

func FuzzParseCLI(f *testing.F) {
	addSeeds(f, func(s Spec) ([]byte, error) { return MarshalCLI(s.Plan) }, `{"BackupPlanName":"p","Rules":[]}`, `{}`, `[]`)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFormat(t, data, ParseCLI, MarshalCLI)
		fuzzFormat(t, data, ParseCLISelection, func(s *Selection) ([]byte, error) { return MarshalCLISelection(s, "") })
	})
}

func FuzzParseYAML(f *testing.F) {
	addSeeds(f, func(s Spec) ([]byte, error) { return MarshalYAML(s) }, "plans: []\n", "plans:\n- name: x\n  rules:\n  - {name: r, vault: v, startWindow: 7d}\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFormat(t, data, ParseYAML, func(s []Spec) ([]byte, error) { return MarshalYAML(s...) })
	})
}

func FuzzParseTerraform(f *testing.F) {
	addSeeds(f, func(s Spec) ([]byte, error) { return MarshalTerraform(s) }, `{"resource":{"aws_backup_plan":{"a":{"name":"a","rule":{"rule_name":"r","target_vault_name":"v"}}}}}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFormat(t, data, ParseTerraform, func(s []Spec) ([]byte, error) { return MarshalTerraform(s...) })
	})
}

func FuzzParseOrgPolicy(f *testing.F) {
	addSeeds(f, func(s Spec) ([]byte, error) { return MarshalOrgPolicy(s) }, `{"plans":{"p":{"rules":{"r":{"target_backup_vault_name":{"@@assign":"v"}}}}}}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFormat(t, data, ParseOrgPolicy, func(s []Spec) ([]byte, error) { return MarshalOrgPolicy(s...) })
	})
}

package main

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backuptest"
)

func runKeys(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestKeysCommands(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	ep := []string{"--endpoint", srv.URL, "--region", "us-east-1", "--role", "arn:aws:iam::123456789012:role/backup"}
	code, out, errOut := runKeys(t, append([]string{"keys", "ensure", "--alias", "alias/vaults", "--multi-region"}, ep...)...)
	if code != 0 || !strings.HasPrefix(out, "created arn:aws:kms:us-east-1:123456789012:key/mrk-") {
		t.Fatalf("ensure: exit %d %q %q", code, out, errOut)
	}
	keyARN := regexp.MustCompile(`arn:aws:kms:\S+`).FindString(out)
	if code, out, _ = runKeys(t, append([]string{"keys", "ensure", "--alias", "alias/vaults"}, ep...)...); code != 0 || !strings.HasPrefix(out, "found "+keyARN) {
		t.Errorf("second ensure: exit %d %q", code, out)
	}
	if code, out, _ = runKeys(t, append([]string{"keys", "check", "--key", keyARN}, ep...)...); code != 0 || !strings.HasPrefix(out, "ok: "+keyARN) {
		t.Errorf("check: exit %d %q", code, out)
	}
	if code, out, _ = runKeys(t, append([]string{"keys", "replicate", "--key", keyARN, "--to", "eu-west-1"}, ep...)...); code != 0 || !strings.Contains(out, "replica arn:aws:kms:eu-west-1:") {
		t.Errorf("replicate: exit %d %q", code, out)
	}
	material := make([]byte, 32)
	_, _ = rand.Read(material)
	file := filepath.Join(t.TempDir(), "k.bin")
	if err := os.WriteFile(file, material, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut = runKeys(t, append([]string{"keys", "import", "--alias", "alias/byok", "--file", file}, ep...)...); code != 0 || !strings.Contains(out, "origin EXTERNAL") {
		t.Errorf("import: exit %d %q %q", code, out, errOut)
	}
}

func TestKeysFlagsCheckedFirst(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"keys", "ensure", "--alias", "vaults", "--role", "arn:aws:iam::1:role/r"}, "backupkit: --alias: \"vaults\": want alias/"},
		{[]string{"keys", "ensure", "--alias", "alias/vaults", "--role", "backup"}, "--role"},
		{[]string{"keys", "check", "--key", "1234"}, "--key"},
		{[]string{"keys", "import", "--alias", "alias/x", "--role", "arn:aws:iam::1:role/r"}, "set --file"},
		{[]string{"keys", "replicate", "--key", "arn:aws:kms:us-east-1:1:key/mrk-1", "--role", "arn:aws:iam::1:role/r"}, "--to REGION"},
		{[]string{"keys", "replicate", "--key", "arn:aws:kms:us-east-1:1:key/mrk-1", "--role", "arn:aws:iam::1:role/r", "--to", "mars-1"}, `--to: "mars-1" is not an AWS Region`},
		{[]string{"keys", "xks", "--name", "s", "--alias", "alias/x", "--role", "arn:aws:iam::1:role/r"}, "--alias needs --xks-key-id"},
	}
	for _, tt := range tests {
		code, _, errOut := runKeys(t, tt.args...)
		if code == 0 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d %q; want %q", tt.args, code, errOut, tt.want)
		}
	}
	// Every problem at once, before the AWS configuration is even loaded.
	code, out, errOut := runKeys(t, "keys", "import", "--alias", "vaults", "--role", "backup", "--file", "k.bin", "--vault-addr", "http://v")
	for _, want := range []string{"--alias", `--role "backup"`, "--file and --vault-addr exclude each other"} {
		if code != exitErr || out != "" || !strings.Contains(errOut, want) {
			t.Errorf("import with three bad flags: exit %d, stdout %q, stderr %q; want %q among the errors", code, out, errOut, want)
		}
	}
}

package sfnlocal

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parse(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &m))
	return m
}

// TestWrapCredentials: a Task with Credentials gets {"input", "roleArn"}
// as its Parameters — input from its Parameters, its InputPath or the
// whole state input, the role from RoleArn or RoleArn.$ — in nested Map
// processors too, and its route is marked; Tasks without Credentials are
// left alone.
func TestWrapCredentials(t *testing.T) {
	t.Parallel()
	def := parse(t, `{"StartAt":"A","States":{
	  "A":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:backup:startRestoreJob","InputPath":"$.state.startRestore","Credentials":{"RoleArn.$":"$.state.roleArn"},"Next":"B"},
	  "B":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:backup:getRecoveryPointRestoreMetadata","Parameters":{"RecoveryPointArn.$":"$.target.rp"},"Credentials":{"RoleArn":"arn:aws:iam::111111111111:role/R"},"Next":"M"},
	  "M":{"Type":"Map","ItemProcessor":{"StartAt":"C","States":{
	    "C":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:backup:describeBackupVault","Credentials":{"RoleArn.$":"$.role"},"Next":"D"},
	    "D":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:backup:listBackupVaults","End":true}}},"End":true}}}`)
	wrapped := map[string]bool{}
	require.NoError(t, wrapCredentials(def, wrapped))
	assert.Equal(t, map[string]bool{"A": true, "B": true, "C": true}, wrapped)
	states := def["States"].(map[string]any)
	a := states["A"].(map[string]any)
	assert.Equal(t, map[string]any{"input.$": "$.state.startRestore", "roleArn.$": "$.state.roleArn"}, a["Parameters"])
	assert.NotContains(t, a, "InputPath")
	assert.NotContains(t, a, "Credentials")
	b := states["B"].(map[string]any)
	assert.Equal(t, map[string]any{"input": map[string]any{"RecoveryPointArn.$": "$.target.rp"}, "roleArn": "arn:aws:iam::111111111111:role/R"}, b["Parameters"])
	inner := states["M"].(map[string]any)["ItemProcessor"].(map[string]any)["States"].(map[string]any)
	assert.Equal(t, map[string]any{"input.$": "$", "roleArn.$": "$.role"}, inner["C"].(map[string]any)["Parameters"])
	assert.NotContains(t, inner["D"].(map[string]any), "Parameters")

	routesOut := map[string]Route{}
	routes(def, false, nil, wrapped, routesOut)
	assert.True(t, routesOut["A"].Credentials)
	assert.False(t, routesOut["D"].Credentials)
	assert.Equal(t, "StartRestoreJob", routesOut["A"].Action)
}

func TestWrapCredentialsRefuses(t *testing.T) {
	t.Parallel()
	for name, def := range map[string]string{
		"both paths":     `{"States":{"A":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:backup:x","InputPath":"$.a","Parameters":{"B":1},"Credentials":{"RoleArn":"r"},"End":true}}}`,
		"not AWS Backup": `{"States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Credentials":{"RoleArn":"r"},"End":true}}}`,
		"no role":        `{"States":{"A":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:backup:x","Credentials":{},"End":true}}}`,
	} {
		err := wrapCredentials(parse(t, def), map[string]bool{})
		assert.Error(t, err, name)
	}
}

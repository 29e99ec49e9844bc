package limits

import "fmt"

// MaxRestoreTestingResources is the most specific protected resource ARNs,
// and the most tag conditions, one restore testing selection takes
// (API_RestoreTestingSelectionForCreate).
const MaxRestoreTestingResources = 30

// RestoreTestingResources checks the shape of a restore testing
// selection's ProtectedResourceArns together with its tag conditions
// (conds of them; hasConds when ProtectedResourceConditions is present).
// API_RestoreTestingSelectionForCreate: "A restore testing selection can
// include a wildcard value ("*") for ProtectedResourceArns along with
// ProtectedResourceConditions. Alternatively, you can include up to 30
// specific protected resource ARNs in ProtectedResourceArns", and
// "ProtectedResourceArns: ["*"]" alone selects every protected resource of
// the type. It returns the member at fault (ProtectedResourceArns,
// ProtectedResourceArns[i] or ProtectedResourceConditions) and what is
// wrong, with missing true when nothing selects resources; "" when the
// shape is valid. Each ARN's own form is the caller's check.
func RestoreTestingResources(arns []string, conds int, hasConds bool) (member, problem string, missing bool) {
	wildcard, specific := false, 0
	for i, a := range arns {
		if a == "*" {
			if len(arns) > 1 {
				return fmt.Sprintf("ProtectedResourceArns[%d]", i), `"*" must be the only entry (a wildcard or specific ARNs, not both)`, false
			}
			wildcard = true
			continue
		}
		specific++
	}
	switch {
	case !wildcard && specific == 0 && !hasConds:
		return "ProtectedResourceArns", `is required: specific ARNs, ["*"] for every protected resource of the type, or ["*"] with ProtectedResourceConditions`, true
	case hasConds && specific > 0:
		return "ProtectedResourceConditions", `go only with ProtectedResourceArns ["*"], not with specific ARNs`, false
	case specific > MaxRestoreTestingResources:
		return "ProtectedResourceArns", fmt.Sprintf("has %d ARNs: at most %d allowed", specific, MaxRestoreTestingResources), false
	case conds > MaxRestoreTestingResources:
		return "ProtectedResourceConditions", fmt.Sprintf("has %d conditions: at most %d allowed", conds, MaxRestoreTestingResources), false
	}
	return "", "", false
}

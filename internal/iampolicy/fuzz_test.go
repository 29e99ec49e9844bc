package iampolicy

import "testing"

// FuzzParse checks that Parse never panics and that every policy it
// accepts can be evaluated. Seeds: testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add(doc(`{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/BreakGlass"}}}`))
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			if p != nil {
				t.Fatalf("Parse returned a policy and an error: %v", err)
			}
			return
		}
		if len(p.Statements) == 0 {
			t.Fatal("Parse accepted a policy without statements")
		}
		for _, who := range []Principal{Root(acct), mustRole(t, breakGlass, "alice"), ServicePrincipal("backup.amazonaws.com")} {
			d, st := p.Evaluate(Request{Principal: who, Action: "backup:DeleteRecoveryPoint", Resource: rpARN,
				Context: map[string][]string{"aws:SourceAccount": {acct}, "aws:TagKeys": {"a", "b"}, "aws:CurrentTime": {"2026-01-01T00:00:00Z"}}})
			if (st == nil) != (d == NoMatch) {
				t.Fatalf("decision %v with statement %+v", d, st)
			}
		}
	})
}

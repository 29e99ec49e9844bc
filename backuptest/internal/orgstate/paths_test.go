package orgstate

import "testing"

func TestOrgPath(t *testing.T) {
	t.Parallel()
	f := New("111111111111", nil)
	ou, err := f.AddOU(RootID)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := f.AddOU(ou)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.AddAccount("222222222222", sub); err != nil {
		t.Fatal(err)
	}
	for acct, want := range map[string]string{
		"111111111111": ID + "/" + RootID + "/",
		"222222222222": ID + "/" + RootID + "/" + ou + "/" + sub + "/",
	} {
		got, ok := f.OrgPath(acct)
		if !ok || got != want {
			t.Errorf("OrgPath(%s) = %q, %v; want %q", acct, got, ok, want)
		}
	}
	if _, ok := f.OrgPath("333333333333"); ok {
		t.Error("an account outside the organization has a path")
	}
}

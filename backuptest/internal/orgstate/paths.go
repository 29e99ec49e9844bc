package orgstate

// OrgPath returns the organization path of an account as IAM's
// aws:PrincipalOrgPaths reports it ("o-…/r-…/ou-…/ou-…/": the
// organization, root and OUs above the account), and false when the
// account is not in the organization.
func (f *Org) OrgPath(account string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.accounts[account] {
		return "", false
	}
	var chain []string
	for id := f.parents[account]; id != ""; id = f.parents[id] {
		chain = append(chain, id)
		if id == RootID || len(chain) > 64 {
			break
		}
	}
	path := ID + "/"
	for i := len(chain) - 1; i >= 0; i-- {
		path += chain[i] + "/"
	}
	return path, true
}

package backuptest

import "net/http"

// backupPrincipal is AWS Backup's service principal in Organizations.
const backupPrincipal = "backup.amazonaws.com"

// crossAccountAllowed answers AccessDeniedException unless the caller may
// read other accounts' jobs: AWS Backup's cross-account monitoring is for
// the organization's management account and AWS Backup's delegated
// administrator
// (https://docs.aws.amazon.com/aws-backup/latest/devguide/manage-cross-account.html).
func (c *opCtx) crossAccountAllowed() error {
	if c.account == c.e.org.Management() || c.e.org.IsDelegatedAdmin(backupPrincipal, c.account) {
		return nil
	}
	return &APIError{Code: CodeAccessDenied, Status: http.StatusForbidden,
		Message: "account " + c.account + " is neither the organization's management account nor AWS Backup's delegated administrator, so it cannot list other accounts' jobs"}
}

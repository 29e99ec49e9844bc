package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/compliance"
)

func newIAMCmd() *cobra.Command {
	var account, region, roleName, lint, instanceRole, profile string
	var typeNames []string
	var restore, copies bool
	cmd := &cobra.Command{
		Use:   "iam --resource-types EBS,RDS,DynamoDB [--restore]",
		Short: "Print least-privilege IAM policies for AWS Backup roles, or lint a policy",
		Long: `iam prints, as JSON, the trust policy, permissions policy and iam:PassRole
policy of a backup role (or with --restore, a restore role) for the given
resource types. Every action is one AWS's managed
AWSBackupServiceRolePolicyForBackup / ForRestores grants, and fewer of them,
scoped to the account. Without --account, the account is the caller's
(STS GetCallerIdentity with the default credential chain).

--lint FILE checks an existing policy document instead and exits 2 when it
finds wildcards, iam:PassRole without iam:PassedToService, or actions the
types do not need.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ts, err := backup.ParseResourceTypeNames(typeNames...)
			if err != nil {
				return fmt.Errorf("--resource-types: %w", err)
			}
			if region != "" {
				if err := checkRegion(region); err != nil {
					return fmt.Errorf("--region: %w", err)
				}
			}
			out := cmd.OutOrStdout()
			if lint != "" {
				b, err := os.ReadFile(lint)
				if err != nil {
					return err
				}
				doc, err := compliance.ParsePolicyDocument(b)
				if err != nil {
					return err
				}
				findings := compliance.Lint(doc, compliance.LintOptions{Types: ts, Restore: restore, Copies: copies})
				for _, f := range findings {
					fmt.Fprintln(out, f)
				}
				if len(findings) > 0 {
					return &exitError{code: exitFailed}
				}
				fmt.Fprintf(out, "%s: no findings\n", lint)
				return nil
			}
			gen := compliance.BackupRole
			if restore {
				gen = compliance.RestoreRole
			}
			if account == "" {
				// Check the rest first, so that a bad type is reported
				// without a call.
				if _, err := gen(ts, func(o *compliance.RoleOptions) { o.AccountID = "000000000000" }); err != nil {
					return err
				}
				id, err := callerAccount(cmd.Context(), profile)
				if err != nil {
					return fmt.Errorf("--account is required: the 12-digit account id the role lives in (it scopes aws:SourceAccount and the resource ARNs); "+
						"looking up the caller's account failed: %w", err)
				}
				account = id
				fmt.Fprintf(cmd.ErrOrStderr(), "backupkit: account %s (the caller's, from STS GetCallerIdentity)\n", account)
			}
			role, err := gen(ts, func(o *compliance.RoleOptions) {
				o.AccountID, o.Copies, o.EC2InstanceRoleARN = account, copies, instanceRole
				if region != "" {
					o.Region = region
				}
				if roleName != "" {
					o.RoleName = roleName
				}
			})
			if err != nil {
				return err
			}
			enc := json.NewEncoder(out)
			enc.SetIndent("", "  ")
			return enc.Encode(map[string]any{
				"roleName":          role.Name,
				"types":             role.Types,
				"restore":           role.Restore,
				"trustPolicy":       role.Trust,
				"permissionsPolicy": role.Permissions,
				"passRolePolicy":    role.PassRole,
			})
		},
	}
	cmd.Flags().StringSliceVar(&typeNames, "resource-types", nil, "AWS Backup resource types, comma-separated: "+joinTypes(compliance.IAMResourceTypes()))
	// The name iam used before every command said --resource-types.
	cmd.Flags().StringSliceVar(&typeNames, "types", nil, "")
	_ = cmd.Flags().MarkHidden("types")
	cmd.Flags().StringVar(&account, "account", "", "12-digit account id the role lives in (default: the caller's, from STS GetCallerIdentity)")
	cmd.Flags().StringVar(&profile, "profile", "", "shared config profile for the account lookup")
	cmd.Flags().StringVar(&region, "region", "", "scope resource ARNs to one Region (default: every Region)")
	cmd.Flags().StringVar(&roleName, "role-name", "", "role name for the iam:PassRole policy")
	cmd.Flags().BoolVar(&restore, "restore", false, "a restore role instead of a backup role")
	cmd.Flags().BoolVar(&copies, "copies", false, "also grant what copy jobs need")
	cmd.Flags().StringVar(&instanceRole, "ec2-instance-role", "", "restore role for EC2: the instance profile role it may pass to EC2")
	cmd.Flags().StringVar(&lint, "lint", "", "lint this policy document instead of generating one")
	return cmd
}

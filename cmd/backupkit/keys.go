package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/keys"
)

type keysFlags struct {
	af          awsFlags
	role        string
	alias       string
	key         string
	multiRegion bool
	region      string
	file        string
	vaultAddr   string
	vaultKey    string
	vaultMount  string
	xks         keys.XKS
	connect     bool
	xksKeyID    string
}

func newKeysCmd() *cobra.Command {
	var f keysFlags
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "KMS keys for backup vaults: customer managed, imported (BYOK) and external key stores (XKS)",
	}
	// keysRun is a subcommand's RunE: the checks, then the key provider
	// from the AWS configuration, then run.
	keysRun := func(run func(*cobra.Command, *keys.Provider) error, checks ...flagCheck) func(*cobra.Command, []string) error {
		provider := func(cfg aws.Config) *keys.Provider {
			return keys.New(kms.NewFromConfig(cfg), func(o *keys.Options) { o.BackupRoleARN, o.Region = f.role, cfg.Region })
		}
		return withClient(&f.af, provider, checks, run)
	}
	needRole := func() error {
		if !strings.HasPrefix(f.role, "arn:") || !strings.Contains(f.role, ":role/") {
			return fmt.Errorf("--role %q: want the IAM role ARN AWS Backup uses (arn:aws:iam::ACCOUNT:role/NAME)", f.role)
		}
		return nil
	}
	needAlias := func() error {
		if err := keys.CheckAlias(f.alias); err != nil {
			return flagError("alias", err)
		}
		return nil
	}
	needKey := func() error {
		if !strings.HasPrefix(f.key, "arn:") {
			return fmt.Errorf("--key %q: want a KMS key or alias ARN", f.key)
		}
		return nil
	}
	printKey := func(out io.Writer, k *keys.Key, verb string) {
		fmt.Fprintf(out, "%s %s (%s, origin %s, %s)\n", verb, k.ARN, k.State, k.Origin, map[bool]string{true: "alias " + k.Alias, false: "no alias"}[k.Alias != ""])
	}

	ensure := &cobra.Command{
		Use:   "ensure --alias alias/NAME --role ROLE_ARN [--multi-region]",
		Short: "Find the key behind an alias, or create it with a policy for the backup role and rotation on",
		Args:  cobra.NoArgs,
		RunE: keysRun(func(cmd *cobra.Command, p *keys.Provider) error {
			k, created, err := p.Ensure(cmd.Context(), f.alias, f.multiRegion)
			if err != nil {
				return err
			}
			printKey(cmd.OutOrStdout(), k, map[bool]string{true: "created", false: "found"}[created])
			return nil
		}, needAlias, needRole),
	}
	check := &cobra.Command{
		Use:   "check --key ARN [--role ROLE_ARN]",
		Short: "Check that a key can encrypt a vault here (exit 1 with every reason when not)",
		Args:  cobra.NoArgs,
		RunE: keysRun(func(cmd *cobra.Command, p *keys.Provider) error {
			k, err := p.Check(cmd.Context(), f.key)
			if err != nil {
				return err
			}
			printKey(cmd.OutOrStdout(), k, "ok:")
			return nil
		}, needKey),
	}
	replicate := &cobra.Command{
		Use:   "replicate --key MULTI_REGION_KEY_ARN --to REGION --role ROLE_ARN",
		Short: "Replicate a multi-Region key to a copy destination's Region",
		Args:  cobra.NoArgs,
		RunE: keysRun(func(cmd *cobra.Command, p *keys.Provider) error {
			a, err := p.Replicate(cmd.Context(), f.key, f.region)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "replica %s\n", a)
			return nil
		}, needKey, func() error {
			if f.region == "" {
				return fmt.Errorf("--to REGION is required")
			}
			if err := checkRegion(f.region); err != nil {
				return fmt.Errorf("--to: %w", err)
			}
			return nil
		}, needRole),
	}
	imp := &cobra.Command{
		Use:   "import --alias alias/NAME --role ROLE_ARN (--file PATH | --vault-addr URL --vault-key NAME)",
		Short: "Create a key with imported material (BYOK) from a file or HashiCorp Vault Transit (token in VAULT_TOKEN)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var src keys.MaterialSource
			source := func() error {
				switch {
				case f.file != "" && f.vaultAddr != "":
					return fmt.Errorf("--file and --vault-addr exclude each other")
				case f.file != "":
					src = keys.File{Path: f.file}
				case f.vaultAddr != "":
					token := os.Getenv("VAULT_TOKEN")
					if token == "" || f.vaultKey == "" {
						return fmt.Errorf("--vault-addr needs --vault-key and a token in VAULT_TOKEN")
					}
					src = keys.VaultTransit{Address: f.vaultAddr, Token: token, Namespace: os.Getenv("VAULT_NAMESPACE"), Mount: f.vaultMount, Key: f.vaultKey}
				default:
					return fmt.Errorf("set --file PATH or --vault-addr URL --vault-key NAME")
				}
				return nil
			}
			return keysRun(func(cmd *cobra.Command, p *keys.Provider) error {
				k, err := p.Import(cmd.Context(), f.alias, src)
				if err != nil {
					return err
				}
				printKey(cmd.OutOrStdout(), k, "imported")
				return nil
			}, needAlias, needRole, source)(cmd, args)
		},
	}
	xks := &cobra.Command{
		Use:   "xks --name NAME --endpoint-uri https://PROXY --path /PREFIX/kms/xks/v1 --access-key-id ID [--connect] [--alias alias/NAME --xks-key-id ID --role ROLE_ARN]",
		Short: "Create or show an external key store (XKS; secret in BACKUPKIT_XKS_SECRET) and optionally a key in it",
		Args:  cobra.NoArgs,
		RunE: keysRun(func(cmd *cobra.Command, p *keys.Provider) error {
			f.xks.Secret = os.Getenv("BACKUPKIT_XKS_SECRET")
			st, err := p.ExternalStore(cmd.Context(), f.xks, f.connect)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "external key store %s (%s): %s\n", st.ID, st.Name, st.State)
			if f.alias == "" {
				return nil
			}
			k, err := p.CreateExternalKey(cmd.Context(), f.alias, st.ID, f.xksKeyID)
			if err != nil {
				return err
			}
			printKey(out, k, "created")
			return nil
		}, func() error {
			if f.alias == "" {
				return nil
			}
			return checkFlags(needAlias, needRole, func() error {
				if f.xksKeyID == "" {
					return fmt.Errorf("--alias needs --xks-key-id (the key's id in the external key manager)")
				}
				return nil
			})
		}),
	}
	for _, c := range []*cobra.Command{ensure, check, replicate, imp, xks} {
		f.af.register(c)
		c.Flags().StringVar(&f.role, "role", "", "IAM role ARN AWS Backup uses (allowed by the key policy)")
		cmd.AddCommand(c)
	}
	for _, c := range []*cobra.Command{ensure, imp, xks} {
		c.Flags().StringVar(&f.alias, "alias", "", "key alias, alias/NAME")
	}
	for _, c := range []*cobra.Command{check, replicate} {
		c.Flags().StringVar(&f.key, "key", "", "KMS key ARN")
	}
	ensure.Flags().BoolVar(&f.multiRegion, "multi-region", false, "create a multi-Region key (replicable to copy destinations)")
	replicate.Flags().StringVar(&f.region, "to", "", "Region of the replica")
	imp.Flags().StringVar(&f.file, "file", "", "file with 32 raw bytes of key material or their base64")
	imp.Flags().StringVar(&f.vaultAddr, "vault-addr", "", "HashiCorp Vault address (Transit secrets engine)")
	imp.Flags().StringVar(&f.vaultKey, "vault-key", "", "exportable aes256-gcm96 Transit key name")
	imp.Flags().StringVar(&f.vaultMount, "vault-mount", "transit", "Transit mount path")
	xks.Flags().StringVar(&f.xks.Name, "name", "", "custom key store name")
	xks.Flags().StringVar(&f.xks.Endpoint, "endpoint-uri", "", "XKS proxy https:// URI")
	xks.Flags().StringVar(&f.xks.Path, "path", "", "XKS proxy URI path, ending in /kms/xks/v1")
	xks.Flags().StringVar(&f.xks.AccessKeyID, "access-key-id", "", "XKS proxy access key id")
	xks.Flags().BoolVar(&f.connect, "connect", false, "connect the store (ConnectCustomKeyStore) when disconnected")
	xks.Flags().StringVar(&f.xksKeyID, "xks-key-id", "", "with --alias: the key's id in the external key manager")
	return cmd
}

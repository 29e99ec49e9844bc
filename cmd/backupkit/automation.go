package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/automation"
	"github.com/backupkit/backupkit/automation/asl"
	"github.com/backupkit/backupkit/automation/function"
	"github.com/backupkit/backupkit/backup"
)

type workflowFlags struct {
	maxConcurrency, tolerated int
	minDelay, maxDelay        time.Duration
	crossAccount              bool
	functionARN, topicARN     string
}

func (f *workflowFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.IntVar(&f.maxConcurrency, "max-concurrency", automation.DefaultMaxConcurrency, "targets drilled at once (Distributed Map MaxConcurrency, 1–10000)")
	fl.IntVar(&f.tolerated, "tolerated-failure-percentage", automation.DefaultToleratedFailurePercentage, "share of workflow items that may fail (0–100)")
	fl.DurationVar(&f.minDelay, "min-delay", backup.DefaultMinDelay, "first retry delay of job polls (whole seconds)")
	fl.DurationVar(&f.maxDelay, "max-delay", backup.DefaultMaxDelay, "longest retry delay of job polls (whole seconds)")
	fl.BoolVar(&f.crossAccount, "cross-account", false, "AWS Backup calls of each target use Credentials {RoleArn: the target's roleArn}")
	fl.StringVar(&f.functionARN, "function-arn", "", "Lambda function ARN (default: the ${FunctionArn} placeholder CloudFormation fills)")
	fl.StringVar(&f.topicARN, "topic-arn", "", "SNS topic ARN (default: the ${TopicArn} placeholder)")
}

func (f *workflowFlags) options(o *automation.Options) {
	o.MaxConcurrency, o.ToleratedFailurePercentage = f.maxConcurrency, f.tolerated
	o.NoToleratedFailures = f.tolerated == 0
	o.Poll = automation.Poll{MinDelay: f.minDelay, MaxDelay: f.maxDelay}
	o.CrossAccount = f.crossAccount
	o.FunctionARN, o.TopicARN = f.functionARN, f.topicARN
}

func newAutomationCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "automation",
		Short: "Run drills and remediation on AWS Step Functions and Lambda: state machines, CloudFormation template, Lambda package",
		Long: `Render, package and start backupkit's workflows on AWS:

  backupkit automation package --out dist               build the Lambda zip (linux/arm64, bootstrap)
  backupkit automation template --code dist/backupkit-lambda.zip > dist/template.json
  aws cloudformation package --template-file dist/template.json --s3-bucket BUCKET --output-template-file dist/packaged.json
  aws cloudformation deploy --template-file dist/packaged.json --stack-name backupkit --capabilities CAPABILITY_IAM
  backupkit automation start --state-machine ARN --vault V --all-in-vault --wait --report-bucket B

'asl drill|sweep|remediate' prints one state machine alone.`,
	}
	cmd.AddCommand(newAutomationASLCmd(), newAutomationTemplateCmd(), newAutomationPackageCmd(), newAutomationStartCmd())
	return cmd
}

func newAutomationASLCmd() *cobra.Command {
	var f workflowFlags
	cmd := &cobra.Command{
		Use:       "asl drill|sweep|remediate",
		Short:     "Print one state machine definition (Amazon States Language JSON)",
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		ValidArgs: []string{"drill", "sweep", "remediate"},
		RunE: func(cmd *cobra.Command, args []string) error {
			build := map[string]func(...func(*automation.Options)) (*asl.StateMachine, error){
				"drill": automation.DrillMachine, "sweep": automation.SweepMachine, "remediate": automation.RemediateMachine,
			}[args[0]]
			m, err := build(f.options)
			if err != nil {
				return err
			}
			b, err := m.JSON()
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(b)
			return err
		},
	}
	f.register(cmd)
	return cmd
}

func newAutomationTemplateCmd() *cobra.Command {
	var (
		f                  workflowFlags
		schedule, timezone string
		code, input        string
		remediation        string
		memory             int
		timeout            time.Duration
	)
	cmd := &cobra.Command{
		Use:   "template",
		Short: "Print the CloudFormation template (JSON): state machines, Lambda function, least-privilege roles, rules, schedule, topic, bucket",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var di *function.DrillInput
			if input != "" {
				b, err := os.ReadFile(input)
				if err != nil {
					return fmt.Errorf("--drill-input: %w", err)
				}
				di = &function.DrillInput{}
				dec := json.NewDecoder(bytesReader(b))
				dec.DisallowUnknownFields()
				if err := dec.Decode(di); err != nil {
					return fmt.Errorf("--drill-input %s: %w", input, err)
				}
			}
			t, err := automation.Build(func(o *automation.TemplateOptions) {
				f.options(&o.Workflow)
				o.Schedule, o.Timezone, o.Code, o.DrillInput = schedule, timezone, code, di
				o.FunctionMemoryMB, o.FunctionTimeout = memory, timeout
				o.Remediation = remediation
			})
			if err != nil {
				return err
			}
			b, err := t.JSON()
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(b)
			return err
		},
	}
	f.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&schedule, "schedule", automation.DefaultSchedule, "AWS cron expression that starts scheduled drills")
	fl.StringVar(&timezone, "timezone", "UTC", "IANA time zone of --schedule")
	fl.StringVar(&code, "code", "", "local path of the Lambda zip for 'aws cloudformation package' (default: CodeBucket/CodeKey parameters)")
	fl.StringVar(&input, "drill-input", "", "JSON file with the input of scheduled drills (default: every resource in the DrillVault parameter's vault)")
	fl.IntVar(&memory, "memory", 256, "Lambda memory in MB (128–10240)")
	fl.DurationVar(&timeout, "function-timeout", 5*time.Minute, "Lambda function timeout (at most 15m)")
	fl.StringVar(&remediation, "remediation", automation.RemediationWorkflow, "what failed backup and copy jobs start: workflow (remediate, then follow the restarted job) or function (the rule invokes the remediator function directly)")
	return cmd
}

func newAutomationPackageCmd() *cobra.Command {
	var out, source, arch string
	cmd := &cobra.Command{
		Use:   "package",
		Short: "Cross-compile the Lambda function (linux/arm64, bootstrap) and zip it for Lambda",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("--out is required")
			}
			path, err := automation.Package(cmd.Context(), out, func(o *automation.PackageOptions) { o.Source, o.GOARCH = source, arch })
			if err != nil {
				return err
			}
			st, err := os.Stat(path)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s (%.1f MB)\n", path, float64(st.Size())/(1<<20))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&out, "out", "", "folder for "+automation.LambdaPackage)
	fl.StringVar(&source, "source", ".", "the backupkit module's folder")
	fl.StringVar(&arch, "arch", "arm64", "arm64 or amd64")
	return cmd
}

func newAutomationStartCmd() *cobra.Command {
	var (
		af                     awsFlags
		machine, name, input   string
		in                     function.DrillInput
		resources              []string
		maxRTO, maxRPO         time.Duration
		wait                   bool
		maxWait                time.Duration
		reportBucket, reportTo string
	)
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Start a drill execution on the deployed drill state machine (and wait for its report)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if machine == "" {
				return fmt.Errorf("--state-machine is required (the stack's DrillStateMachineArn output)")
			}
			if input != "" {
				b, err := os.ReadFile(input)
				if err != nil {
					return fmt.Errorf("--input: %w", err)
				}
				if err := json.Unmarshal(b, &in); err != nil {
					return fmt.Errorf("--input %s: %w", input, err)
				}
			}
			for _, a := range resources {
				in.Targets = append(in.Targets, function.TargetInput{ResourceARN: a})
			}
			in.MaxRTOSeconds, in.MaxRPOSeconds = maxRTO.Seconds(), maxRPO.Seconds()
			if name == "" {
				name = "drill-" + time.Now().UTC().Format("20060102t150405")
			}
			if err := in.Check(); err != nil {
				return err
			}
			if wait && reportBucket == "" {
				return fmt.Errorf("--wait needs --report-bucket (the stack's ReportBucketName output)")
			}
			if maxWait <= 0 {
				return fmt.Errorf("--max-wait must be positive")
			}
			cfg, err := af.load(cmd.Context())
			if err != nil {
				return err
			}
			api := sfn.NewFromConfig(cfg)
			arn, err := automation.StartDrill(cmd.Context(), api, machine, name, &in)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), arn)
			if !wait {
				return nil
			}
			if _, err := automation.NewExecutionWaiter(api).Wait(cmd.Context(), arn, maxWait); err != nil {
				return err
			}
			rep, err := automation.FetchReport(cmd.Context(), s3.NewFromConfig(cfg), reportBucket, "", name)
			if err != nil {
				return err
			}
			if reportTo != "" {
				if err := os.MkdirAll(reportTo, 0o755); err != nil {
					return err
				}
				f, err := os.Create(filepath.Join(reportTo, "report.json"))
				if err != nil {
					return err
				}
				defer f.Close()
				if err := rep.WriteJSON(f); err != nil {
					return err
				}
			}
			if err := rep.WriteMarkdown(cmd.OutOrStdout()); err != nil {
				return err
			}
			if !rep.Passed {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	af.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&machine, "state-machine", "", "drill state machine ARN")
	fl.StringVar(&name, "name", "", "execution name = drill id (default drill-<UTC time>)")
	fl.StringVar(&input, "input", "", "JSON file with the drill input (function.DrillInput)")
	fl.StringVar(&in.Vault, "vault", "", "vault to take recovery points from")
	fl.BoolVar(&in.AllInVault, "all-in-vault", false, "drill every resource with a recovery point in --vault")
	fl.StringSliceVar(&resources, "resources", nil, "resource ARNs to drill")
	fl.BoolVar(&in.FreshBackup, "fresh-backup", false, "back up each target first")
	fl.StringVar(&in.IAMRoleARN, "role", "", "IAM role for restore jobs (the stack's RestoreRoleArn output)")
	fl.DurationVar(&maxRTO, "max-rto", 0, "RTO target per resource")
	fl.DurationVar(&maxRPO, "max-rpo", 0, "RPO target per resource")
	fl.BoolVar(&wait, "wait", false, "wait for the execution and print its report")
	fl.DurationVar(&maxWait, "max-wait", 24*time.Hour, "longest wait with --wait")
	fl.StringVar(&reportBucket, "report-bucket", "", "report bucket, for --wait")
	fl.StringVar(&reportTo, "out", "", "also write report.json here, with --wait")
	return cmd
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

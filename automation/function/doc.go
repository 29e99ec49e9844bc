// Package function is the handler of backupkit's Lambda function: the
// Lambda steps of the automation package's Step Functions workflows (plan,
// prepare, job polls, validate, guarded cleanup, reports) and the
// remediation of failed AWS Backup jobs. Each step calls the restore
// package (or the backup package's Remediator), so a drill run by Step
// Functions follows exactly the rules of restore.Client.Run.
//
// It is a package of its own so that the function's binary
// (cmd/backupkit-lambda) links only what the steps use: not the
// automation package's template and IAM generation, nor the services
// behind them, which would lengthen every cold start.
package function

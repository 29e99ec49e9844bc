package limits

// AWS Backup quotas ("AWS Backup quotas", aws-backup-limits) and the
// counts the API reference gives.
const (
	MaxPlansPerRegion        = 300  // backup plans per Region
	MaxVersionsPerPlan       = 2000 // versions of one plan
	MaxRulesPerPlan          = 10   // rules per plan
	MaxCopyActionsPerRule    = 5    // copy actions per rule
	MaxSelectionsPerPlan     = 100  // selections per plan
	MaxVaultsPerRegion       = 300  // backup vaults per Region
	MaxRecoveryPointTags     = 10   // RecoveryPointTags of a rule or job
	MaxPlanTags              = 50   // BackupPlanTags
	MaxTagsPerResource       = 50   // tags on one AWS Backup resource
	MaxIndexActionsPerRule   = 1    // IndexActions per rule, one resource type each
	MaxScheduledRunsPreview  = 10   // GetBackupPlan MaxScheduledRunsPreview
	MaxReportPlansPerAccount = 20   // report plans per account
)

package backuptest

import (
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// ExampleKMSKeyID is the key id of AWS's documentation examples
// ("1234abcd-12ab-34cd-56ef-1234567890ab"). The emulator's KMS starts with
// this key, enabled, in its default account and Region, so that examples
// and tests written with it work; any other key must be created first.
const ExampleKMSKeyID = "1234abcd-12ab-34cd-56ef-1234567890ab"

func (e *Emulator) seedKMS() {
	e.keys.PutKey(e.opts.AccountID, e.opts.Region, ExampleKMSKeyID, e.opts.Clock.Now())
}

// checkVaultKey is CreateBackupVault's check of EncryptionKeyArn against
// the emulator's KMS (internal/kms): the key must exist in KMS and be
// Enabled. (AWS's exact error code for a missing or disabled key is not
// documented; the emulator answers InvalidParameterValueException.)
// A test whose vaults name fixed key ARNs adds those keys with PutKMSKey.
func (e *Emulator) checkVaultKey(account, region, keyARN string) error {
	state, ok := e.keys.Lookup(account, region, keyARN)
	switch {
	case !ok:
		return invalidParam("EncryptionKeyArn %s: the KMS key does not exist (create it with KMS CreateKey on this endpoint)", keyARN)
	case state != kmstypes.KeyStateEnabled:
		return invalidParam("EncryptionKeyArn %s: the KMS key is %s; AWS Backup needs an enabled key", keyARN, state)
	}
	return nil
}

// PutKMSKey adds an enabled customer managed symmetric key with the given
// key id to the emulator's KMS in account and Region (DefaultAccountID and
// DefaultRegion when empty) and returns its ARN. KMS's CreateKey chooses
// key ids itself; PutKMSKey is for fixtures that name a fixed key ARN,
// such as a production vault configuration, so that CreateBackupVault
// accepts it as AWS would accept the real key.
func (e *Emulator) PutKMSKey(account, region, keyID string) string {
	if account == "" {
		account = e.opts.AccountID
	}
	if region == "" {
		region = e.opts.Region
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.keys.PutKey(account, region, keyID, e.opts.Clock.Now())
}

using System;
using System.Linq;
using BqBackup.Protection;
using BqBackup.Storage;
using Xunit;

namespace BqBackup.Tests.Protection
{
    /// <summary>The verdicts, from settings as a bucket reports them (moto's Posture.Tests.ps1 reads real ones).</summary>
    public sealed class DestinationPostureTests
    {
        private static readonly DateTime Now = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        private static readonly BackupInfo Newest = new BackupInfo { Name = "backup-2026-06-01T11-00-00.db.gz", Timestamp = Now.AddHours(-1) };

        private static BucketProtection Protected() => new BucketProtection
        {
            Versioning = "Enabled", ObjectLockEnabled = true, DefaultRetentionMode = "COMPLIANCE", DefaultRetentionDays = 30,
            AbortIncompleteUploadDays = 1, AbortIncompleteUploadRule = "abort", DefaultEncryption = "AES256",
        };

        private static ProtectionCheck Find(BucketProtection p, ObjectLockState lockState, string check, BackupInfo newest = null) =>
            DestinationPosture.Evaluate("s3://b/p/", p, newest ?? Newest, lockState, Now).Single(c => c.Check == check);

        [Fact]
        public void A_protected_bucket_with_a_locked_newest_backup_passes_everything()
        {
            var checks = DestinationPosture.Evaluate("s3://b/p/", Protected(), Newest, new ObjectLockState { Mode = "COMPLIANCE", RetainUntil = Now.AddDays(29) }, Now);
            Assert.Equal(6, checks.Count);
            Assert.All(checks, c => Assert.Equal(ProtectionVerdict.Pass, c.Verdict));
            Assert.Equal("COMPLIANCE, 30 day(s)", checks.Single(c => c.Check == DestinationPosture.DefaultRetention).Value);
        }

        [Fact]
        public void A_retention_that_has_run_out_is_not_a_lock_and_says_when_it_ended()
        {
            var check = Find(Protected(), new ObjectLockState { Mode = "GOVERNANCE", RetainUntil = Now.AddSeconds(-1) }, DestinationPosture.NewestBackupLocked);
            Assert.Equal(ProtectionVerdict.Warn, check.Verdict);
            Assert.Contains("retention ended 2026-06-01 11:59:59 UTC", check.Reason);
            Assert.Contains("although the bucket has Object Lock enabled", check.Reason);
        }

        [Fact]
        public void A_legal_hold_alone_locks()
        {
            Assert.Equal(ProtectionVerdict.Pass, Find(Protected(), new ObjectLockState { LegalHold = true }, DestinationPosture.NewestBackupLocked).Verdict);
        }

        [Fact]
        public void Governance_passes_but_names_the_bypass_permission_to_deny()
        {
            var p = Protected();
            p.DefaultRetentionMode = "GOVERNANCE";
            var check = Find(p, new ObjectLockState { Mode = "GOVERNANCE", RetainUntil = Now.AddDays(1) }, DestinationPosture.DefaultRetention);
            Assert.Equal(ProtectionVerdict.Pass, check.Verdict);
            Assert.Contains("s3:BypassGovernanceRetention", check.Reason);
        }

        [Fact]
        public void No_default_retention_passes_only_while_the_newest_backup_is_locked_anyway()
        {
            var p = Protected();
            p.DefaultRetentionMode = null;
            p.DefaultRetentionDays = null;
            Assert.Equal(ProtectionVerdict.Pass, Find(p, new ObjectLockState { Mode = "COMPLIANCE", RetainUntil = Now.AddDays(1) }, DestinationPosture.DefaultRetention).Verdict);
            Assert.Equal(ProtectionVerdict.Warn, Find(p, new ObjectLockState(), DestinationPosture.DefaultRetention).Verdict);
        }

        [Fact]
        public void A_setting_that_cannot_be_read_warns_naming_the_permission()
        {
            var p = Protected();
            p.LifecycleError = "AccessDenied";
            var check = Find(p, new ObjectLockState(), DestinationPosture.IncompleteUploadCleanup);
            Assert.Equal(ProtectionVerdict.Warn, check.Verdict);
            Assert.Contains("s3:GetLifecycleConfiguration", check.Reason);
        }

        [Fact]
        public void Age_encrypted_backups_pass_encryption_without_a_bucket_default()
        {
            var p = Protected();
            p.DefaultEncryption = null;
            var encrypted = new BackupInfo { Name = "backup-2026-06-01T11-00-00.db.gz.age", Timestamp = Now.AddHours(-1), Encrypted = true };
            Assert.Equal(ProtectionVerdict.Pass, Find(p, new ObjectLockState(), DestinationPosture.DefaultEncryption, encrypted).Verdict);
            Assert.Equal(ProtectionVerdict.Warn, Find(p, new ObjectLockState(), DestinationPosture.DefaultEncryption).Verdict);
        }

        [Fact]
        public void No_backup_at_all_warns_on_the_newest_backup()
        {
            var checks = DestinationPosture.Evaluate("s3://b/p/", Protected(), null, null, Now);
            Assert.Equal(ProtectionVerdict.Warn, checks.Single(c => c.Check == DestinationPosture.NewestBackupLocked).Verdict);
        }
    }
}

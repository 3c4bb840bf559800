using System;
using System.Collections.Generic;
using BqBackup.Retention;

namespace BqBackup.Schedule
{
    /// <summary>
    /// What a scheduled backup runs, as Register-BqBackupSchedule was told it. There is deliberately
    /// no place for a secret here: credentials reach the job through <see cref="EnvironmentFile"/>
    /// or the AWS profile <see cref="ProfileName"/>, both read when the job runs. Encryption takes
    /// public keys only (<see cref="Recipients"/>, <see cref="RecipientFiles"/>): no identity and no
    /// passphrase, which would sit in a unit file other users can read.
    /// </summary>
    public sealed class ScheduleSettings
    {
        public const string DefaultName = "bqbackup";

        /// <summary>The schedule's name: the systemd unit and task name. [A-Za-z0-9_-] only.</summary>
        public string Name { get; set; } = DefaultName;

        /// <summary>The database, absolute; null to use BUNQUEUE_DATA_PATH from the environment file.</summary>
        public string DatabasePath { get; set; }

        /// <summary>An absolute folder or s3://bucket/prefix; null to use S3_BUCKET from the environment file.</summary>
        public string Destination { get; set; }

        public TimeSpan Interval { get; set; } = ScheduleInterval.Default;

        /// <summary>The rules passed to Remove-BqBackupExpired; null or no rule for its default (S3_BACKUP_RETENTION, else 7 days).</summary>
        public RetentionPolicy Retention { get; set; }

        /// <summary>An absolute path to KEY=value lines (the user's, holding the secrets); never written by us.</summary>
        public string EnvironmentFile { get; set; }

        public string ProfileName { get; set; }

        /// <summary>age X25519 recipients (age1… public keys) the job's New-BqBackup encrypts to; none: as the environment says.</summary>
        public IList<string> Recipients { get; set; }

        /// <summary>Absolute paths of age recipients files (one age1… a line), read by the job when it runs.</summary>
        public IList<string> RecipientFiles { get; set; }

        /// <summary>Pass -MinimalMetadata to the job's New-BqBackup (encrypted backups only).</summary>
        public bool MinimalMetadata { get; set; }

        /// <summary>The Object Lock the job's New-BqBackup asks for (-LockMode, -LockDays); null: none asked (BQBACKUP_LOCK_* in the environment file still apply).</summary>
        public Locking.ObjectLockOptions ObjectLock { get; set; }
        /// <summary>Pass -Compression to the job's New-BqBackup; null: as the environment says (BQBACKUP_COMPRESSION, else gzip).</summary>
        public Codec.BqCompression? Compression { get; set; }

        /// <summary>Whether -Recipient or -RecipientFile was given.</summary>
        public bool HasRecipients => (Recipients?.Count ?? 0) + (RecipientFiles?.Count ?? 0) > 0;
        public string EndpointUrl { get; set; }
        public string Region { get; set; }

        /// <summary>
        /// A second destination (absolute folder or s3://bucket/prefix) the job mirrors the backups to
        /// after each backup and expiry: Copy-BqBackup -Missing (3-2-1). Null: no copy step.
        /// </summary>
        public string CopyTo { get; set; }
        /// <summary>The copy target's S3 endpoint, region and AWS profile (its credentials); null: as the environment says.</summary>
        public string CopyToEndpointUrl { get; set; }
        public string CopyToRegion { get; set; }
        public string CopyToProfileName { get; set; }
        /// <summary>The Object Lock the copy step asks for at -CopyTo (-CopyToLockMode, -CopyToLockDays, counted from each copy); null: none.</summary>
        public Locking.ObjectLockOptions CopyToObjectLock { get; set; }

        /// <summary>The account the job runs as: systemd's User=, the task's principal. Null: root / SYSTEM.</summary>
        public string User { get; set; }

        /// <summary>The module to import, by absolute path (its manifest in ModuleBase).</summary>
        public string ModulePath { get; set; }

        /// <summary>How to start pwsh: its absolute path, or the dotnet host and pwsh.dll. See <see cref="ScheduleJob.PwshExecutable"/>.</summary>
        public IList<string> Executable { get; set; }
    }
}

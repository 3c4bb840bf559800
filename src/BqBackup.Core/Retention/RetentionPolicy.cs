using System;
using System.Collections.Generic;
using System.Linq;
using BqBackup.Storage;

namespace BqBackup.Retention
{
    /// <summary>
    /// Which backups to keep. Each rule names the backups it keeps; a backup goes only when no
    /// rule keeps it (restic's forget works the same way), so rules added later combine as a union.
    /// </summary>
    public sealed class RetentionPolicy
    {
        public const int DefaultRetentionDays = 7;

        /// <summary>Keep backups taken within this many days.</summary>
        public int RetentionDays { get; set; } = DefaultRetentionDays;

        /// <summary>bunqueue's own backups are left to bunqueue's retention unless this is set.</summary>
        public bool IncludeBunqueueBackups { get; set; }

        /// <summary>S3_BACKUP_RETENTION, as bunqueue's operators already set it, read as days; else 7.</summary>
        public static int DefaultDays(IEnvironment env)
        {
            var text = env.First("S3_BACKUP_RETENTION");
            return int.TryParse(text, out var days) && days > 0 ? days : DefaultRetentionDays;
        }

        public void Validate()
        {
            if (RetentionDays <= 0)
                throw new BqBackupException(ErrorIds.InvalidRetention, BqErrorCategory.InvalidArgument,
                    $"-RetentionDays must be 1 or more; {RetentionDays} would expire every backup.", RetentionDays,
                    "Give the number of days of backups to keep, e.g. -RetentionDays 7.");
        }
    }

    public sealed class RetentionDecision
    {
        public BackupInfo Backup { get; set; }
        public bool Keep { get; set; }
        public string Reason { get; set; }
    }

    public static class RetentionEvaluator
    {
        /// <summary>A decision for every backup given, in the order given.</summary>
        public static IReadOnlyList<RetentionDecision> Evaluate(IReadOnlyList<BackupInfo> backups, RetentionPolicy policy, DateTime nowUtc)
        {
            policy.Validate();
            var candidates = backups.Where(b => b.Origin == BackupOrigin.BqBackup || policy.IncludeBunqueueBackups).ToList();
            // The safety floor: whatever the rules say, the newest backup always survives.
            var newest = candidates.OrderByDescending(b => b.Timestamp).ThenByDescending(b => b.Name, StringComparer.Ordinal).FirstOrDefault();
            var cutoff = nowUtc.ToUniversalTime().AddDays(-policy.RetentionDays);

            return backups.Select(b =>
            {
                if (!candidates.Contains(b))
                    return new RetentionDecision { Backup = b, Keep = true, Reason = "bunqueue's own backup (add -IncludeBunqueueBackups to expire these)" };
                if (ReferenceEquals(b, newest))
                    return new RetentionDecision { Backup = b, Keep = true, Reason = "newest backup (always kept)" };
                if (b.Timestamp >= cutoff)
                    return new RetentionDecision { Backup = b, Keep = true, Reason = $"within {policy.RetentionDays} day(s)" };
                return new RetentionDecision { Backup = b, Keep = false, Reason = $"older than {policy.RetentionDays} day(s)" };
            }).ToList();
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using BqBackup.Catalog;
using BqBackup.Storage;

namespace BqBackup.Health
{
    public static class HealthCheck
    {
        public static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(6);
        public const double DefaultSizeAnomalyFactor = 2.0;

        /// <summary>Ten years: beyond it "2x the interval" stops being a date a clock can hold.</summary>
        public static readonly TimeSpan MaximumInterval = TimeSpan.FromDays(3650);

        /// <summary>S3_BACKUP_INTERVAL (milliseconds, as bunqueue reads it), else 6 hours; saturates at MaximumInterval.</summary>
        public static TimeSpan IntervalFrom(IEnvironment env)
        {
            var text = env.First("S3_BACKUP_INTERVAL");
            if (!long.TryParse(text, out var ms) || ms <= 0) return DefaultInterval;
            return ms >= MaximumInterval.TotalMilliseconds ? MaximumInterval : TimeSpan.FromMilliseconds(ms);
        }

        /// <summary>-Interval as given: positive and at most MaximumInterval, else InvalidInterval.</summary>
        public static void CheckInterval(TimeSpan interval)
        {
            if (interval <= TimeSpan.Zero || interval > MaximumInterval)
                throw new BqBackupException(ErrorIds.InvalidInterval, BqErrorCategory.InvalidArgument,
                    $"-Interval must be positive and at most {MaximumInterval.TotalDays:F0} days; {interval} is not.", interval,
                    "Give how often backups run, e.g. -Interval 06:00:00.");
        }

        public static BackupHealth Evaluate(string destination, IReadOnlyList<BackupInfo> newestFirst, StatusRecord record,
            TimeSpan interval, double sizeAnomalyFactor, DateTime nowUtc)
        {
            var now = nowUtc.ToUniversalTime();
            // Backups stamped in the future (clock skew) are counted but never stand for "the newest":
            // one would look fresh for as long as the clock has not caught up, while backups stop.
            var skewed = newestFirst.Where(b => b.TimestampInFuture || ClockSkew.IsAhead(b.Timestamp, now)).ToList();
            var dated = newestFirst.Where(b => !skewed.Contains(b)).ToList();
            var health = new BackupHealth
            {
                Destination = destination,
                Interval = interval,
                BackupCount = newestFirst.Count,
                TotalSize = newestFirst.Sum(b => b.Size),
                OldestBackupTime = dated.Count > 0 ? dated[dated.Count - 1].Timestamp : (DateTime?)null,
                FutureBackupCount = skewed.Count,
                ClockSkew = skewed.Count > 0,
            };
            var critical = new List<string>();
            var warning = new List<string>();

            var newest = dated.FirstOrDefault();
            if (newest == null)
            {
                critical.Add(skewed.Count == 0 ? "no backup in the destination" : $"no backup with a believable time: all {skewed.Count} are stamped in the future");
            }
            else
            {
                health.LastBackupName = newest.Name;
                health.LastBackupTime = newest.Timestamp;
                health.LastBackupAge = now - newest.Timestamp;
                health.LastBackupSize = newest.Size;
                if (health.LastBackupAge > TimeSpan.FromTicks(Math.Min(interval.Ticks, MaximumInterval.Ticks) * 2))
                    critical.Add($"no backup within 2x the interval ({Hours(interval.TotalHours * 2)}): the newest is {Hours(health.LastBackupAge.Value.TotalHours)} old");

                // Compare like with like: a size anomaly among backups of the same origin.
                var previous = dated.Skip(1).Where(b => b.Origin == newest.Origin).Take(7).Select(b => b.Size).OrderBy(s => s).ToList();
                if (previous.Count >= 3)
                {
                    var median = previous.Count % 2 == 1 ? previous[previous.Count / 2] : (previous[previous.Count / 2 - 1] + previous[previous.Count / 2]) / 2.0;
                    if (median > 0 && (newest.Size > median * sizeAnomalyFactor || newest.Size * sizeAnomalyFactor < median))
                        warning.Add($"size anomaly: the newest backup is {newest.Size:N0} bytes, the median of the {previous.Count} before it {median:N0} (threshold x{sizeAnomalyFactor})");
                }
            }
            if (skewed.Count > 0)
            {
                var furthest = skewed.OrderByDescending(b => b.Timestamp).First();
                warning.Add($"clock skew: {skewed.Count} backup(s) stamped in the future, up to '{furthest.Name}' at {furthest.Timestamp:yyyy-MM-dd HH:mm:ss} UTC, " +
                            $"{ClockSkew.Describe(furthest.Timestamp, now)} ahead; -Latest and -At never pick them and retention neither counts nor expires them. Check the clocks (NTP) of the hosts that back up here");
            }

            if (record != null)
            {
                health.LastFailureTime = record.LastFailure;
                health.LastFailureErrorId = record.LastFailureErrorId;
                health.LastFailureMessage = record.LastFailureMessage;
                var failureAhead = record.LastFailure.HasValue && ClockSkew.IsAhead(record.LastFailure.Value, now);
                var successAhead = record.LastSuccess.HasValue && ClockSkew.IsAhead(record.LastSuccess.Value, now);
                health.ClockSkew |= failureAhead || successAhead;
                if (failureAhead)
                    warning.Add($"clock skew: the status record's last failure is stamped {record.LastFailure:yyyy-MM-dd HH:mm:ss} UTC, {ClockSkew.Describe(record.LastFailure.Value, now)} in the future " +
                                $"({record.LastFailureErrorId}: {record.LastFailureMessage}); it cannot be ordered against other attempts and is not counted as the last one");
                if (successAhead)
                    warning.Add($"clock skew: the status record's last success is stamped {record.LastSuccess:yyyy-MM-dd HH:mm:ss} UTC, {ClockSkew.Describe(record.LastSuccess.Value, now)} in the future; " +
                                "a failure after it still counts as the last attempt");
                // A skewed success hides no real failure; a skewed failure is a warning, not a failure for good.
                health.LastAttemptFailed = record.LastFailure.HasValue && !failureAhead
                    && (!record.LastSuccess.HasValue || successAhead || record.LastFailure > record.LastSuccess);
                if (health.LastAttemptFailed)
                    critical.Add($"the last backup attempt failed at {record.LastFailure:yyyy-MM-dd HH:mm:ss} UTC on {record.Host ?? "?"}: {record.LastFailureErrorId}: {record.LastFailureMessage}");
            }

            health.Reasons.AddRange(critical);
            health.Reasons.AddRange(warning);
            health.Status = critical.Count > 0 ? HealthStatus.Critical : warning.Count > 0 ? HealthStatus.Warning : HealthStatus.Healthy;
            return health;
        }

        /// <summary>Adds a warning found outside Evaluate (e.g. the newest backup not locked where the bucket locks): Healthy becomes Warning; Critical stays.</summary>
        public static void AddWarning(BackupHealth health, string reason)
        {
            if (string.IsNullOrEmpty(reason)) return;
            health.Reasons.Add(reason);
            if (health.Status == HealthStatus.Healthy) health.Status = HealthStatus.Warning;
        }

        /// <summary>
        /// Judges a copy against the primary (the first destination): a copy whose newest backup is
        /// older than the primary's by more than the interval lags behind it — a Warning with that
        /// reason (a copy that is already Critical stays so). Nothing to compare when either has no backup.
        /// </summary>
        public static void CompareWithPrimary(BackupHealth copy, BackupHealth primary)
        {
            copy.Primary = primary.Destination;
            if (!copy.LastBackupTime.HasValue || !primary.LastBackupTime.HasValue) return;
            var lag = primary.LastBackupTime.Value - copy.LastBackupTime.Value;
            copy.LagBehindPrimary = lag > TimeSpan.Zero ? lag : TimeSpan.Zero;
            if (lag <= copy.Interval) return;
            copy.Reasons.Add($"lags behind the primary '{primary.Destination}': its newest backup ('{copy.LastBackupName}', {copy.LastBackupTime:yyyy-MM-dd HH:mm:ss} UTC) is {Hours(lag.TotalHours)} older than the primary's " +
                             $"('{primary.LastBackupName}', {primary.LastBackupTime:yyyy-MM-dd HH:mm:ss} UTC), more than the interval ({Hours(copy.Interval.TotalHours)}); copy the missing backups (Copy-BqBackup -Missing) or check why backups to it fail");
            if (copy.Status == HealthStatus.Healthy) copy.Status = HealthStatus.Warning;
        }

        /// <summary>Prometheus text exposition format, for node-exporter's textfile collector.</summary>
        public static string ToPrometheus(BackupHealth h) => ToPrometheus(new[] { h });

        /// <summary>
        /// Several destinations in one exposition: each metric's HELP and TYPE once, then one sample
        /// per destination (labelled destination="…"), as the format requires of a metric family.
        /// </summary>
        public static string ToPrometheus(IReadOnlyList<BackupHealth> healths)
        {
            string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
            var text = new StringBuilder();
            void Metric(string name, string help, Func<BackupHealth, double?> value, Func<BackupHealth, string> extraLabels = null)
            {
                var samples = healths.Where(h => value(h).HasValue).ToList();
                if (samples.Count == 0) return;
                text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
                text.Append("# TYPE ").Append(name).Append(" gauge\n");
                foreach (var h in samples)
                {
                    text.Append(name).Append("{destination=\"").Append(Escape(h.Destination)).Append('"').Append(extraLabels?.Invoke(h) ?? "").Append('}');
                    text.Append(' ').Append(value(h).Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                }
            }
            double? Unix(DateTime? t) => t.HasValue ? (t.Value.ToUniversalTime() - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds : (double?)null;
            Metric("bqbackup_status", "Backup health: 0 healthy, 1 warning, 2 critical.", h => h.ExitCode);
            Metric("bqbackup_last_backup_timestamp_seconds", "When the newest backup was taken (Unix time).", h => Unix(h.LastBackupTime));
            Metric("bqbackup_last_backup_age_seconds", "Age of the newest backup.", h => h.LastBackupAge?.TotalSeconds);
            Metric("bqbackup_last_backup_size_bytes", "Stored size of the newest backup.", h => h.LastBackupSize);
            Metric("bqbackup_backups", "Number of backups in the destination.", h => h.BackupCount);
            Metric("bqbackup_backups_size_bytes", "Total stored size of all backups.", h => h.TotalSize);
            Metric("bqbackup_oldest_backup_timestamp_seconds", "When the oldest backup was taken (Unix time).", h => Unix(h.OldestBackupTime));
            Metric("bqbackup_last_attempt_failed", "1 when the newest backup attempt failed.", h => h.LastAttemptFailed ? 1 : 0);
            Metric("bqbackup_future_backups", "Backups stamped more than the clock-skew tolerance in the future.", h => h.FutureBackupCount);
            Metric("bqbackup_clock_skew", "1 when a backup or the status record is stamped in the future.", h => h.ClockSkew ? 1 : 0);
            Metric("bqbackup_last_failure_timestamp_seconds", "When a backup attempt last failed (Unix time).", h => Unix(h.LastFailureTime));
            Metric("bqbackup_copy_lag_seconds", "How much older a copy's newest backup is than the primary destination's.", h => h.LagBehindPrimary?.TotalSeconds,
                h => ",primary=\"" + Escape(h.Primary) + "\"");
            return text.ToString();
        }

        private static string Hours(double hours) => hours >= 48 ? $"{hours / 24:F1} days" : $"{hours:F1} h";
    }
}

using System;

namespace BqBackup.Catalog
{
    /// <summary>
    /// A backup stamped later than now plus <see cref="Tolerance"/> was taken while a clock ran
    /// ahead (the host's, or the one that wrote it). Its time cannot be ordered against real
    /// backups, so it is never picked by -Latest or -At, fills no retention slot, is never expired,
    /// and makes the health Warning until the clock has passed it.
    /// </summary>
    public static class ClockSkew
    {
        /// <summary>
        /// 5 minutes: above what NTP-synchronised hosts and an S3 server's clock differ by (S3
        /// itself refuses requests more than 15 minutes off), below any sensible backup interval.
        /// </summary>
        public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

        /// <summary>True when <paramref name="utc"/> is later than <paramref name="nowUtc"/> plus the tolerance.</summary>
        public static bool IsAhead(DateTime utc, DateTime nowUtc) => utc.ToUniversalTime() > nowUtc.ToUniversalTime() + Tolerance;

        /// <summary>"3.2 hours", "2.0 days": how far ahead of now a time is, for messages.</summary>
        public static string Describe(DateTime utc, DateTime nowUtc)
        {
            var ahead = utc.ToUniversalTime() - nowUtc.ToUniversalTime();
            return ahead.TotalDays >= 1 ? $"{ahead.TotalDays:F1} days" : ahead.TotalHours >= 1 ? $"{ahead.TotalHours:F1} hours" : $"{ahead.TotalMinutes:F0} minutes";
        }
    }
}

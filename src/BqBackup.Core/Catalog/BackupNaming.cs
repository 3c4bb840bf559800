using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace BqBackup.Catalog
{
    /// <summary>
    /// The names backups go by. Ours follow the seed: backup-YYYY-MM-DDTHH-mm-ss.db.gz (UTC), with a
    /// -N suffix for the second and later backup taken within one second. bunqueue's built-in
    /// backup writes bunqueue-&lt;ISO time with : and . as -&gt;-&lt;uuid&gt;.db. An age-encrypted
    /// backup of ours is backup-YYYY-MM-DDTHH-mm-ss.db.gz.age: age's own suffix on the gzip.
    /// </summary>
    public static class BackupNaming
    {
        public const string MetadataSuffix = ".meta.json";
        public const string EncryptedSuffix = ".age";
        private const string TimeFormat = "yyyy-MM-dd'T'HH-mm-ss";

        private static readonly Regex Ours = new Regex(
            @"^backup-(?<t>\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})(?:-(?<n>[1-9]\d{0,5}))?\.db\.gz(?:\.age)?$",
            RegexOptions.CultureInvariant);

        private static readonly Regex Bunqueues = new Regex(
            @"^bunqueue-(?<t>\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\.db$",
            RegexOptions.CultureInvariant);

        /// <summary>The name of the sequence-th backup (1-based) taken in the second of <paramref name="utc"/>.</summary>
        public static string NameFor(DateTime utc, int sequence, bool encrypted = false)
        {
            var stamp = utc.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture);
            return (sequence <= 1 ? $"backup-{stamp}.db.gz" : $"backup-{stamp}-{sequence}.db.gz") + (encrypted ? EncryptedSuffix : "");
        }

        /// <summary>True for our encrypted bodies' names (…db.gz.age).</summary>
        public static bool IsEncryptedName(string key) =>
            key != null && key.EndsWith(".db.gz" + EncryptedSuffix, StringComparison.Ordinal) && Ours.IsMatch(key);

        public static string MetadataNameFor(string backupName) => backupName + MetadataSuffix;

        public static bool IsMetadataName(string key) => key.EndsWith(MetadataSuffix, StringComparison.Ordinal);

        /// <summary>Recognises a backup body's name; false for sidecars and anything else in the store.</summary>
        public static bool TryParse(string key, out string origin, out DateTime timestampUtc)
        {
            var m = Ours.Match(key);
            if (m.Success && DateTime.TryParseExact(m.Groups["t"].Value, TimeFormat, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out timestampUtc))
            {
                origin = BackupOrigin.BqBackup;
                return true;
            }
            m = Bunqueues.Match(key);
            if (m.Success && DateTime.TryParseExact(m.Groups["t"].Value, "yyyy-MM-dd'T'HH-mm-ss-fff'Z'", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out timestampUtc))
            {
                origin = BackupOrigin.Bunqueue;
                return true;
            }
            origin = null;
            timestampUtc = default;
            return false;
        }
    }
}

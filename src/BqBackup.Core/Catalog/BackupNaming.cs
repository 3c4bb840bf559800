using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace BqBackup.Catalog
{
    /// <summary>
    /// The names backups go by. Ours follow the seed: backup-YYYY-MM-DDTHH-mm-ss.db.gz (UTC), with a
    /// -N suffix for the second and later backup taken within one second. bunqueue's built-in
    /// backup writes bunqueue-&lt;ISO time with : and . as -&gt;-&lt;uuid&gt;.db. An age-encrypted
    /// backup of ours is backup-YYYY-MM-DDTHH-mm-ss.db.gz.age: age's own suffix on the gzip. A
    /// zstd-compressed one (opt-in) is …db.zst, and …db.zst.age when encrypted.
    /// </summary>
    public static class BackupNaming
    {
        public const string MetadataSuffix = ".meta.json";
        public const string EncryptedSuffix = ".age";
        private const string TimeFormat = "yyyy-MM-dd'T'HH-mm-ss";

        private static readonly Regex Ours = new Regex(
            @"^backup-(?<t>\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})(?:-(?<n>[1-9]\d{0,5}))?\.db\.(?:gz|zst)(?:\.age)?$",
            RegexOptions.CultureInvariant);

        private static readonly Regex Bunqueues = new Regex(
            @"^bunqueue-(?<t>\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\.db$",
            RegexOptions.CultureInvariant);

        /// <summary>The name of the sequence-th backup (1-based) taken in the second of <paramref name="utc"/>.</summary>
        public static string NameFor(DateTime utc, int sequence, bool encrypted = false, Codec.BqCompression compression = Codec.BqCompression.Gzip)
        {
            var stamp = utc.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture);
            var extension = ExtensionOf(compression);
            return (sequence <= 1 ? $"backup-{stamp}{extension}" : $"backup-{stamp}-{sequence}{extension}") + (encrypted ? EncryptedSuffix : "");
        }

        /// <summary>The body's extension before any .age: .db.gz, or .db.zst.</summary>
        public static string ExtensionOf(Codec.BqCompression compression) => compression == Codec.BqCompression.Zstd ? ".db.zst" : ".db.gz";

        /// <summary>True for our encrypted bodies' names (…db.gz.age, …db.zst.age).</summary>
        public static bool IsEncryptedName(string key) =>
            key != null && key.EndsWith(EncryptedSuffix, StringComparison.Ordinal) && Ours.IsMatch(key);

        /// <summary>The compression one of our names says (…db.zst[.age]: zstd); null for a name that is not ours.</summary>
        public static Codec.BqCompression? CompressionOfName(string key)
        {
            if (key == null || !Ours.IsMatch(key)) return null;
            var body = key.EndsWith(EncryptedSuffix, StringComparison.Ordinal) ? key.Substring(0, key.Length - EncryptedSuffix.Length) : key;
            return body.EndsWith(".db.zst", StringComparison.Ordinal) ? Codec.BqCompression.Zstd : Codec.BqCompression.Gzip;
        }

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
